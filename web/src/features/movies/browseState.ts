import type { MovieQuery, MovieSort } from '../../api/types';

export type BrowseSort = MovieSort | 'relevance';

export const SORT_LABELS: Record<BrowseSort, string> = {
  relevance: 'Best match',
  popular: 'Most popular',
  latest: 'Newest first',
  top_rated: 'Top rated',
  title: 'Title A–Z',
};

export const PAGE_SIZE = 24;

/** The "rated by at least" choices: 0 is anyone. */
export const MIN_RATINGS = [0, 10, 50, 100] as const;

/** The length choices, in minutes (bounds included; null: no bound). */
export const LENGTHS = {
  any: { label: 'Any length', min: null, max: null },
  short: { label: 'Under 90 min', min: null, max: 89 },
  feature: { label: '90 min to 2 h', min: 90, max: 120 },
  long: { label: 'Over 2 h', min: 121, max: null },
} as const;

export type BrowseLength = keyof typeof LENGTHS;

/** What the browse page shows, as kept in its URL. Years are text as typed. */
export interface BrowseState {
  q: string;
  /** Movies with every one of these genres. */
  genres: string[];
  yearFrom: string;
  yearTo: string;
  length: BrowseLength;
  /** An original language (ISO 639-1), or '' for any. */
  language: string;
  /** Only movies with at least this many ratings (0: any). */
  minRatings: number;
  sort: BrowseSort;
  page: number;
}

function isSort(value: string | null): value is BrowseSort {
  return value !== null && value in SORT_LABELS;
}

/** The sort used when the URL names none: relevance while searching, else popularity. */
function defaultSort(q: string): BrowseSort {
  return q.trim() ? 'relevance' : 'popular';
}

export function readBrowseState(params: URLSearchParams): BrowseState {
  const q = params.get('q') ?? '';
  const sortParam = params.get('sort');
  let sort = isSort(sortParam) ? sortParam : defaultSort(q);
  if (sort === 'relevance' && !q.trim()) sort = 'popular';
  const page = Number.parseInt(params.get('page') ?? '1', 10);
  const minRatings = Number.parseInt(params.get('min_ratings') ?? '0', 10);
  const genres = (params.get('genre') ?? '')
    .split(',')
    .map((g) => g.trim())
    .filter(Boolean);
  const language = (params.get('language') ?? '').trim().toLowerCase();
  return {
    q,
    genres: [...new Set(genres)],
    yearFrom: params.get('year_from') ?? '',
    yearTo: params.get('year_to') ?? '',
    length: lengthOf(params.get('runtime_min'), params.get('runtime_max')),
    language: /^[a-z]{2,3}$/.test(language) ? language : '',
    minRatings: Number.isFinite(minRatings) && minRatings > 0 ? Math.min(minRatings, 1_000_000) : 0,
    sort,
    page: Number.isFinite(page) && page > 0 ? page : 1,
  };
}

/** How many filters (all but the search text and the page) differ from their defaults: what the
 * Filters button of a phone counts. */
export function activeFilters(state: BrowseState): number {
  return [
    state.genres.length > 0,
    state.language !== '',
    state.yearFrom !== '',
    state.yearTo !== '',
    state.length !== 'any',
    state.minRatings > 0,
    state.sort !== defaultSort(state.q),
  ].filter(Boolean).length;
}

/** The page's URL query: only what differs from the defaults. */
export function writeBrowseState(state: BrowseState): URLSearchParams {
  const params = new URLSearchParams();
  if (state.q.trim()) params.set('q', state.q.trim());
  if (state.genres.length > 0) params.set('genre', state.genres.join(','));
  if (state.yearFrom) params.set('year_from', state.yearFrom);
  if (state.yearTo) params.set('year_to', state.yearTo);
  const { min, max } = LENGTHS[state.length];
  if (min !== null) params.set('runtime_min', String(min));
  if (max !== null) params.set('runtime_max', String(max));
  if (state.language) params.set('language', state.language);
  if (state.minRatings > 0) params.set('min_ratings', String(state.minRatings));
  if (state.sort !== defaultSort(state.q)) params.set('sort', state.sort);
  if (state.page > 1) params.set('page', String(state.page));
  return params;
}

/** The length choice a URL's runtime bounds name ('any' for bounds no choice has). */
function lengthOf(min: string | null, max: string | null): BrowseLength {
  const bound = (v: string | null) => (v === null || v === '' ? null : Number(v));
  const [lo, hi] = [bound(min), bound(max)];
  const found = (Object.keys(LENGTHS) as BrowseLength[]).find(
    (k) => LENGTHS[k].min === lo && LENGTHS[k].max === hi,
  );
  return found ?? 'any';
}

/** A year as typed, if it is one. */
function parseYear(text: string): number | undefined {
  if (!/^\d{4}$/.test(text.trim())) return undefined;
  return Number(text.trim());
}

/** Why the year range cannot be searched, or null. */
export function yearRangeError(state: Pick<BrowseState, 'yearFrom' | 'yearTo'>): string | null {
  if (state.yearFrom && parseYear(state.yearFrom) === undefined) return 'Enter a year like 1995.';
  if (state.yearTo && parseYear(state.yearTo) === undefined) return 'Enter a year like 2010.';
  const from = parseYear(state.yearFrom);
  const to = parseYear(state.yearTo);
  if (from !== undefined && to !== undefined && from > to) {
    return 'The first year must not be after the last.';
  }
  return null;
}

/** The `/api/movies` parameters for a browse state. */
export function toMovieQuery(state: BrowseState): MovieQuery {
  const q = state.q.trim();
  const sort = state.sort === 'relevance' ? (q ? undefined : 'popular') : state.sort;
  return {
    q: q || undefined,
    genre: state.genres.length > 0 ? state.genres.join(',') : undefined,
    year_from: parseYear(state.yearFrom),
    year_to: parseYear(state.yearTo),
    runtime_min: LENGTHS[state.length].min ?? undefined,
    runtime_max: LENGTHS[state.length].max ?? undefined,
    language: state.language || undefined,
    min_ratings: state.minRatings > 0 ? state.minRatings : undefined,
    sort,
    page: state.page,
    page_size: PAGE_SIZE,
  };
}
