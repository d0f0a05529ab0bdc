import type { Problem } from './types';

/** What the screen shows for a failed call: the problem+json the API sent, its field errors, and for 429 the wait. */
export interface ShownProblem {
  status: number;
  title: string;
  detail: string;
  fields: Record<string, string>;
  retryAfterSeconds: number | null;
}

function isProblem(value: unknown): value is Problem {
  return typeof value === 'object' && value !== null && 'title' in value && 'status' in value;
}

export function toShownProblem(error: unknown, response: Response): ShownProblem {
  const retryAfter = Number(response.headers.get('Retry-After'));
  const base = { status: response.status, retryAfterSeconds: response.status === 429 && Number.isFinite(retryAfter) ? retryAfter : null };
  if (!isProblem(error)) return { ...base, title: `Request failed (${response.status})`, detail: '', fields: {} };
  const fields: Record<string, string> = {};
  for (const { field, message } of error.errors ?? []) fields[field] ??= message;
  return { ...base, title: error.title, detail: error.detail, fields };
}

/** A call that never got an answer (network down, or a CORS refusal, which the browser reports the same way). */
export function unreachable(error: unknown): ShownProblem {
  return { status: 0, title: 'The API could not be reached', detail: error instanceof Error ? error.message : String(error), fields: {}, retryAfterSeconds: null };
}
