import { ApiProperty, ApiSchema } from '@nestjs/swagger';

/** POST /api/auth/logout: the seed answers 200 with this body where /api/v1 answers 204. */
@ApiSchema({ name: 'SeedLogout' })
export class SeedLogoutDto {
  @ApiProperty({ enum: [true], example: true })
  success: true;

  @ApiProperty({ example: 'Logged out successfully' })
  message: string;

  static loggedOut(): SeedLogoutDto {
    return { success: true, message: 'Logged out successfully' };
  }
}
