import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { json, LOGGED_IN, mockFetch, movieCard as card, renderWithProviders } from '../test/utils';
import { formatDate } from '../app/format';
import WatchlistPage from './WatchlistPage';

describe('WatchlistPage', () => {
  it('says when each film was added, and sorts by title, year and rating', async () => {
    const film = (id: number, title: string, year: number, mean: number, added: number) => ({
      movie: { ...card(id, title), year, rating: { count: 10, mean } },
      movie_id: id,
      added_at: added,
    });
    mockFetch((call) => {
      if (call.path === '/api/me/watchlist')
        return json([
          film(1, 'Heat', 1995, 4.1, Date.UTC(2026, 11, 3, 12) / 1000),
          film(2, 'Alien', 1979, 4.3, Date.UTC(2020, 10, 1, 12) / 1000),
          film(3, 'Zodiac', 2007, 3.9, Date.UTC(2026, 11, 5, 12) / 1000),
        ]);
      if (call.path === '/api/me/dismissed') return json([]);
      return json({ error: { code: 'not_found', message: call.path } }, 404);
    });
    renderWithProviders(<WatchlistPage />, { auth: LOGGED_IN });
    const grid = await screen.findByRole('list', { name: 'Your watchlist' });
    const order = () =>
      within(grid)
        .getAllByRole('heading', { level: 3 })
        .map((h) => h.textContent);
    expect(order()).toEqual(['Zodiac', 'Heat', 'Alien']);
    expect(within(grid).getAllByText(/^Added /)).toHaveLength(3);
    expect(
      within(grid).getByText(`Added ${formatDate(Date.UTC(2020, 10, 1, 12) / 1000)}`),
    ).toBeTruthy();
    const choose = async (name: string) => {
      fireEvent.mouseDown(screen.getByRole('combobox', { name: 'Sort by' }));
      fireEvent.click(await screen.findByRole('option', { name }));
    };
    await choose('Title');
    expect(order()).toEqual(['Alien', 'Heat', 'Zodiac']);
    await choose('Release year');
    expect(order()).toEqual(['Zodiac', 'Heat', 'Alien']);
    await choose('Rating');
    expect(order()).toEqual(['Alien', 'Heat', 'Zodiac']);
  });

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
