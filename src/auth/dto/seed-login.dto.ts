import { ApiSchema, PickType } from '@nestjs/swagger';
import { LoginDto } from './login.dto.js';

/** POST /api/auth/login: the seed's LoginRequest, validated exactly as /api/v1's login. */
@ApiSchema({ name: 'SeedLogin' })
export class SeedLoginDto extends PickType(LoginDto, ['email', 'password']) {}
