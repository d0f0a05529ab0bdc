import createClient from 'openapi-fetch';
import { API_URL } from '../config';
import type { paths } from './schema';
import { tokens } from './tokens';
import type { User } from './types';

/** For the routes that take no access token: register, login, refresh. */
export const publicApi = createClient<paths>({ baseUrl: API_URL });

/** 'refreshed', 'signed-out' (the refresh token is no good: back to the login screen), or the refresh's own error response (429, 503…). */
type RefreshOutcome = { kind: 'refreshed'; user: User } | { kind: 'signed-out' } | { kind: 'failed'; response: Response };

const SESSION_ENDED = 'Your session has ended. Please log in again.';

async function refreshSession(): Promise<RefreshOutcome> {
  const refreshToken = tokens.refreshToken();
  if (refreshToken === null) return { kind: 'signed-out' };
  const { data, response } = await publicApi.POST('/api/v1/auth/refresh', { body: { refreshToken } });
  if (data) {
    tokens.store(data);
    return { kind: 'refreshed', user: data.user };
  }
  if (response.status === 401) {
    tokens.clear(SESSION_ENDED);
    return { kind: 'signed-out' };
  }
  return { kind: 'failed', response };
}

let refreshInFlight: Promise<RefreshOutcome> | null = null;

/** Single flight: however many requests failed together, they all wait on one refresh. */
export function refreshOnce(): Promise<RefreshOutcome> {
  refreshInFlight ??= refreshSession().finally(() => {
    refreshInFlight = null;
  });
  return refreshInFlight;
}

function withToken(request: Request, token: string | null): Request {
  if (token !== null) request.headers.set('Authorization', `Bearer ${token}`);
  return request;
}

/** Sends the access token; on a 401, refreshes once (shared with every request that failed with the same token) and retries once. */
async function authorizedFetch(request: Request): Promise<Response> {
  const retry = request.clone();
  const sentWith = tokens.accessToken();
  const response = await fetch(withToken(request, sentWith));
  if (response.status !== 401 || sentWith === null) return response;
  // Unless another request already replaced the token this one was sent with.
  if (tokens.accessToken() === sentWith) {
    const outcome = await refreshOnce();
    if (outcome.kind === 'failed') return outcome.response;
    if (outcome.kind === 'signed-out') return response;
  }
  const current = tokens.accessToken();
  return current === null ? response : fetch(withToken(retry, current));
}

/** Every route that needs the access token. */
export const api = createClient<paths>({ baseUrl: API_URL, fetch: authorizedFetch });
