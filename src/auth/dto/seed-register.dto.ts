import { ApiSchema, PickType } from '@nestjs/swagger';
import { RegisterDto } from './register.dto.js';

/** POST /api/auth/register: the seed's RegisterRequest plus the `name` its frontends send; validated exactly as /api/v1's register. */
@ApiSchema({ name: 'SeedRegister' })
export class SeedRegisterDto extends PickType(RegisterDto, ['email', 'password', 'name']) {}
