import { screen, waitFor } from '@testing-library/react';
import { json, mockFetch, renderWithProviders } from '../../test/utils';
import { WhereToWatch, preferredCountry } from './WhereToWatch';

const answer = (source: 'tmdb' | 'none') => ({
  source,
  ...(source === 'none' ? { reason: 'not_configured' } : {}),
  country: 'FR',
  link: source === 'tmdb' ? 'https://www.themoviedb.org/movie/862/watch?locale=FR' : null,
  stream: source === 'tmdb' ? [{ name: 'Disney Plus', logo_path: null }] : [],
  free: [],
  rent: [],
  buy: [],
  trailer:
    source === 'tmdb'
      ? { name: 'Trailer', url: 'https://www.youtube.com/watch?v=tN1A2mVnrOM' }
      : null,
  attribution: 'JustWatch, through TMDB',
});

describe('where to watch', () => {
  it('asks for the chosen country and lists the services and the trailer', async () => {
    localStorage.setItem('nextflex.country', 'FR');
    const { calls } = mockFetch(() => json(answer('tmdb')));
    renderWithProviders(<WhereToWatch movieId={5} title="Toy Story" />);
    expect(await screen.findByText('Disney Plus')).toBeInTheDocument();
    expect(screen.getByText('Stream')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: /trailer of Toy Story on YouTube/ })).toHaveAttribute(
      'href',
      'https://www.youtube.com/watch?v=tN1A2mVnrOM',
    );
    expect(screen.getByText(/JustWatch, through TMDB/)).toBeInTheDocument();
    expect(
      calls.some((c) => c.path === '/api/movies/5/watch' && c.search.includes('country=FR')),
    ).toBe(true);
    localStorage.removeItem('nextflex.country');
  });

  it('shows nothing when the server has no TMDB answer', async () => {
    const { calls } = mockFetch(() => json(answer('none')));
    renderWithProviders(<WhereToWatch movieId={5} title="Toy Story" />);
    await waitFor(() => expect(calls.length).toBeGreaterThan(0));
    // The answer is in: still nothing.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(screen.queryByText('Where to watch')).toBeNull();
  });

  it('takes the country chosen here, else the browser language’s region, else the US', () => {
    expect(preferredCountry('GB', ['fr-FR'])).toBe('GB');
    expect(preferredCountry(null, ['fr-CA', 'en-US'])).toBe('CA');
    expect(preferredCountry(null, ['de', 'en-gb'])).toBe('GB');
    expect(preferredCountry(null, ['fr'])).toBe('US');
    expect(preferredCountry('xx', [])).toBe('US');
  });
});
