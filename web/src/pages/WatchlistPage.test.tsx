import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { json, LOGGED_IN, mockFetch, movieCard as card, renderWithProviders } from '../test/utils';
import WatchlistPage from './WatchlistPage';

describe('WatchlistPage', () => {
  it('lists the films turned down, and brings one back', async () => {
    let dismissed = [{ movie: card(3, 'Se7en'), movie_id: 3, added_at: 1 }];
    const { calls } = mockFetch((call) => {
      if (call.path === '/api/me/watchlist')
        return json([{ movie: card(2, 'Casino'), movie_id: 2, added_at: 1 }]);
      if (call.path === '/api/me/dismissed') return json(dismissed);
      if (call.path === '/api/me/dismissed/3' && call.method === 'DELETE') {
        dismissed = [];
        return new Response(null, { status: 204 });
      }
      return json({ error: { code: 'not_found', message: call.path } }, 404);
    });
    renderWithProviders(<WatchlistPage />, { auth: LOGGED_IN });
    const section = await screen.findByRole('region', { name: 'Not interested (1)' });
    fireEvent.click(
      within(section).getByRole('button', { name: 'Bring Se7en back into your recommendations' }),
    );
    await waitFor(() =>
      expect(calls.some((c) => c.method === 'DELETE' && c.path === '/api/me/dismissed/3')).toBe(
        true,
      ),
    );
    await waitFor(() =>
      expect(screen.queryByRole('region', { name: /Not interested/ })).toBeNull(),
    );
    expect(screen.getAllByText('Casino').length).toBeGreaterThan(0);
  });
});
