import { it } from '@jest/globals';

/**
 * The suite's only waiting and skipping helpers. Tests wait for a signal (`eventually`), not for
 * time to pass; `sleep` is for the few tests about time itself where back-dating rows is not possible.
 */
export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `probe` until it answers something truthy (and returns that), or fails after `timeoutMs`. */
export async function eventually<T>(probe: () => Promise<T | null | undefined | false>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(25);
  }
}

/** Tests that need real concurrency inside the database (PGlite is one session). */
export const itOnPostgres = process.env.DATABASE_URL ? it : it.skip;
