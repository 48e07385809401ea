import { screen, waitFor } from '@testing-library/react';
import { Route, Routes } from 'react-router-dom';
import {
  activeFilters,
  readBrowseState,
  toMovieQuery,
  writeBrowseState,
} from '../features/movies/browseState';
import { json, mockFetch, renderWithProviders } from '../test/utils';
import BrowsePage from './BrowsePage';

const page = (titles: string[], leftOut = { no_runtime: 0, no_language: 0 }) => ({
  left_out: leftOut,
  count: titles.length,
  page: 1,
  page_size: 24,
  pages: 1,
  results: titles.map((title, i) => ({
    id: i + 1,
    title,
    year: 1995,
    release_date: null,
    genres: ['Animation'],
    poster_path: null,
    popularity: 1,
    rating: null,
  })),
});

function backend() {
  return mockFetch((call) => {
    if (call.path === '/api/genres') return json([{ name: 'Animation', movies: 10 }]);
    if (call.path === '/api/languages') return json([{ code: 'fr', movies: 3 }]);
    const q = new URLSearchParams(call.search).get('q');
    return json(page(q ? [`${q} result`] : ['Popular one']));
  });
}

function renderBrowse(route: string) {
  return renderWithProviders(
    <Routes>
      <Route path="/browse" element={<BrowsePage />} />
    </Routes>,
    { route },
  );
}

const movieRequests = (calls: { path: string; url: string }[]) =>
  calls.filter((c) => c.path === '/api/movies').map((c) => c.url);

describe('the browse page', () => {
  it('asks the API for exactly what the URL says', async () => {
    const { calls } = backend();
    renderBrowse(
      '/browse?q=toy&genre=Animation&year_from=1990&year_to=2000&min_ratings=50&sort=title&page=2',
    );
    await screen.findByRole('link', { name: 'toy result (1995)' });
    expect(movieRequests(calls)).toEqual([
      '/api/movies?q=toy&genre=Animation&year_from=1990&year_to=2000&min_ratings=50&sort=title&page=2&page_size=24',
    ]);
  });

  it('searches as you type, once typing pauses, by relevance from page 1', async () => {
    const { calls } = backend();
    const { user } = renderBrowse('/browse?page=3');
    await screen.findByRole('link', { name: 'Popular one (1995)' });
    expect(movieRequests(calls)).toEqual(['/api/movies?sort=popular&page=3&page_size=24']);

    await user.type(screen.getByLabelText('Search titles, or describe a film'), 'toy story');

    expect(
      await screen.findByRole('link', { name: 'toy story result (1995)' }),
    ).toBeInTheDocument();
    // Debounced: one request for the whole phrase, not one per letter.
    expect(movieRequests(calls)).toEqual([
      '/api/movies?sort=popular&page=3&page_size=24',
      '/api/movies?q=toy+story&page=1&page_size=24',
    ]);
    expect(screen.getByTestId('location')).toHaveTextContent('/browse?q=toy+story');
  });

  it('says how many films a length or language filter leaves out for want of data', async () => {
    mockFetch((call) => {
      if (call.path === '/api/genres') return json([]);
      if (call.path === '/api/languages') return json([{ code: 'fr', movies: 3 }]);
      return json(page(['Amélie'], { no_runtime: 1234, no_language: 0 }));
    });
    renderBrowse('/browse?runtime_min=121');
    await waitFor(() =>
      expect(screen.getByTestId('result-count')).toHaveTextContent(
        '1 movie · not shown: 1,234 with no known length',
      ),
    );
  });

  it('says "films about" a description and shows the overview line each film matched', async () => {
    mockFetch((call) => {
      if (call.path === '/api/genres') return json([]);
      if (call.path === '/api/languages') return json([]);
      return json({
        ...page(['WALL·E', 'Silent Running']),
        search: 'meaning',
        matched_lines: [
          { id: 1, line: 'A robot is left alone to clean up an abandoned Earth.' },
          { id: 2, line: 'The last forests float in space, tended by one man.' },
        ],
      });
    });
    renderBrowse('/browse?q=a+robot+alone+on+an+empty+earth');
    await waitFor(() =>
      expect(screen.getByTestId('result-count')).toHaveTextContent(
        '2 films about “a robot alone on an empty earth”',
      ),
    );
    const lines = screen.getAllByTestId('matched-line').map((l) => l.textContent);
    expect(lines).toEqual([
      'A robot is left alone to clean up an abandoned Earth.',
      'The last forests float in space, tended by one man.',
    ]);
  });

  it('offers titles like the query when nothing matches', async () => {
    const { calls } = mockFetch((call) => {
      if (call.path === '/api/genres') return json([]);
      if (call.path === '/api/languages') return json([]);
      if (call.path === '/api/movies/suggest') return json(page(['Jaws', 'Jaws 2']).results);
      return json({ ...page([]), search: 'title_and_words' });
    });
    renderBrowse('/browse?q=jawz+zzz');
    const offered = await screen.findByTestId('did-you-mean');
    expect(calls.filter((c) => c.path === '/api/movies/suggest').map((c) => c.url)).toEqual([
      '/api/movies/suggest?q=jawz',
    ]);
    expect(offered).toHaveTextContent('Titles like it: Jaws (1995) · Jaws 2 (1995)');
    expect(screen.getByRole('link', { name: 'Jaws (1995)' })).toHaveAttribute('href', '/movies/1');
  });

  it('refuses a year range that runs backwards without asking the server', async () => {
    const { calls } = backend();
    renderBrowse('/browse?year_from=2000&year_to=1990');
    expect(await screen.findByRole('alert')).toHaveTextContent('must not be after');
    await waitFor(() => expect(calls.some((c) => c.path === '/api/genres')).toBe(true));
    expect(movieRequests(calls)).toEqual([]);
  });
});

