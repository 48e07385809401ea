import { useEffect, useRef, useState } from 'react';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Drawer from '@mui/material/Drawer';
import useMediaQuery from '@mui/material/useMediaQuery';
import { useTheme } from '@mui/material/styles';
import InputAdornment from '@mui/material/InputAdornment';
import MenuItem from '@mui/material/MenuItem';
import Pagination from '@mui/material/Pagination';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import SearchIcon from '@mui/icons-material/Search';
import SearchOffIcon from '@mui/icons-material/SearchOff';
import TuneIcon from '@mui/icons-material/Tune';
import { Link as RouterLink, useSearchParams } from 'react-router-dom';
import Link from '@mui/material/Link';
import {
  useGetGenresQuery,
  useGetLanguagesQuery,
  useGetMoviesQuery,
  useSuggestMoviesQuery,
} from '../api/movies';
import { usePageTitle } from '../app/usePageTitle';
import { useDebouncedValue } from '../app/useDebouncedValue';
import { EmptyState } from '../components/EmptyState';
import { ErrorState } from '../components/ErrorState';
import { MovieGrid, MovieGridSkeleton } from '../features/movies/MovieGrid';
import {
  LENGTHS,
  MIN_RATINGS,
  SORT_LABELS,
  type BrowseLength,
  activeFilters,
  readBrowseState,
  toMovieQuery,
  writeBrowseState,
  yearRangeError,
  type BrowseSort,
  type BrowseState,
} from '../features/movies/browseState';

const DEBOUNCE_MS = 350;

/** What the length and language filters left out for want of data, said rather than hidden. */
function leftOut(out: { no_runtime: number; no_language: number }): string {
  const parts = [
    out.no_runtime ? `${out.no_runtime.toLocaleString()} with no known length` : '',
    out.no_language ? `${out.no_language.toLocaleString()} with no known language` : '',
  ].filter(Boolean);
  return parts.length ? ` · not shown: ${parts.join(', ')}` : '';
}

/** A language's name in English ("French" for fr), or its code where the browser has none. */
const languageNames = new Intl.DisplayNames(['en'], { type: 'language', fallback: 'code' });
function languageName(code: string): string {
  try {
    return languageNames.of(code) ?? code;
  } catch {
    return code;
  }
}

interface Draft {
  q: string;
  yearFrom: string;
  yearTo: string;
}

