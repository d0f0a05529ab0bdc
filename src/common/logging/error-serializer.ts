/**
 * What of an error may reach a log line. Database errors carry the statement and its parameters
 * (TypeORM's `query` and `parameters`: password hashes, emails, task text) and PostgreSQL's `detail`
 * (`Key (email)=(…)`): none of that is copied. Only the fields below, and the cause the same way.
 */
const SAFE_FIELDS = ['code', 'statusCode', 'errno', 'syscall', 'constraint', 'table', 'column', 'routine', 'severity'] as const;
const MAX_CAUSE_DEPTH = 3;

/** For the `err` and `error` log fields: a string stays as it is, any other non-Error object says only what it was. */
export function serializeLoggedError(value: unknown): unknown {
  if (typeof value === 'string' || typeof value === 'number') return value;
  return serializeError(value);
}

function serializeError(error: unknown, depth = 0): Record<string, unknown> {
  if (!(error instanceof Error)) return { type: error === null ? 'null' : typeof error };
  const fields = error as unknown as Record<string, unknown>;
  const safe: Record<string, unknown> = { type: error.constructor.name, message: error.message, stack: error.stack };
  for (const name of SAFE_FIELDS) {
    const value = fields[name];
    if (typeof value === 'string' || typeof value === 'number') safe[name] = value;
  }
  // TypeORM wraps the driver's error; its code and constraint say what happened, its detail must not show.
  const driverError = fields.driverError;
  if (driverError instanceof Error && depth < MAX_CAUSE_DEPTH) safe.driverError = serializeError(driverError, depth + 1);
  if (error.cause !== undefined && depth < MAX_CAUSE_DEPTH) safe.cause = serializeError(error.cause, depth + 1);
  return safe;
}
