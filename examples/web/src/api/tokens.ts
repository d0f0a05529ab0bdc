import type { AuthResponse } from './types';

/**
 * The access token lives in memory only: a reload or a new tab gets a new one from the refresh token.
 * The refresh token is kept in localStorage so that a reload keeps you signed in (see the README,
 * "Build a frontend", for the trade-off). It is never put in a URL: URLs end up in history, logs
 * and Referer headers.
 */
const REFRESH_TOKEN_KEY = 'tasknest.refreshToken';

let accessToken: string | null = null;
const signedOutListeners = new Set<(notice: string | null) => void>();

export const tokens = {
  accessToken: (): string | null => accessToken,
  refreshToken: (): string | null => localStorage.getItem(REFRESH_TOKEN_KEY),
  store(pair: Pick<AuthResponse, 'accessToken' | 'refreshToken'>): void {
    accessToken = pair.accessToken;
    localStorage.setItem(REFRESH_TOKEN_KEY, pair.refreshToken);
  },
  /** Forgets both tokens; `notice` tells the user why when it was not their own doing. */
  clear(notice: string | null = null): void {
    accessToken = null;
    localStorage.removeItem(REFRESH_TOKEN_KEY);
    for (const listener of signedOutListeners) listener(notice);
  },
  onSignedOut(listener: (notice: string | null) => void): () => void {
    signedOutListeners.add(listener);
    return () => signedOutListeners.delete(listener);
  },
};
