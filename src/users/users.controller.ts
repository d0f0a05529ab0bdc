import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Patch, Post } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated } from '../common/auth/authenticated.decorator.js';
import type { AuthenticatedUser } from '../common/auth/authenticated-user.js';
import { CurrentUser } from '../common/auth/current-user.decorator.js';
import { AuthRateLimit } from '../common/http/rate-limit.js';
import { ApiProblemResponses } from '../common/problem/api-problem-responses.decorator.js';
import { ChangePasswordDto } from './dto/change-password.dto.js';
import { DeleteAccountDto } from './dto/delete-account.dto.js';
import { UpdateMeDto } from './dto/update-me.dto.js';
import { UserDto } from './dto/user.dto.js';
import { UsersService } from './users.service.js';

@ApiTags('users')
@Authenticated()
@Controller({ path: 'users', version: '1' })
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get('me')
  @ApiOperation({ operationId: 'users_getMe', summary: 'The calling user' })
  @ApiOkResponse({ type: UserDto })
  getMe(@CurrentUser() caller: AuthenticatedUser): Promise<UserDto> {
    return this.users.getMe(caller);
  }

  @Patch('me')
  @ApiOperation({ operationId: 'users_updateMe', summary: 'Change the display name' })
  @ApiOkResponse({ type: UserDto })
  @ApiProblemResponses(400, 413, 415)
  updateMe(@CurrentUser() caller: AuthenticatedUser, @Body() body: UpdateMeDto): Promise<UserDto> {
    return this.users.updateMe(caller, body);
  }

  // Both take the current password: limited like login, so a stolen access token cannot guess it quickly.
  @AuthRateLimit()
  @Post('me/password')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({
    operationId: 'users_changePassword',
    summary: 'Change the password; ends every other session',
    description: 'A wrong currentPassword is 403 (401 only ever means the access token is not good).',
  })
  @ApiNoContentResponse({ description: 'Changed; this session lives on, all others are revoked.' })
  @ApiProblemResponses(400, 403, 413, 415)
  changePassword(@CurrentUser() caller: AuthenticatedUser, @Body() body: ChangePasswordDto): Promise<void> {
    return this.users.changePassword(caller, body);
  }

  @AuthRateLimit()
  @Delete('me')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({
    operationId: 'users_deleteMe',
    summary: 'Delete the account with its tasks and sessions',
    description: 'Needs the password again: a wrong one is 403.',
  })
  @ApiNoContentResponse({ description: 'Deleted; every token of the account stops working at once.' })
  @ApiProblemResponses(400, 403, 413, 415)
  deleteMe(@CurrentUser() caller: AuthenticatedUser, @Body() body: DeleteAccountDto): Promise<void> {
    return this.users.deleteMe(caller, body);
  }
}
