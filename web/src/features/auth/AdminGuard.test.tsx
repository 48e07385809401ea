import { screen } from '@testing-library/react';
import { Route, Routes } from 'react-router-dom';
import {
  deferred,
  json,
  LOGGED_IN,
  LOGGED_OUT,
  mockFetch,
  renderWithProviders,
} from '../../test/utils';
import { AdminGuard } from './AdminGuard';

const account = (isAdmin: boolean) => ({
  id: 7,
  email: 'someone@example.com',
  first_name: 'Some',
  last_name: 'One',
  is_admin: isAdmin,
  date_joined: 1_700_000_000,
});

function renderGuard(auth = LOGGED_IN) {
  return renderWithProviders(
    <Routes>
      <Route
        path="/admin"
        element={
          <AdminGuard>
            <h1>Secret dashboard</h1>
          </AdminGuard>
        }
      />
      <Route path="/login" element={<h1>Log in page</h1>} />
    </Routes>,
    { route: '/admin', auth },
  );
}

describe('AdminGuard', () => {
  it('sends guests to the login page and back', async () => {
    const { calls } = mockFetch(() => json(account(true)));
    renderGuard(LOGGED_OUT);
    expect(await screen.findByRole('heading', { name: 'Log in page' })).toBeInTheDocument();
    expect(screen.getByTestId('location')).toHaveTextContent('/login?next=%2Fadmin');
    expect(calls).toHaveLength(0);
  });

  it('shows a 403 message to users who are not admins', async () => {
    const { calls } = mockFetch(() => json(account(false)));
    renderGuard();
    expect(await screen.findByRole('heading', { name: '403 — Admins only' })).toBeInTheDocument();
    expect(screen.queryByText('Secret dashboard')).toBeNull();
    expect(calls[0]).toMatchObject({ url: '/auth/users/me/', authorization: 'Bearer access-1' });
  });

  it('lets admins in once their account has loaded', async () => {
    const answer = deferred();
    mockFetch(async () => {
      await answer.promise;
      return json(account(true));
    });
    renderGuard();
    expect(
      await screen.findByRole('progressbar', { name: 'Checking your access' }),
    ).toBeInTheDocument();
    expect(screen.queryByText('Secret dashboard')).toBeNull();
    answer.resolve();
    expect(await screen.findByRole('heading', { name: 'Secret dashboard' })).toBeInTheDocument();
  });

  it('offers a retry when the account cannot be loaded', async () => {
    mockFetch(() =>
      json({ error: { code: 'internal', message: 'Something went wrong on our side.' } }, 500),
    );
    renderGuard();
    expect(await screen.findByText('Something went wrong on our side.')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Retry' })).toBeInTheDocument();
    expect(screen.queryByText('Secret dashboard')).toBeNull();
  });
});
