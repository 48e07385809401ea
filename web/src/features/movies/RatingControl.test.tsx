import { fireEvent, screen, waitFor } from '@testing-library/react';
import { useGetMovieQuery, useGetRecommendationsQuery } from '../../api/movies';
import { json, LOGGED_IN, LOGGED_OUT, mockFetch, renderWithProviders } from '../../test/utils';
import { RatingControl } from './RatingControl';

const movie = (myRating: number | null) => ({
  id: 5,
  title: 'Heat',
  year: 1995,
  genres: ['Crime'],
  keywords: [],
  cast: [],
  crew: [],
  rating: { count: 10, mean: 4 },
  my_rating: myRating,
});

/** The control as the movie page uses it, beside a "For you" list that must refetch. */
function Harness() {
  const detail = useGetMovieQuery(5);
  const recs = useGetRecommendationsQuery({ k: 5 });
  if (!detail.data) return null;
  return (
    <>
      <RatingControl movieId={5} title="Heat" value={detail.data.my_rating} />
      <div data-testid="recs">{recs.data?.personalised ? 'personalised' : 'top-rated'}</div>
    </>
  );
}

function backend() {
  let saved: number | null = null;
  return mockFetch((call) => {
    if (call.path === '/api/movies/5' && call.method === 'GET') return json(movie(saved));
    if (call.path === '/api/movies/5/rating' && call.method === 'PUT') {
      saved = (call.body as { rating: number }).rating;
      return json({ movie_id: 5, rating: saved });
    }
    if (call.path === '/api/movies/5/rating' && call.method === 'DELETE') {
      saved = null;
      return json(null, 204);
    }
    if (call.path === '/api/me/recommendations') {
      return json({
        personalised: saved !== null,
        ratings_used: saved === null ? 0 : 1,
        results: [],
      });
    }
    return json({ error: { code: 'not_found', message: 'nope' } }, 404);
  });
}

describe('RatingControl', () => {
  it('offers guests a link to log in instead', () => {
    renderWithProviders(<RatingControl movieId={5} title="Heat" value={null} />, {
      route: '/movies/5',
      auth: LOGGED_OUT,
    });
    expect(screen.getByRole('link', { name: 'Log in to rate this movie' })).toHaveAttribute(
      'href',
      '/login?next=%2Fmovies%2F5',
    );
    expect(screen.queryByRole('radio')).toBeNull();
  });

  it('saves a half-star rating with PUT and the recommendations refetch', async () => {
    const { calls } = backend();
    renderWithProviders(<Harness />, { route: '/movies/5', auth: LOGGED_IN });
    await screen.findByTestId('rating-control');
    await waitFor(() => expect(screen.getByTestId('recs')).toHaveTextContent('top-rated'));

    // jsdom has no layout, so pick the star as a keyboard or screen-reader user would.
    fireEvent.click(screen.getByRole('radio', { name: '4.5 out of 5 stars' }));

    await waitFor(() =>
      expect(screen.getByTestId('rating-status')).toHaveTextContent('You rated it 4.5'),
    );
    const put = calls.find((c) => c.method === 'PUT');
    expect(put).toMatchObject({
      url: '/api/movies/5/rating',
      body: { rating: 4.5 },
      authorization: 'Bearer access-1',
    });
    // The rating invalidates the recommendations, which are fetched again.
    await waitFor(() => expect(screen.getByTestId('recs')).toHaveTextContent('personalised'));
    expect(calls.filter((c) => c.path === '/api/me/recommendations')).toHaveLength(2);
  });

  it('removes the rating with DELETE', async () => {
    const { calls } = backend();
    const { user } = renderWithProviders(<Harness />, { route: '/movies/5', auth: LOGGED_IN });
    fireEvent.click(await screen.findByRole('radio', { name: '3 out of 5 stars' }));
    await waitFor(() =>
      expect(screen.getByTestId('rating-status')).toHaveTextContent('You rated it 3'),
    );

    await user.click(screen.getByRole('button', { name: 'Remove your rating of Heat' }));

    await waitFor(() =>
      expect(screen.getByTestId('rating-status')).toHaveTextContent('Not rated yet'),
    );
    expect(calls.filter((c) => c.method === 'DELETE').map((c) => c.url)).toEqual([
      '/api/movies/5/rating',
    ]);
  });

  it('rolls back and explains when the server refuses the rating', async () => {
    mockFetch((call) => {
      if (call.method === 'GET' && call.path === '/api/movies/5') return json(movie(2));
      if (call.method === 'PUT') {
        return json(
          { error: { code: 'invalid', message: 'A rating is from 0.5 to 5.0 in steps of 0.5.' } },
          400,
        );
      }
      return json({ personalised: false, ratings_used: 0, results: [] });
    });
    renderWithProviders(<Harness />, { route: '/movies/5', auth: LOGGED_IN });
    fireEvent.click(await screen.findByRole('radio', { name: '5 out of 5 stars' }));
    expect(
      await screen.findByText('A rating is from 0.5 to 5.0 in steps of 0.5.'),
    ).toBeInTheDocument();
    expect(screen.getByTestId('rating-status')).toHaveTextContent('You rated it 2');
  });
});
