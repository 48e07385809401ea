import { useMemo, useState } from 'react';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import LinearProgress from '@mui/material/LinearProgress';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { useGetMyRatingsQuery, useGetPopularQuery } from '../api/movies';
import type { MovieCard } from '../api/types';
import { usePageTitle } from '../app/usePageTitle';
import { ErrorState } from '../components/ErrorState';
import { LinkBehavior } from '../components/LinkBehavior';
import { MovieGrid, MovieGridSkeleton } from '../features/movies/MovieGrid';
import { RatingControl } from '../features/movies/RatingControl';

/** Ratings after which "For you" is personal enough to show. */
export const TASTE_GOAL = 10;
/** Films on screen at once. */
const SHOWN = 12;

/**
 * Well-known films in an order that varies the genre: the most popular film of each genre in
 * turn (by its first genre), so the first screen is not twelve action films.
 */
export function varied(movies: MovieCard[]): MovieCard[] {
  const byGenre = new Map<string, MovieCard[]>();
  for (const m of movies) {
    const g = m.genres[0] ?? '';
    byGenre.set(g, [...(byGenre.get(g) ?? []), m]);
  }
  const queues = [...byGenre.values()];
  const out: MovieCard[] = [];
  for (let i = 0; out.length < movies.length; i++) {
    for (const q of queues) {
      const m = q[i];
      if (m) out.push(m);
    }
  }
  return out;
}

/**
 * The taste picker: well-known, varied films to rate one tap each, or pass with "Haven't seen";
 * after ten ratings "For you" is personal.
 */
export default function TastePage() {
  usePageTitle('Rate some films');
  const popular = useGetPopularQuery({ limit: 100 });
  const mine = useGetMyRatingsQuery();
  const [skipped, setSkipped] = useState<Set<number>>(new Set());
  // What was rated before the page opened is not offered; what is rated here stays on screen
  // with its stars, and each rating brings one more film.
  const [before, setBefore] = useState<Set<number> | null>(null);
  if (before === null && mine.data) setBefore(new Set(mine.data.map((r) => r.movie_id)));
  const ratings = new Map((mine.data ?? []).map((r) => [r.movie_id, r.rating]));
  const candidates = useMemo(() => varied(popular.data ?? []), [popular.data]);
  const open = candidates.filter((m) => !skipped.has(m.id) && !before?.has(m.id));
  const ratedHere = open.filter((m) => ratings.has(m.id)).length;
  const shown = open.slice(0, SHOWN + ratedHere);
  const count = mine.data?.length ?? 0;
  const done = count >= TASTE_GOAL;

  return (
    <Stack spacing={2.5}>
      <div>
        <Typography variant="h4" component="h1">
          Rate films you have seen
        </Typography>
        <Typography sx={{ color: 'text.secondary', maxWidth: 720 }}>
          One tap on the stars rates a film; “Haven’t seen” brings another. After {TASTE_GOAL}{' '}
          ratings, For you is picked from your taste.
        </Typography>
      </div>
      <Box sx={{ maxWidth: 520 }} aria-live="polite">
        <Stack direction="row" sx={{ justifyContent: 'space-between', mb: 0.5 }}>
          <Typography variant="body2" data-testid="taste-progress">
            {Math.min(count, TASTE_GOAL)} of {TASTE_GOAL} rated
          </Typography>
          {done && (
            <Typography variant="body2" sx={{ color: 'success.light' }}>
              Your picks are ready
            </Typography>
          )}
        </Stack>
        <LinearProgress
          variant="determinate"
          value={(Math.min(count, TASTE_GOAL) / TASTE_GOAL) * 100}
          aria-label="Films rated"
          color={done ? 'success' : 'primary'}
        />
      </Box>
      {done && (
        <Alert
          severity="success"
          action={
            <Button component={LinkBehavior} href="/" color="inherit" size="small">
              See my picks
            </Button>
          }
        >
          That is enough to go on: your home page now shows films picked for you. Rate more to
          sharpen them.
        </Alert>
      )}
      {popular.isLoading || mine.isLoading ? (
        <MovieGridSkeleton count={SHOWN} />
      ) : popular.error || mine.error ? (
        <ErrorState
          error={popular.error ?? mine.error}
          title="Could not load films to rate"
          onRetry={() => {
            void popular.refetch();
            void mine.refetch();
          }}
        />
      ) : (
        <MovieGrid
          movies={shown}
          label="Films to rate"
          quickActions={false}
          footer={(movie) => (
            <Stack spacing={0.5} data-testid="taste-item">
              <RatingControl
                movieId={movie.id}
                title={movie.title}
                value={ratings.get(movie.id)}
                dense
                compact
              />
              {!ratings.has(movie.id) && (
                <Button
                  size="small"
                  color="inherit"
                  onClick={() => setSkipped((s) => new Set(s).add(movie.id))}
                  aria-label={`Haven't seen ${movie.title}`}
                  data-testid="taste-skip"
                >
                  Haven’t seen
                </Button>
              )}
            </Stack>
          )}
        />
      )}
    </Stack>
  );
}
