import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet from 'helmet';

/**
 * helmet's defaults, with a CSP that lets Swagger UI (at /docs) load its scripts and styles.
 * None of these headers depends on the request (no CSP nonces), so they are worked out once here
 * and set as one object per reply — @fastify/helmet rebuilt helmet on every request (~3 % of CPU).
 */
export function securityHeaders(): Readonly<Record<string, string>> {
  const headers: Record<string, string> = {};
  const collector = {
    setHeader(name: string, value: string | number | readonly string[]) {
      headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
    },
    removeHeader() {},
  };
  // No upgrade-insecure-requests: over plain http on anything but localhost (a LAN address, a
  // container's port) it sends the browser to https for /docs' own files and Swagger UI stays blank.
  helmet({ contentSecurityPolicy: { directives: { 'img-src': ["'self'", 'data:'], 'upgrade-insecure-requests': null } } })(
    {} as IncomingMessage,
    collector as unknown as ServerResponse,
    () => undefined,
  );
  return Object.freeze(headers);
}
