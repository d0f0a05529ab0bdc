import type { LoggerService } from '@nestjs/common';
import { type FastifyReply, type FastifyRequest, LogController } from 'fastify';
import { type DestinationStream, pino, type Logger } from 'pino';
import type { AppConfig } from '../../config/app-config.js';
import { serializeLoggedError } from './error-serializer.js';

/** Never log credentials, even if someone logs a whole request or body by mistake. */
const REDACT = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  '*.password',
  '*.currentPassword',
  '*.newPassword',
  '*.refreshToken',
  '*.accessToken',
  '*.token',
  '*.passwordHash',
];

/** pino-pretty is a devDependency: readable lines for a person at a terminal, JSON everywhere else. */
function prettyTransportAvailable(config: AppConfig): boolean {
  if (config.nodeEnv === 'production' || !process.stdout.isTTY) return false;
  try {
    import.meta.resolve('pino-pretty');
    return true;
  } catch {
    return false;
  }
}

/** `destination`: somewhere else than stdout (tests read what was logged). */
export function createLogger(config: AppConfig, destination?: DestinationStream): Logger {
  const options = {
    level: config.logLevel,
    redact: { paths: REDACT, censor: '[redacted]' },
    // Errors are logged by a whitelist of fields: never a statement's parameters or a driver's detail.
    serializers: { err: serializeLoggedError, error: serializeLoggedError },
    base: { service: 'tasknest' },
  };
  if (destination) return pino(options, destination);
  return pino({
    ...options,
    transport: prettyTransportAvailable(config)
      ? { target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname,service' } }
      : undefined,
  });
}

/** Routes Nest's own log lines (bootstrap, filter) into the same JSON stream as fastify's. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, ...rest: unknown[]): void {
    this.write('info', message, rest);
  }

  error(message: unknown, ...rest: unknown[]): void {
    this.write('error', message, rest);
  }

  warn(message: unknown, ...rest: unknown[]): void {
    this.write('warn', message, rest);
  }

  debug(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, rest);
  }

  verbose(message: unknown, ...rest: unknown[]): void {
    this.write('trace', message, rest);
  }

  fatal(message: unknown, ...rest: unknown[]): void {
    this.write('fatal', message, rest);
  }

  /** Nest passes (message, ...optionalParams, context); objects are merged as structured fields. */
  private write(level: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace', message: unknown, rest: unknown[]): void {
    const context = typeof rest.at(-1) === 'string' ? (rest.at(-1) as string) : undefined;
    if (typeof message === 'object' && message !== null) {
      const fields = message instanceof Error ? { err: message } : (message as Record<string, unknown>);
      const text = rest.find((part) => typeof part === 'string' && part !== context);
      this.logger[level]({ context, ...fields }, typeof text === 'string' ? text : undefined);
      return;
    }
    this.logger[level]({ context }, String(message));
  }
}

/** One line per request, when it completes: method, path (no query), status and duration. */
export class RequestLogController extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    const fields = { method: request.method, url: request.url.split('?')[0], statusCode: reply.statusCode, ms: Math.round(reply.elapsedTime) };
    if (error) request.log.error({ ...fields, err: error }, 'request failed');
    else request.log.info(fields, 'request');
  }
}
