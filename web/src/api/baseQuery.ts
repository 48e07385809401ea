import {
  fetchBaseQuery,
  type BaseQueryApi,
  type BaseQueryFn,
  type FetchArgs,
  type FetchBaseQueryError,
  type FetchBaseQueryMeta,
} from '@reduxjs/toolkit/query';
import { loggedOut, tokensReceived, type AuthState } from '../features/auth/authSlice';
import { warmingUpChanged, type StatusState } from '../features/status/statusSlice';
import { route } from './route';
import type { ApiErrorBody, TokenPair } from './types';

const refreshRoute = route('/auth/jwt/refresh/', 'post');

type State = { auth: AuthState; status?: StatusState };

export type AppBaseQuery = BaseQueryFn<
  string | FetchArgs,
  unknown,
  FetchBaseQueryError,
  object,
  FetchBaseQueryMeta
>;

export interface AuthBaseQueryOptions {
  /** Where the API is: this page's origin by default (the server serves both). */
  baseUrl?: string;
  /** How long to wait before asking again when the server is warming up. */
  warmUpDelayMs?: number;
  /** How many times to ask again while the server is warming up. */
  warmUpRetries?: number;
  /** Waits `ms`, or less if the request is aborted. Tests pass a fake. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done);
  });
}

function isTokenPair(value: unknown): value is TokenPair {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as TokenPair).access === 'string' &&
    typeof (value as TokenPair).refresh === 'string'
  );
}

function isWarmingUp(error: FetchBaseQueryError | undefined): boolean {
  if (!error || error.status !== 503) return false;
  // The body's type comes from the OpenAPI document: a code that is not one of the server's
  // fails to type-check here.
  const data = error.data as Partial<ApiErrorBody> | undefined;
  return data?.error?.code === 'warming_up';
}

function withToken(args: string | FetchArgs, token: string | null): FetchArgs {
  const request = typeof args === 'string' ? { url: args } : args;
  if (!token) return request;
  const headers = new Headers();
  const init = request.headers;
  if (init instanceof Headers) init.forEach((value, name) => headers.set(name, value));
  else if (Array.isArray(init)) {
    for (const [name, value] of init)
      if (name !== undefined && value !== undefined) headers.set(name, value);
  } else if (init) {
    for (const [name, value] of Object.entries(init)) {
      if (value !== undefined) headers.set(name, value);
    }
  }
  headers.set('Authorization', `Bearer ${token}`);
  return { ...request, headers };
}

function urlOf(args: string | FetchArgs): string {
  return typeof args === 'string' ? args : args.url;
}

/**
 * The API's base query: adds the access token; on a 401 refreshes the token pair once (one refresh
 * shared by every request that failed meanwhile; refresh tokens rotate, so the new pair is
 * stored) and retries; when the refresh is refused, logs out and retries as a guest. While the
 * server answers 503
 * `warming_up`, raises the "warming up" notice and asks again after a few seconds.
 */
export function createAuthBaseQuery(options: AuthBaseQueryOptions = {}): AppBaseQuery {
  const {
    // Absolute, so that requests also work where relative URLs cannot be resolved (tests).
    baseUrl = globalThis.location?.origin ?? '',
    warmUpDelayMs = 3000,
    warmUpRetries = 40,
    sleep = abortableSleep,
  } = options;
  // Look `fetch` up on every call so that it can be replaced (tests, service workers).
  const raw = fetchBaseQuery({ baseUrl, fetchFn: (input, init) => fetch(input, init) });
  let refreshing: Promise<boolean> | null = null;

  /** Gets a fresh access token after `usedToken` was refused; false when logged out. */
  function refreshAfter(usedToken: string, api: BaseQueryApi): Promise<boolean> {
    const auth = (api.getState() as State).auth;
    // Another request already refreshed the pair while this one was in flight.
    if (auth.access !== null && auth.access !== usedToken) return Promise.resolve(true);
    if (refreshing) return refreshing;
    const refresh = auth.refresh;
    refreshing = (async () => {
      if (!refresh) {
        api.dispatch(loggedOut());
        return false;
      }
      // Not tied to the first caller's signal: its abort must not abort everyone's refresh.
      const result = await raw(
        { url: refreshRoute.url(), method: refreshRoute.method, body: { refresh } },
        { ...api, signal: new AbortController().signal },
        {},
      );
      if (isTokenPair(result.data)) {
        api.dispatch(tokensReceived(result.data));
        return true;
      }
      // Refused by the server (spent, revoked or expired): log out. A network error keeps the
      // tokens so that the next request can try again.
      if (result.error && typeof result.error.status === 'number') api.dispatch(loggedOut());
      return false;
    })().finally(() => {
      refreshing = null;
    });
    return refreshing;
  }

  return async (args, api, extraOptions) => {
    const tokenEndpoint = urlOf(args).startsWith('/auth/jwt/');
    for (let attempt = 0; ; attempt += 1) {
      const token = tokenEndpoint ? null : (api.getState() as State).auth.access;
      let result = await raw(withToken(args, token), api, extraOptions);
      if (result.error?.status === 401 && token) {
        const refreshed = await refreshAfter(token, api);
        const access = (api.getState() as State).auth.access;
        if (refreshed) result = await raw(withToken(args, access), api, extraOptions);
        // Logged out: ask again as a guest, so that public pages still load.
        else if (access === null) result = await raw(withToken(args, null), api, extraOptions);
        else return result;
      }
      const warming = isWarmingUp(result.error);
      if (warming && attempt < warmUpRetries && !api.signal.aborted) {
        if (!(api.getState() as State).status?.warmingUp) api.dispatch(warmingUpChanged(true));
        await sleep(warmUpDelayMs, api.signal);
        if (!api.signal.aborted) continue;
      }
      if (!warming && (api.getState() as State).status?.warmingUp) {
        api.dispatch(warmingUpChanged(false));
      }
      return result;
    }
  };
}
