const FIRST_RETRY_SECONDS = 1;
const MAX_RETRY_SECONDS = 300;

/** Seconds to wait after the n-th failed attempt: 1, 2, 4, 8 … capped at five minutes. */
export function retryDelaySeconds(failedAttempts: number): number {
  const exponent = Math.max(0, failedAttempts - 1);
  return Math.min(MAX_RETRY_SECONDS, FIRST_RETRY_SECONDS * 2 ** Math.min(exponent, 30));
}

const MAX_ERROR_LENGTH = 500;

/**
 * What is stored in `last_error` and logged: the error's code, SMTP reply code and message, with the
 * SMTP password and any emailed link token masked, cut to the column's size.
 */
export function describeDeliveryError(error: unknown, secrets: string[] = []): string {
  const fields = typeof error === 'object' && error !== null ? (error as Record<string, unknown>) : {};
  const message = error instanceof Error ? error.message : String(error);
  const code = typeof fields.code === 'string' ? fields.code : 'ERROR';
  const reply = typeof fields.responseCode === 'number' ? ` ${fields.responseCode}` : '';
  let text = `${code}${reply}: ${message}`.replace(/\s+/g, ' ').trim();
  for (const secret of secrets.filter((value) => value.length > 0)) text = text.split(secret).join('***');
  text = text.replace(/token=[\w-]+/g, 'token=***').replace(/\/\/[^/\s:@]*:[^/\s@]*@/g, '//***@');
  return text.length > MAX_ERROR_LENGTH ? `${text.slice(0, MAX_ERROR_LENGTH - 1)}…` : text;
}
