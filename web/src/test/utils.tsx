import type { ReactElement } from 'react';
import { render } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Provider } from 'react-redux';
import { MemoryRouter, useLocation } from 'react-router-dom';
import { ThemeProvider } from '@mui/material/styles';
import { api } from '../api/api';
import { makeStore } from '../app/store';
import type { AuthState } from '../features/auth/authSlice';
import { theme } from '../theme/theme';

export const LOGGED_IN: AuthState = { access: 'access-1', refresh: 'refresh-1' };
export const LOGGED_OUT: AuthState = { access: null, refresh: null };

/** Shows the current location, so tests can check where the app navigated. */
export function LocationProbe() {
  const location = useLocation();
  return <div data-testid="location">{location.pathname + location.search}</div>;
}

/** Renders `ui` with a fresh store, the theme and a router at `route`. */
export function renderWithProviders(
  ui: ReactElement,
  { route = '/', auth = LOGGED_OUT }: { route?: string; auth?: AuthState } = {},
) {
  const store = makeStore({ auth });
  store.dispatch(api.util.resetApiState());
  const user = userEvent.setup();
  const result = render(
    <Provider store={store}>
      <ThemeProvider theme={theme}>
        <MemoryRouter initialEntries={[route]}>
          {ui}
          <LocationProbe />
        </MemoryRouter>
      </ThemeProvider>
    </Provider>,
  );
  return { ...result, store, user };
}

export interface Call {
  method: string;
  url: string;
  path: string;
  search: string;
  authorization: string | null;
  body: unknown;
}

export type Handler = (call: Call) => Response | Promise<Response>;

export function json(body: unknown, status = 200): Response {
  return new Response(status === 204 ? null : JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json' },
  });
}

/** Replaces `fetch`; records every call (method, path, query, auth header, JSON body). */
export function mockFetch(handler: Handler) {
  const calls: Call[] = [];
  const fn = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = input instanceof Request ? input : new Request(String(input), init);
    const url = new URL(request.url, 'http://localhost');
    const text = request.method === 'GET' ? '' : await request.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      // Not JSON (multipart): keep the text.
    }
    const call: Call = {
      method: request.method,
      url: url.pathname + url.search,
      path: url.pathname,
      search: url.search,
      authorization: request.headers.get('Authorization'),
      body,
    };
    calls.push(call);
    return handler(call);
  });
  vi.stubGlobal('fetch', fn);
  return { calls, fn };
}

/** A promise with its resolve function, to hold a response back. */
export function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** A movie card as the API answers it: a 1995 drama with no poster and no ratings. */
export function movieCard(id: number, title: string) {
  return {
    id,
    title,
    year: 1995,
    release_date: null,
    genres: ['Drama'],
    poster_path: null,
    popularity: 1,
    rating: null,
  };
}