describe('browse state', () => {
  it('defaults to relevance while searching and popularity otherwise', () => {
    expect(toMovieQuery(readBrowseState(new URLSearchParams('q=heat')))).toEqual({
      q: 'heat',
      genre: undefined,
      year_from: undefined,
      year_to: undefined,
      runtime_min: undefined,
      runtime_max: undefined,
      language: undefined,
      min_ratings: undefined,
      sort: undefined,
      page: 1,
      page_size: 24,
    });
    expect(toMovieQuery(readBrowseState(new URLSearchParams(''))).sort).toBe('popular');
    expect(toMovieQuery(readBrowseState(new URLSearchParams('sort=relevance'))).sort).toBe(
      'popular',
    );
  });

  it('ignores nonsense in the URL and writes back only what differs from the defaults', () => {
    const state = readBrowseState(
      new URLSearchParams('sort=random&page=-4&year_from=19x5&min_ratings=-3'),
    );
    expect(state).toMatchObject({ sort: 'popular', page: 1, minRatings: 0 });
    expect(toMovieQuery(state).year_from).toBeUndefined();
    expect(
      writeBrowseState({
        ...state,
        yearFrom: '',
        q: 'alien',
        sort: 'relevance',
        page: 2,
      }).toString(),
    ).toBe('q=alien&page=2');
    expect(writeBrowseState({ ...state, yearFrom: '', sort: 'latest' }).toString()).toBe(
      'sort=latest',
    );
    expect(writeBrowseState({ ...state, yearFrom: '', minRatings: 10 }).toString()).toBe(
      'min_ratings=10',
    );
  });

  it('keeps several genres, a length and a language in the URL', () => {
    const state = readBrowseState(
      new URLSearchParams('genre=Animation,Comedy,Animation&runtime_max=89&language=FR'),
    );
    expect(state).toMatchObject({
      genres: ['Animation', 'Comedy'],
      length: 'short',
      language: 'fr',
    });
    expect(toMovieQuery(state)).toMatchObject({
      genre: 'Animation,Comedy',
      runtime_min: undefined,
      runtime_max: 89,
      language: 'fr',
    });
    expect(writeBrowseState(state).toString()).toBe(
      'genre=Animation%2CComedy&runtime_max=89&language=fr',
    );
    // Bounds no choice has, and a language that is not a code, are ignored.
    expect(readBrowseState(new URLSearchParams('runtime_min=7&language=french'))).toMatchObject({
      length: 'any',
      language: '',
    });
  });

  it('counts the filters a phone hides behind its Filters button, not the search text', () => {
    const count = (query: string) => activeFilters(readBrowseState(new URLSearchParams(query)));
    expect(count('')).toBe(0);
    // Relevance is the default order of a search: not a filter.
    expect(count('q=alien')).toBe(0);
    expect(count('q=alien&sort=top_rated')).toBe(1);
    expect(count('genre=Animation,Comedy&runtime_max=89&language=fr&year_from=1990')).toBe(4);
    expect(count('min_ratings=50&year_to=2000&page=3')).toBe(2);
  });
});
