import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { QueryFailedError } from 'typeorm';
import { ApiProblem, PROBLEM_TYPE_BASE, type ProblemInit } from './api-problem.js';

interface StatusProblem {
  slug: string;
  title: string;
  detail: string;
}

const BY_STATUS: Record<number, StatusProblem> = {
  400: { slug: 'bad-request', title: 'Bad request', detail: 'The request is not valid.' },
  401: { slug: 'unauthorized', title: 'Unauthorized', detail: 'A valid access token is required.' },
  403: { slug: 'forbidden', title: 'Forbidden', detail: 'You may not do this.' },
  404: { slug: 'not-found', title: 'Not found', detail: 'The resource does not exist.' },
  405: { slug: 'method-not-allowed', title: 'Method not allowed', detail: 'This method is not allowed here.' },
  406: { slug: 'not-acceptable', title: 'Not acceptable', detail: 'This resource is only available as JSON.' },
  409: { slug: 'conflict', title: 'Conflict', detail: 'The request conflicts with the current state.' },
  412: { slug: 'precondition-failed', title: 'Precondition failed', detail: 'The resource has changed since you read it.' },
  413: { slug: 'payload-too-large', title: 'Payload too large', detail: 'The request body is larger than 100 kB.' },
  415: { slug: 'unsupported-media-type', title: 'Unsupported media type', detail: 'Send the body as application/json.' },
  422: { slug: 'unprocessable', title: 'Unprocessable content', detail: 'The request cannot be processed.' },
  429: { slug: 'rate-limited', title: 'Too many requests', detail: 'Too many requests; try again later.' },
  500: { slug: 'internal-error', title: 'Internal server error', detail: 'Something went wrong on our side.' },
  503: { slug: 'service-unavailable', title: 'Service unavailable', detail: 'The service is temporarily unavailable.' },
};

/** Errors raised by fastify itself (body parsing, limits) carry a status code and an FST_ code. */
interface FrameworkError {
  statusCode: number;
  code: string;
}

function isFrameworkError(error: unknown): error is FrameworkError {
  if (typeof error !== 'object' || error === null) return false;
  const candidate = error as { statusCode?: unknown; code?: unknown };
  return typeof candidate.statusCode === 'number' && typeof candidate.code === 'string' && candidate.code.startsWith('FST_');
}

/** Socket errors (Node's `code`) that mean the database cannot be reached. */
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
/** What node-postgres and pg-pool say when a connection fails, times out or dies mid-query. */
const UNREACHABLE_MESSAGES =
  /^(Connection terminated|timeout exceeded when trying to connect|Query read timeout|timeout expired|Client has encountered a connection error|Client was closed and is not queryable|Cannot use a pool after calling end)|the database system is (starting up|shutting down|in recovery mode)/;

function isDatabaseUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error instanceof QueryFailedError ? (error.driverError as { code?: string } | undefined)?.code : (error as { code?: unknown }).code) ?? '';
  // SQLSTATE class 08 (connection exception), 57P0x (shutdown), 53 (insufficient resources), 57014 (cancelled by timeout).
  if (typeof code === 'string' && (UNREACHABLE_CODES.has(code) || /^(08|57P0|53|57014)/.test(code))) return true;
  const name = error.constructor.name;
  return name === 'ConnectionIsNotSetError' || UNREACHABLE_MESSAGES.test(error.message);
}

/** The one place errors become responses: RFC 9457 problem+json, never internals. */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemDetailsFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const context = host.switchToHttp();
    const request = context.getRequest<FastifyRequest>();
    const reply = context.getResponse<FastifyReply>();
    const problem = this.toProblem(exception);

    if (problem.status >= 500) {
      this.logger.error({ err: exception, requestId: request.id, url: request.url }, problem.detail);
    }

    const body: Record<string, unknown> = {
      type: PROBLEM_TYPE_BASE + problem.slug,
      title: problem.title,
      status: problem.status,
      detail: problem.detail,
      instance: request.url.split('?')[0],
      requestId: request.id,
    };
    if (problem.errors) body.errors = problem.errors;

    for (const [name, value] of Object.entries(problem.headers ?? {})) reply.header(name, value);
    if (problem.status === HttpStatus.UNAUTHORIZED) {
      const presented = typeof request.headers.authorization === 'string';
      reply.header('WWW-Authenticate', presented ? 'Bearer realm="tasknest", error="invalid_token"' : 'Bearer realm="tasknest"');
    }
    reply.status(problem.status).type('application/problem+json').send(JSON.stringify(body));
  }

  private toProblem(thrown: unknown): ProblemInit {
    if (thrown instanceof ApiProblem) return thrown.problem;
    // Nest wraps fastify's body-parsing errors in an HttpException; the original says what happened.
    const exception = thrown instanceof HttpException && isFrameworkError(thrown.cause) ? thrown.cause : thrown;
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const known = BY_STATUS[status] ?? BY_STATUS[status >= 500 ? 500 : 400];
      return { status, slug: known.slug, title: known.title, detail: status >= 500 ? known.detail : this.clientDetail(exception, known) };
    }
    if (isFrameworkError(exception) && exception.statusCode >= 400 && exception.statusCode < 500) {
      if (exception.code === 'FST_ERR_CTP_INVALID_JSON_BODY') {
        return { status: 400, slug: 'malformed-json', title: 'Malformed JSON', detail: 'The request body is not valid JSON.' };
      }
      if (exception.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') {
        return { status: 400, slug: 'malformed-json', title: 'Malformed JSON', detail: 'The request body is empty but declared as JSON.' };
      }
      const known = BY_STATUS[exception.statusCode] ?? BY_STATUS[400];
      return { status: exception.statusCode, ...known };
    }
    if (isDatabaseUnavailable(exception)) {
      return { status: 503, ...BY_STATUS[503], detail: 'The database is unavailable; try again shortly.', headers: { 'Retry-After': '5' } };
    }
    return { status: 500, ...BY_STATUS[500] };
  }

  /**
   * Nest's own messages for 4xx ("Cannot GET /x") are safe once the query string is cut off (it may
   * hold a token someone pasted there); anything else falls back to the generic text.
   */
  private clientDetail(exception: HttpException, known: StatusProblem): string {
    const response = exception.getResponse();
    const raw = typeof response === 'string' ? response : (response as { message?: unknown }).message;
    const message = typeof raw === 'string' && raw.startsWith('Cannot ') ? raw.split('?')[0] : raw;
    return typeof message === 'string' && message.length < 300 && message !== known.title ? message : known.detail;
  }
}