export default function BrowsePage() {
  const [params, setParams] = useSearchParams();
  const state = readBrowseState(params);
  usePageTitle(state.q ? `Search: ${state.q}` : 'Browse');
  const genres = useGetGenresQuery();
  const languages = useGetLanguagesQuery();
  const phone = useMediaQuery(useTheme().breakpoints.down('sm'));
  const [filtersOpen, setFiltersOpen] = useState(false);
  const active = activeFilters(state);

  // What is typed is applied once typing pauses.
  const [draft, setDraft] = useState<Draft>({
    q: state.q,
    yearFrom: state.yearFrom,
    yearTo: state.yearTo,
  });
  const debounced = useDebouncedValue(draft, DEBOUNCE_MS);
  const applied = useRef<Draft>(draft);

  const update = (next: Partial<BrowseState>, replace = false) => {
    setParams(writeBrowseState({ ...state, page: 1, ...next }), { replace });
  };

  useEffect(() => {
    const a = applied.current;
    if (a.q === debounced.q && a.yearFrom === debounced.yearFrom && a.yearTo === debounced.yearTo) {
      return;
    }
    applied.current = debounced;
    const current = readBrowseState(params);
    const sort: BrowseSort =
      !debounced.q.trim() && current.sort === 'relevance'
        ? 'popular'
        : debounced.q.trim() && !current.q.trim() && current.sort === 'popular'
          ? 'relevance'
          : current.sort;
    setParams(writeBrowseState({ ...current, ...debounced, sort, page: 1 }), { replace: true });
  }, [debounced, params, setParams]);

  // The URL changed from elsewhere (the app bar's search, back/forward): show it.
  useEffect(() => {
    const a = applied.current;
    if (a.q !== state.q || a.yearFrom !== state.yearFrom || a.yearTo !== state.yearTo) {
      const fromUrl = { q: state.q, yearFrom: state.yearFrom, yearTo: state.yearTo };
      applied.current = fromUrl;
      setDraft(fromUrl);
    }
  }, [state.q, state.yearFrom, state.yearTo]);

  const rangeError = yearRangeError(state);
  const movies = useGetMoviesQuery(toMovieQuery(state), { skip: rangeError !== null });
  const data = movies.currentData ?? movies.data;
  const searching = state.q.trim() !== '';
  // The line of each film's overview that a search by what films are about matched.
  const lines = new Map((data?.matched_lines ?? []).map((m) => [m.id, m.line]));
  // Found by what it is about rather than by a title: the page says "Films about …".
  const first = data?.results[0];
  const aboutFilms = searching && first !== undefined && lines.has(first.id);
  const noResults = searching && data !== undefined && data.count === 0;
  // Titles like it: those of the query's longest word (the last of equals), which a typo in
  // one word of several does not hide ("zzqx jawz" → Jaws).
  const longestWord = state.q
    .trim()
    .split(/\s+/)
    .reduce((a, b) => (b.length >= a.length ? b : a), '');
  const suggestions = useSuggestMoviesQuery(longestWord, { skip: !noResults || !longestWord });

  let results: React.ReactNode;
  if (rangeError) {
    results = null;
  } else if (movies.isLoading) {
    results = <MovieGridSkeleton count={12} />;
  } else if (movies.error && !movies.isFetching) {
    results = <ErrorState error={movies.error} title="Could not search" onRetry={movies.refetch} />;
  } else if (data && data.count === 0) {
    results = (
      <EmptyState
        icon={<SearchOffIcon />}
        title={searching ? `No movies match “${state.q.trim()}”` : 'No movies match these filters'}
        action={
          <Button
            variant="outlined"
            onClick={() => {
              const cleared = { q: '', yearFrom: '', yearTo: '' };
              applied.current = cleared;
              setDraft(cleared);
              setParams(new URLSearchParams());
            }}
          >
            Clear search and filters
          </Button>
        }
      >
        Check the spelling, try fewer filters, or describe the film in a few words.
        {suggestions.data && suggestions.data.length > 0 && (
          <Box component="span" sx={{ display: 'block', mt: 1 }} data-testid="did-you-mean">
            {'Titles like it: '}
            {suggestions.data.slice(0, 5).map((m, i) => (
              <span key={m.id}>
                {i > 0 && ' · '}
                <Link component={RouterLink} to={`/movies/${m.id}`}>
                  {m.year ? `${m.title} (${m.year})` : m.title}
                </Link>
              </span>
            ))}
          </Box>
        )}
      </EmptyState>
    );
  } else if (data) {
    results = (
      <Box sx={{ opacity: movies.isFetching ? 0.6 : 1, transition: 'opacity 150ms' }}>
        <MovieGrid
          movies={data.results}
          label="Search results"
          footer={(m) =>
            lines.has(m.id) ? (
              <Typography
                variant="caption"
                data-testid="matched-line"
                sx={{
                  color: 'text.secondary',
                  display: '-webkit-box',
                  WebkitLineClamp: 3,
                  WebkitBoxOrient: 'vertical',
                  overflow: 'hidden',
                }}
              >
                {lines.get(m.id)}
              </Typography>
            ) : null
          }
        />
        {data.pages > 1 && (
          <Stack sx={{ alignItems: 'center', mt: 4 }}>
            <Pagination
              count={data.pages}
              page={Math.min(state.page, data.pages)}
              onChange={(_e, page) => {
                setParams(writeBrowseState({ ...state, page }));
                window.scrollTo({ top: 0, behavior: 'smooth' });
              }}
              color="primary"
              shape="rounded"
              siblingCount={1}
              aria-label="Result pages"
            />
          </Stack>
        )}
      </Box>
    );
  }

  // On a phone the filters wait in a drawer, so that the first screen shows films.
  const filters = (
    <>
      <TextField
        select
        label="Genres"
        value={state.genres}
        onChange={(e) => {
          const v = e.target.value as unknown as string[] | string;
          update({ genres: typeof v === 'string' ? v.split(',').filter(Boolean) : v });
        }}
        sx={{ gridColumn: { xs: '1 / -1', sm: 'auto', md: 'span 2', xl: 'auto' } }}
        helperText={genres.isError ? 'Genres could not be loaded.' : undefined}
        slotProps={{
          select: {
            multiple: true,
            displayEmpty: true,
            renderValue: (selected) =>
              (selected as string[]).length === 0
                ? 'All genres'
                : (selected as string[]).join(' + '),
          },
          inputLabel: { shrink: true },
          htmlInput: { 'data-testid': 'browse-genres' },
        }}
      >
        {genres.data?.map((g) => (
          <MenuItem key={g.name} value={g.name}>
            {g.name} ({g.movies.toLocaleString()})
          </MenuItem>
        ))}
        {state.genres
          .filter((name) => !genres.data?.some((g) => g.name === name))
          .map((name) => (
            <MenuItem key={name} value={name}>
              {name}
            </MenuItem>
          ))}
      </TextField>
      <TextField
        select
        label="Language"
        value={state.language}
        onChange={(e) => update({ language: e.target.value })}
        sx={{ gridColumn: { md: 'span 2', xl: 'auto' } }}
        helperText={languages.isError ? 'Languages could not be loaded.' : undefined}
        slotProps={{
          select: { displayEmpty: true },
          inputLabel: { shrink: true },
          htmlInput: { 'data-testid': 'browse-language' },
        }}
      >
        <MenuItem value="">Any language</MenuItem>
        {languages.data?.map((l) => (
          <MenuItem key={l.code} value={l.code}>
            {languageName(l.code)} ({l.movies.toLocaleString()})
          </MenuItem>
        ))}
        {state.language && !languages.data?.some((l) => l.code === state.language) && (
          <MenuItem value={state.language}>{languageName(state.language)}</MenuItem>
        )}
      </TextField>
      <TextField
        label="From year"
        value={draft.yearFrom}
        onChange={(e) => setDraft((d) => ({ ...d, yearFrom: e.target.value }))}
        error={Boolean(rangeError) && Boolean(state.yearFrom)}
        slotProps={{ htmlInput: { inputMode: 'numeric', maxLength: 4 } }}
      />
      <TextField
        label="To year"
        value={draft.yearTo}
        onChange={(e) => setDraft((d) => ({ ...d, yearTo: e.target.value }))}
        error={Boolean(rangeError) && Boolean(state.yearTo)}
        slotProps={{ htmlInput: { inputMode: 'numeric', maxLength: 4 } }}
      />
      <TextField
        select
        label="Length"
        value={state.length}
        onChange={(e) => update({ length: e.target.value as BrowseLength })}
        slotProps={{ htmlInput: { 'data-testid': 'browse-length' } }}
      >
        {(Object.keys(LENGTHS) as BrowseLength[]).map((k) => (
          <MenuItem key={k} value={k}>
            {LENGTHS[k].label}
          </MenuItem>
        ))}
      </TextField>
      <TextField
        select
        label="Rated by"
        value={String(state.minRatings)}
        onChange={(e) => update({ minRatings: Number(e.target.value) })}
        slotProps={{ htmlInput: { 'data-testid': 'browse-min-ratings' } }}
      >
        {MIN_RATINGS.map((n) => (
          <MenuItem key={n} value={String(n)}>
            {n === 0 ? 'Anyone' : `${n}+ people`}
          </MenuItem>
        ))}
        {!(MIN_RATINGS as readonly number[]).includes(state.minRatings) && (
          <MenuItem value={String(state.minRatings)}>{`${state.minRatings}+ people`}</MenuItem>
        )}
      </TextField>
      <TextField
        select
        label="Sort by"
        value={state.sort}
        onChange={(e) => update({ sort: e.target.value as BrowseSort })}
        sx={{ gridColumn: { xs: '1 / -1', sm: 'auto', md: 'span 2', xl: 'auto' } }}
      >
        {(Object.keys(SORT_LABELS) as BrowseSort[]).map((sort) => (
          <MenuItem key={sort} value={sort} disabled={sort === 'relevance' && !searching}>
            {SORT_LABELS[sort]}
          </MenuItem>
        ))}
      </TextField>
    </>
  );

  return (
    <>
      <Typography variant="h4" component="h1" sx={{ mb: 2 }}>
        Browse
      </Typography>
      <Box
        component="form"
        role="search"
        aria-label="Search and filter movies"
        onSubmit={(e) => e.preventDefault()}
        sx={{
          display: 'grid',
          gap: 1.5,
          gridTemplateColumns: {
            xs: '1fr 1fr',
            md: 'repeat(6, minmax(0, 1fr))',
            xl: 'minmax(200px, 2fr) minmax(150px, 1.2fr) minmax(130px, 1fr) 100px 100px 140px 140px minmax(140px, 1fr)',
          },
          mb: 3,
        }}
      >
        <TextField
          label="Search titles, or describe a film"
          value={draft.q}
          onChange={(e) => setDraft((d) => ({ ...d, q: e.target.value }))}
          type="search"
          sx={{ gridColumn: { xs: '1 / -1', md: 'span 2', xl: 'auto' } }}
          slotProps={{
            htmlInput: { 'data-testid': 'browse-search', maxLength: 200 },
            input: {
              startAdornment: (
                <InputAdornment position="start">
                  <SearchIcon aria-hidden />
                </InputAdornment>
              ),
            },
          }}
        />
        {phone ? (
          <Button
            variant="outlined"
            color="inherit"
            startIcon={<TuneIcon />}
            onClick={() => setFiltersOpen(true)}
            aria-haspopup="dialog"
            sx={{ gridColumn: '1 / -1' }}
            data-testid="browse-filters-button"
          >
            Filters{active > 0 ? ` (${active})` : ''}
          </Button>
        ) : (
          filters
        )}
      </Box>
      {phone && (
        <Drawer
          anchor="bottom"
          open={filtersOpen}
          onClose={() => setFiltersOpen(false)}
          slotProps={{
            paper: {
              role: 'dialog',
              'aria-modal': true,
              'aria-label': 'Filters',
              sx: { maxHeight: '85vh' },
            },
          }}
        >
          <Box
            sx={{ display: 'grid', gap: 1.5, gridTemplateColumns: '1fr 1fr', p: 2, pt: 3 }}
            data-testid="browse-filters"
          >
            {filters}
            <Button
              variant="contained"
              onClick={() => setFiltersOpen(false)}
              sx={{ gridColumn: '1 / -1' }}
            >
              {data && !rangeError
                ? `Show ${data.count.toLocaleString()} ${data.count === 1 ? 'film' : 'films'}`
                : 'Done'}
            </Button>
          </Box>
        </Drawer>
      )}
      {rangeError && (
        <Typography role="alert" sx={{ color: 'error.main', mb: 2 }}>
          {rangeError}
        </Typography>
      )}
      <Typography
        aria-live="polite"
        data-testid="result-count"
        sx={{ color: 'text.secondary', mb: 2, minHeight: '1.5em' }}
      >
        {data && !rangeError
          ? `${data.count.toLocaleString()} ${aboutFilms ? (data.count === 1 ? 'film' : 'films') : data.count === 1 ? 'movie' : 'movies'}${
              searching
                ? aboutFilms
                  ? ` about “${state.q.trim()}”`
                  : ` for “${state.q.trim()}”`
                : ''
            }${data.pages > 1 ? ` · page ${Math.min(state.page, data.pages)} of ${data.pages}` : ''}${leftOut(
              data.left_out,
            )}`
          : ''}
      </Typography>
      {results}
    </>
  );
}
