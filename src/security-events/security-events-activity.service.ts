import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { AuthenticatedUser } from '../common/auth/authenticated-user.js';
import { ApiProblem } from '../common/problem/api-problem.js';
import { poolQuery } from '../database/pool-query.js';
import type { ListSecurityEventsQueryDto } from './dto/list-security-events-query.dto.js';
import type { SecurityEventPageDto } from './dto/security-event-page.dto.js';
import { SecurityEventDto, type SecurityEventRow } from './dto/security-event.dto.js';
import { SECURITY_EVENT_RETENTION_DAYS } from './security-events.service.js';

const CURSOR_PREFIX = 'se1:';
const CURSOR_ID = /^\d{1,18}$/;

const encodeCursor = (id: string): string => Buffer.from(`${CURSOR_PREFIX}${id}`).toString('base64url');

function decodeCursor(cursor: string): string {
  const decoded = Buffer.from(cursor, 'base64url').toString('utf8');
  const id = decoded.startsWith(CURSOR_PREFIX) ? decoded.slice(CURSOR_PREFIX.length) : '';
  if (!CURSOR_ID.test(id) || encodeCursor(id) !== cursor) throw ApiProblem.badRequest('invalid-cursor', 'The cursor is not one this endpoint handed out.');
  return id;
}

/** The caller's own events and nothing else: every read is keyed by the caller's user id. */
@Injectable()
export class SecurityEventsActivityService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async list(caller: AuthenticatedUser, query: ListSecurityEventsQueryDto): Promise<SecurityEventPageDto> {
    const before = query.cursor === undefined ? null : decodeCursor(query.cursor);
    // Keyset on the id (newest first): page 50 costs what page 1 costs. Older than 90 days is gone even before the purge runs.
    const rows = await poolQuery<SecurityEventRow>(
      this.dataSource,
      `SELECT id, type, reason, ip, user_agent, detail, created_at FROM security_events
        WHERE user_id = $1 AND ($2::bigint IS NULL OR id < $2::bigint) AND created_at > now() - make_interval(days => $3)
        ORDER BY id DESC LIMIT $4`,
      [caller.userId, before, SECURITY_EVENT_RETENTION_DAYS, query.limit + 1],
    );
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    return {
      data: page.map((row) => SecurityEventDto.from(row)),
      meta: { limit: query.limit, nextCursor: rows.length > query.limit && last ? encodeCursor(String(last.id)) : null },
    };
  }
}
