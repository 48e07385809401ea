import { combineReducers, configureStore } from '@reduxjs/toolkit';
import { createApi } from '@reduxjs/toolkit/query';
import { authReducer, type AuthState } from '../features/auth/authSlice';
import { statusReducer } from '../features/status/statusSlice';
import { deferred, json, mockFetch } from '../test/utils';
import { createAuthBaseQuery } from './baseQuery';

function setup(auth: AuthState = { access: 'old-access', refresh: 'refresh-1' }) {
  const sleeps: number[] = [];
  const testApi = createApi({
    reducerPath: 'api',
    baseQuery: createAuthBaseQuery({
      sleep: async (ms) => {
        sleeps.push(ms);
      },
    }),
    endpoints: (build) => ({
      first: build.query<{ ok: string }, void>({ query: () => '/api/first' }),
      second: build.query<{ ok: string }, void>({ query: () => '/api/second' }),
      login: build.mutation<unknown, { email: string; password: string }>({
        query: (body) => ({ url: '/auth/jwt/create/', method: 'POST', body }),
      }),
    }),
  });
  const store = configureStore({
    reducer: combineReducers({
      auth: authReducer,
      status: statusReducer,
      api: testApi.reducer,
    }),
    preloadedState: { auth },
    middleware: (getDefault) => getDefault().concat(testApi.middleware),
  });
  return { store, testApi, sleeps };
}

const expired = () =>
  json({ error: { code: 'token_not_valid', message: 'Token is expired' } }, 401);

