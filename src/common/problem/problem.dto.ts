import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class ProblemFieldErrorDto {
  @ApiProperty({ example: 'title' })
  field: string;

  @ApiProperty({ example: 'title must be shorter than or equal to 200 characters' })
  message: string;
}

/** RFC 9457 problem details: the body of every error response. */
export class ProblemDto {
  @ApiProperty({ format: 'uri', example: 'https://tasknest.dev/problems/validation-failed' })
  type: string;

  @ApiProperty({ example: 'Validation failed' })
  title: string;

  @ApiProperty({ example: 400 })
  status: number;

  @ApiProperty({ example: 'The request is not valid.' })
  detail: string;

  @ApiProperty({ example: '/api/v1/tasks' })
  instance: string;

  @ApiProperty({ example: '5f1c1c8e-8a4e-4b9e-9d6e-3f2a1b0c9d8e' })
  requestId: string;

  @ApiPropertyOptional({ type: [ProblemFieldErrorDto], description: 'Present on validation errors.' })
  errors?: ProblemFieldErrorDto[];
}
