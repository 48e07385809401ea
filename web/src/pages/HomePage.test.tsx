import { screen, waitFor, within } from '@testing-library/react';
import { json, LOGGED_IN, mockFetch, movieCard as card, renderWithProviders } from '../test/utils';
import HomePage from './HomePage';

const CHART = [card(1, 'Heat'), card(2, 'Casino'), card(3, 'Se7en'), card(4, 'Babe')];

/** A user who rated Heat, saved Casino and turned down Se7en. */
function backend(rated: boolean) {
  return mockFetch((call) => {
    switch (call.path) {
      case '/api/charts/popular':
      case '/api/charts/latest':
        return json(CHART);
      case '/api/charts/top-rated':
        return json({ mean_rating: 3.5, min_votes: 10, source: 'ratings', results: CHART });
      case '/api/me/rows':
        return json({ rows: [] });
      case '/api/me/ratings':
        return json(rated ? [{ movie: card(1, 'Heat'), movie_id: 1, rating: 4, rated_at: 1 }] : []);
      case '/api/me/watchlist':
        return json(rated ? [{ movie: card(2, 'Casino'), movie_id: 2, added_at: 1 }] : []);
      case '/api/me/dismissed':
        return json(rated ? [{ movie: card(3, 'Se7en'), movie_id: 3, added_at: 1 }] : []);
      case '/auth/users/me/':
        return json({
          id: 7,
          email: 'ann@example.com',
          first_name: 'Ann',
          last_name: '',
          is_admin: false,
          is_public: false,
          date_joined: 1,
        });
      default:
        return json({ error: { code: 'not_found', message: call.path } }, 404);
    }
  });
}

describe('HomePage', () => {
  it('greets a returning user and leaves out what they rated, saved or turned down', async () => {
    backend(true);
    renderWithProviders(<HomePage />, { auth: LOGGED_IN });
    expect(
      await screen.findByRole('heading', { level: 1, name: 'Welcome back, Ann' }),
    ).toBeInTheDocument();
    expect(screen.queryByText('Find your next favourite film.')).toBeNull();
    const popular = await screen.findByTestId('row-popular');
    await waitFor(() => expect(within(popular).getAllByText('Babe').length).toBeGreaterThan(0));
    for (const gone of ['Heat', 'Casino', 'Se7en'])
      expect(within(popular).queryAllByText(gone)).toHaveLength(0);
  });

  it('shows a newcomer the hero and every chart film', async () => {
    backend(false);
    renderWithProviders(<HomePage />, { auth: LOGGED_IN });
    expect(
      await screen.findByRole('heading', { level: 1, name: 'Find your next favourite film.' }),
    ).toBeInTheDocument();
    const popular = await screen.findByTestId('row-popular');
    await waitFor(() => expect(within(popular).getAllByText('Heat').length).toBeGreaterThan(0));
  });
});