describe('the auth base query', () => {
  it('shares one refresh between two concurrent 401s and retries both with the new token', async () => {
    const { store, testApi } = setup();
    const refreshGate = deferred();
    const { calls } = mockFetch(async (call) => {
      if (call.path === '/auth/jwt/refresh/') {
        // Hold the refresh until both requests have been refused.
        await refreshGate.promise;
        return json({ access: 'new-access', refresh: 'refresh-2' });
      }
      if (call.authorization === 'Bearer new-access') return json({ ok: call.path });
      return expired();
    });

    const first = store.dispatch(testApi.endpoints.first.initiate());
    const second = store.dispatch(testApi.endpoints.second.initiate());
    await vi.waitFor(() =>
      expect(calls.filter((c) => c.path === '/auth/jwt/refresh/')).toHaveLength(1),
    );
    await vi.waitFor(() =>
      expect(calls.filter((c) => c.authorization === 'Bearer old-access')).toHaveLength(2),
    );
    refreshGate.resolve();
    const [a, b] = await Promise.all([first, second]);

    expect(a.data).toEqual({ ok: '/api/first' });
    expect(b.data).toEqual({ ok: '/api/second' });
    const refreshes = calls.filter((c) => c.path === '/auth/jwt/refresh/');
    expect(refreshes).toHaveLength(1);
    expect(refreshes[0]?.body).toEqual({ refresh: 'refresh-1' });
    expect(refreshes[0]?.authorization).toBeNull();
    expect(
      calls
        .filter((c) => c.authorization === 'Bearer new-access')
        .map((c) => c.path)
        .sort(),
    ).toEqual(['/api/first', '/api/second']);
    // Refresh tokens rotate: the new pair is kept.
    expect(store.getState().auth).toEqual({ access: 'new-access', refresh: 'refresh-2' });
  });

  it('does not refresh again for a 401 that arrives after another request refreshed', async () => {
    const { store, testApi } = setup();
    const lateAnswer = deferred();
    const { calls } = mockFetch(async (call) => {
      if (call.path === '/auth/jwt/refresh/')
        return json({ access: 'new-access', refresh: 'refresh-2' });
      if (call.authorization === 'Bearer new-access') return json({ ok: call.path });
      if (call.path === '/api/second') await lateAnswer.promise;
      return expired();
    });

    const second = store.dispatch(testApi.endpoints.second.initiate());
    const first = await store.dispatch(testApi.endpoints.first.initiate());
    expect(first.data).toEqual({ ok: '/api/first' });
    lateAnswer.resolve();
    expect((await second).data).toEqual({ ok: '/api/second' });
    expect(calls.filter((c) => c.path === '/auth/jwt/refresh/')).toHaveLength(1);
  });

  it('logs out when the refresh token is refused, then asks again as a guest', async () => {
    const { store, testApi } = setup();
    const { calls } = mockFetch((call) => {
      if (call.path === '/auth/jwt/refresh/') {
        return json({ error: { code: 'token_not_valid', message: 'Token is blacklisted' } }, 401);
      }
      return call.authorization ? expired() : json({ ok: 'public' });
    });

    const result = await store.dispatch(testApi.endpoints.first.initiate());

    expect(store.getState().auth).toEqual({ access: null, refresh: null });
    expect(calls.map((c) => [c.path, c.authorization])).toEqual([
      ['/api/first', 'Bearer old-access'],
      ['/auth/jwt/refresh/', null],
      ['/api/first', null],
    ]);
    expect(result.data).toEqual({ ok: 'public' });
  });

  it('answers 401 when a page needs a login and the refresh is refused', async () => {
    const { store, testApi } = setup();
    mockFetch((call) =>
      call.path === '/auth/jwt/refresh/'
        ? json({ error: { code: 'token_not_valid', message: 'Token is blacklisted' } }, 401)
        : call.authorization
          ? expired()
          : json({ error: { code: 'not_authenticated', message: 'Log in' } }, 401),
    );
    const result = await store.dispatch(testApi.endpoints.first.initiate());
    expect(result.error).toMatchObject({ status: 401 });
    expect(store.getState().auth.access).toBeNull();
  });

  it('keeps the tokens when the refresh fails for want of a network', async () => {
    const { store, testApi } = setup();
    mockFetch((call) => {
      if (call.path === '/auth/jwt/refresh/') throw new TypeError('Failed to fetch');
      return expired();
    });
    const result = await store.dispatch(testApi.endpoints.first.initiate());
    expect(result.error).toMatchObject({ status: 401 });
    expect(store.getState().auth).toEqual({ access: 'old-access', refresh: 'refresh-1' });
  });

  it('sends no token to the token endpoints and does not refresh on a failed login', async () => {
    const { store, testApi } = setup();
    const { calls } = mockFetch(() =>
      json({ error: { code: 'no_active_account', message: 'No active account' } }, 401),
    );
    const result = await store.dispatch(
      testApi.endpoints.login.initiate({ email: 'a@example.com', password: 'wrong-password' }),
    );
    expect(result.error).toMatchObject({ status: 401 });
    expect(calls).toHaveLength(1);
    expect(calls[0]?.authorization).toBeNull();
    expect(store.getState().auth.access).toBe('old-access');
  });

  it('waits and asks again while the server is warming up, raising the notice meanwhile', async () => {
    const { store, testApi, sleeps } = setup({ access: null, refresh: null });
    let answers = 0;
    const seen: boolean[] = [];
    mockFetch(() => {
      answers += 1;
      seen.push(store.getState().status.warmingUp);
      return answers < 3
        ? json({ error: { code: 'warming_up', message: 'Warming up' } }, 503)
        : json({ ok: 'ready' });
    });

    const result = await store.dispatch(testApi.endpoints.first.initiate());

    expect(result.data).toEqual({ ok: 'ready' });
    expect(sleeps).toEqual([3000, 3000]);
    expect(seen).toEqual([false, true, true]);
    expect(store.getState().status.warmingUp).toBe(false);
  });

  it('does not retry other 503s', async () => {
    const { store, testApi, sleeps } = setup({ access: null, refresh: null });
    const { calls } = mockFetch(() =>
      json({ error: { code: 'unavailable', message: 'Down' } }, 503),
    );
    const result = await store.dispatch(testApi.endpoints.first.initiate());
    expect(result.error).toMatchObject({ status: 503 });
    expect(calls).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });
});
