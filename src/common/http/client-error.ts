import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import { PROBLEM_TYPE_BASE } from '../problem/api-problem.js';

interface ClientErrorProblem {
  status: number;
  reason: string;
  slug: string;
  detail: string;
}

/** Node's parser codes (llhttp's HPE_*, the http server's ERR_HTTP_*) for what went wrong before any route was matched. */
function problemFor(code: string | undefined): ClientErrorProblem {
  if (code === 'HPE_HEADER_OVERFLOW') {
    return { status: 431, reason: 'Request Header Fields Too Large', slug: 'headers-too-large', detail: 'The request headers are too large.' };
  }
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    return { status: 408, reason: 'Request Timeout', slug: 'request-timeout', detail: 'The request was not received in time.' };
  }
  return { status: 400, reason: 'Bad Request', slug: 'malformed-request', detail: 'The request is not valid HTTP.' };
}

/**
 * fastify's clientErrorHandler: what Node's HTTP parser refuses (oversized or invalid headers, a
 * garbled request line, a request that never finished) is answered like every other error —
 * problem+json with an X-Request-Id and the security headers — and the connection is closed.
 * There is no request, so no URL: `instance` names this occurrence by its request id.
 */
export function clientErrorHandler(securityHeaders: Readonly<Record<string, string>>): (error: Error & { code?: string }, socket: Socket) => void {
  const fixedHeaders = Object.entries({ ...securityHeaders, 'cache-control': 'no-store', connection: 'close' })
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  return (error, socket) => {
    if (error.code === 'ECONNRESET' || socket.destroyed) return;
    if (socket.writable) {
      const problem = problemFor(error.code);
      const requestId = randomUUID();
      const body = JSON.stringify({
        type: PROBLEM_TYPE_BASE + problem.slug,
        title: problem.reason,
        status: problem.status,
        detail: problem.detail,
        instance: `urn:uuid:${requestId}`,
        requestId,
      });
      socket.write(
        `HTTP/1.1 ${problem.status} ${problem.reason}\r\ncontent-type: application/problem+json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n` +
          `x-request-id: ${requestId}\r\n${fixedHeaders}\r\n${body}`,
      );
    }
    socket.destroy();
  };
}
