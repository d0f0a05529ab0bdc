const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };
const UNIT_MILLISECONDS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Parses `900`, `10s`, `15m`, `12h` or `7d` into whole seconds; returns null when it is not one of those. */
export function parseDurationSeconds(raw: string): number | null {
  const match = /^(\d+)([smhd]?)$/.exec(raw.trim());
  if (!match) return null;
  const seconds = Number(match[1]) * UNIT_SECONDS[match[2] || 's'];
  return Number.isSafeInteger(seconds) ? seconds : null;
}

/** Like parseDurationSeconds (a bare number is seconds) but also takes `250ms`; answers milliseconds. */
export function parseDurationMilliseconds(raw: string): number | null {
  const match = /^(\d+)(ms|[smhd]?)$/.exec(raw.trim());
  if (!match) return null;
  const milliseconds = Number(match[1]) * UNIT_MILLISECONDS[match[2] || 's'];
  return Number.isSafeInteger(milliseconds) ? milliseconds : null;
}
