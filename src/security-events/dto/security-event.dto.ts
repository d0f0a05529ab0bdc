import { ApiProperty } from '@nestjs/swagger';
import { SECURITY_EVENT_TYPES, type SecurityEventType } from '../security-event.entity.js';

export interface SecurityEventRow {
  id: string;
  type: SecurityEventType;
  reason: string | null;
  ip: string | null;
  user_agent: string | null;
  detail: Record<string, unknown> | null;
  created_at: Date;
}

export class SecurityEventDto {
  @ApiProperty({ example: '1042', description: 'Grows with every event recorded.' })
  id: string;

  @ApiProperty({ enum: SECURITY_EVENT_TYPES, enumName: 'SecurityEventType' })
  type: SecurityEventType;

  @ApiProperty({
    type: String,
    nullable: true,
    example: 'wrong_password',
    description: '`login.failed`: `wrong_password` or `unverified`; `logout`: `all` for logout-all; otherwise null.',
  })
  reason: string | null;

  @ApiProperty({ type: String, nullable: true, example: '203.0.113.7', description: 'The client address (X-Forwarded-For only when TRUST_PROXY says so).' })
  ip: string | null;

  @ApiProperty({ type: String, nullable: true, maxLength: 512 })
  userAgent: string | null;

  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'The session it concerns (logged in, logged out, revoked, reused), when there is one.' })
  sessionId: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  static from(row: SecurityEventRow): SecurityEventDto {
    const sessionId = row.detail?.sessionId;
    return {
      id: row.id,
      type: row.type,
      reason: row.reason,
      ip: row.ip,
      userAgent: row.user_agent,
      sessionId: typeof sessionId === 'string' ? sessionId : null,
      createdAt: row.created_at.toISOString(),
    };
  }
}
