import { ApiProperty } from '@nestjs/swagger';
import type { User } from '../user.entity.js';

export class UserDto {
  @ApiProperty({ format: 'uuid', example: '7c9f2d4a-0b1e-4c5d-8e6f-1a2b3c4d5e6f' })
  id: string;

  @ApiProperty({ format: 'email', example: 'ada@example.com' })
  email: string;

  @ApiProperty({ type: String, nullable: true, maxLength: 100, example: 'Ada Lovelace' })
  name: string | null;

  @ApiProperty({ description: 'True once the address was confirmed through the emailed link.', example: false })
  emailVerified: boolean;

  @ApiProperty({ description: 'True while two-factor sign-in (TOTP) is on: logging in then takes a code too.', example: false })
  mfaEnabled: boolean;

  @ApiProperty({ format: 'date-time', example: '2026-11-28T10:00:00.000Z' })
  createdAt: string;

  @ApiProperty({ format: 'date-time', example: '2026-11-28T10:00:00.000Z' })
  updatedAt: string;

  static from(user: User): UserDto {
    return {
      id: user.id,
      email: user.email,
      name: user.name,
      emailVerified: user.emailVerified,
      mfaEnabled: user.mfaEnabled,
      createdAt: user.createdAt.toISOString(),
      updatedAt: user.updatedAt.toISOString(),
    };
  }
}
