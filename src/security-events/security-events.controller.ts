import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated } from '../common/auth/authenticated.decorator.js';
import type { AuthenticatedUser } from '../common/auth/authenticated-user.js';
import { CurrentUser } from '../common/auth/current-user.decorator.js';
import { ApiProblemResponses } from '../common/problem/api-problem-responses.decorator.js';
import { ListSecurityEventsQueryDto } from './dto/list-security-events-query.dto.js';
import { SecurityEventPageDto } from './dto/security-event-page.dto.js';
import { SecurityEventsActivityService } from './security-events-activity.service.js';

@ApiTags('users')
@Authenticated()
@Controller({ path: 'users/me/security-events', version: '1' })
export class SecurityEventsController {
  constructor(private readonly activity: SecurityEventsActivityService) {}

  @Get()
  @ApiOperation({
    operationId: 'users_listSecurityEvents',
    summary: 'Your account activity: sign-ins, failed attempts, password changes, ended sessions',
    description:
      'Newest first, the last 90 days, paged by an opaque cursor. Failed logins with your email address count here only when they ' +
      'named your account; attempts on addresses that have no account belong to nobody and are never shown.',
  })
  @ApiOkResponse({ type: SecurityEventPageDto })
  @ApiProblemResponses(400)
  list(@CurrentUser() caller: AuthenticatedUser, @Query() query: ListSecurityEventsQueryDto): Promise<SecurityEventPageDto> {
    return this.activity.list(caller, query);
  }
}
