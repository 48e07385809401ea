import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import {
  useGetHomeRowsQuery,
  useGetLatestQuery,
  useGetMyRatingsQuery,
  useGetPopularQuery,
  useGetTopRatedQuery,
} from '../api/movies';
import { useGetListQuery } from '../api/lists';
import { useAppSelector } from '../app/hooks';
import { selectIsLoggedIn } from '../features/auth/authSlice';
import { useCurrentUser } from '../features/auth/useCurrentUser';
import type { HomeRow, MovieCard } from '../api/types';
import { Poster } from '../components/Poster';
import { MovieRow } from '../features/movies/MovieRow';

/** A fan of three posters beside the welcome text (decoration: hidden from screen readers). */
function PosterFan({ movies }: { movies: MovieCard[] }) {
  const angles = [-9, 0, 9];
  return (
    <Box
      aria-hidden
      sx={{
        display: { xs: 'none', md: 'block' },
        position: 'absolute',
        right: { md: 32, lg: 72 },
        top: '50%',
        width: 300,
        height: 260,
        transform: 'translateY(-50%)',
        pointerEvents: 'none',
      }}
    >
      {movies.slice(0, 3).map((movie, i) => (
        <Box
          key={movie.id}
          sx={{
            position: 'absolute',
            width: 150,
            left: 75 + (i - 1) * 88,
            top: i === 1 ? 0 : 22,
            zIndex: i === 1 ? 2 : 1,
            transform: `rotate(${angles[i]}deg)`,
            boxShadow: '0 18px 40px rgba(0,0,0,0.55)',
            borderRadius: 1.5,
          }}
        >
          <Poster
            title={movie.title}
            posterPath={movie.poster_path}
            genres={movie.genres}
            year={movie.year}
            compact
          />
        </Box>
      ))}
    </Box>
  );
}

/** For a user the recommenders cannot place yet: the quickest ways to a personal list. */
function TasteCallout() {
  return (
    <Box
      component="section"
      data-testid="taste-callout"
      sx={{
        mb: 4,
        p: { xs: 2.5, sm: 3 },
        borderRadius: 2,
        border: '1px dashed rgba(255,255,255,0.18)',
        bgcolor: 'rgba(255,255,255,0.02)',
      }}
    >
      <Typography variant="h5" component="h2">
        Your own picks are a few ratings away
      </Typography>
      <Typography sx={{ mt: 0.75, color: 'text.secondary', maxWidth: 640 }}>
        Rate ten films you know, one tap each, or bring your ratings from Letterboxd or IMDb.
      </Typography>
      <Stack direction="row" spacing={1.5} sx={{ mt: 2, flexWrap: 'wrap', rowGap: 1.5 }}>
        <Button href="/taste" variant="contained">
          Rate some films
        </Button>
        <Button href="/profile#import" variant="outlined" color="secondary">
          Import my ratings
        </Button>
      </Stack>
    </Box>
  );
}

/** What each kind of personal row says under its title, and where "See all" goes. */
function rowDetails(row: HomeRow): { subtitle: string; href?: string } {
  switch (row.kind) {
    case 'for_you':
      return { subtitle: 'Picked from your ratings', href: '/for-you' };
    case 'watchlist':
      return { subtitle: 'Films you saved for later', href: '/watchlist' };
    case 'because_you_rated':
      return {
        subtitle: 'The films most like one you rated highly',
        href: row.anchor ? `/movies/${row.anchor.id}` : undefined,
      };
    case 'director':
      return {
        subtitle: 'You loved films they directed',
        href: row.anchor ? `/people/${row.anchor.id}` : undefined,
      };
    case 'star':
      return {
        subtitle: 'You loved films they starred in',
        href: row.anchor ? `/people/${row.anchor.id}` : undefined,
      };
    case 'hidden_gems':
      return { subtitle: 'Well liked, little known, and a close fit for you' };
  }
}

/** A logged-in user's rows, each saying why it is there; no film twice. */
function PersonalRows({ rows }: { rows: HomeRow[] }) {
  return (
    <>
      {rows.map((row) => {
        const { subtitle, href } = rowDetails(row);
        return (
          <MovieRow
            key={`${row.kind}-${row.anchor?.id ?? ''}`}
            title={row.title}
            testId={`row-${row.kind}`}
            subtitle={subtitle}
            movies={row.movies}
            isLoading={false}
            action={
              href && (
                <Button href={href} size="small">
                  {row.kind === 'because_you_rated'
                    ? `About ${row.anchor?.name ?? 'the film'}`
                    : row.kind === 'director' || row.kind === 'star'
                      ? 'All their films'
                      : 'See all'}
                </Button>
              )
            }
          />
        );
      })}
    </>
  );
}

/**
 * Films not shown in an earlier row, at most 20; they count as shown from then on (no film twice
 * on the page: the charts overlap each other as well as the personal rows).
 */
function unseen<T extends MovieCard>(movies: T[] | undefined, shown: Set<number>) {
  const fresh = movies?.filter((m) => !shown.has(m.id)).slice(0, 20);
  fresh?.forEach((m) => shown.add(m.id));
  return fresh;
}

/** The newcomer's (and guest's) hero. */
function Hero({ loggedIn, popular }: { loggedIn: boolean; popular: MovieCard[] | undefined }) {
  return (
    <Box
      component="section"
      aria-labelledby="home-title"
      sx={{
        position: 'relative',
        overflow: 'hidden',
        borderRadius: 3,
        px: { xs: 2.5, sm: 5 },
        py: { xs: 4, sm: 6 },
        mb: 4,
        background:
          'linear-gradient(120deg, rgba(251,113,133,0.22), rgba(56,189,248,0.12) 60%, rgba(19,26,39,0.6))',
        border: '1px solid rgba(255,255,255,0.08)',
      }}
    >
      <Typography
        id="home-title"
        variant="h3"
        component="h1"
        sx={{ fontSize: { xs: '1.9rem', sm: '2.6rem' }, maxWidth: 720 }}
      >
        Find your next favourite film.
      </Typography>
      <Typography sx={{ mt: 1.5, color: 'text.secondary', maxWidth: 640, fontSize: '1.05rem' }}>
        Browse thousands of movies, rate what you have seen, and NextFlex learns your taste — every
        rating changes your recommendations at once.
      </Typography>
      <Stack direction="row" spacing={1.5} sx={{ mt: 3, flexWrap: 'wrap', rowGap: 1.5 }}>
        <Button href="/browse" variant="contained" size="large">
          Browse movies
        </Button>
        {loggedIn ? (
          <Button href="/for-you" variant="outlined" size="large" color="secondary">
            Your picks
          </Button>
        ) : (
          <Button href="/register" variant="outlined" size="large" color="secondary">
            Create a free account
          </Button>
        )}
      </Stack>
      {popular && <PosterFan movies={popular} />}
    </Box>
  );
}

/** A returning user's compact greeting, in place of the hero a newcomer gets. */
function WelcomeBack({ name, ratings }: { name: string | undefined; ratings: number }) {
  return (
    <Box
      component="section"
      aria-labelledby="home-title"
      sx={{
        display: 'flex',
        flexWrap: 'wrap',
        gap: 2,
        alignItems: 'center',
        justifyContent: 'space-between',
        mb: 3,
      }}
    >
      <Box>
        <Typography
          id="home-title"
          variant="h4"
          component="h1"
          sx={{ fontSize: { xs: '1.6rem', sm: '2.1rem' } }}
        >
          {name ? `Welcome back, ${name}` : 'Welcome back'}
        </Typography>
        <Typography sx={{ color: 'text.secondary' }}>
          Your {ratings.toLocaleString()} {ratings === 1 ? 'rating shapes' : 'ratings shape'} the
          rows below; films you rated, saved or turned down are left out of them.
        </Typography>
      </Box>
      <Stack direction="row" spacing={1.5}>
        <Button href="/for-you" variant="contained">
          Your picks
        </Button>
        <Button href="/browse" variant="outlined" color="secondary">
          Browse
        </Button>
      </Stack>
    </Box>
  );
}

export default function HomePage() {
  const loggedIn = useAppSelector(selectIsLoggedIn);
  const { user } = useCurrentUser();
  const popular = useGetPopularQuery({ limit: 40 });
  const latest = useGetLatestQuery({ limit: 40 });
  const topRated = useGetTopRatedQuery({ limit: 40 });
  const personal = useGetHomeRowsQuery(undefined, { skip: !loggedIn });
  // A logged-in user's charts leave out what they rated, saved or turned down.
  const myRatings = useGetMyRatingsQuery(undefined, { skip: !loggedIn });
  const watchlist = useGetListQuery('watchlist', { skip: !loggedIn });
  const dismissed = useGetListQuery('dismissed', { skip: !loggedIn });
  const rows = loggedIn ? (personal.data?.rows ?? []) : [];
  const shown = new Set(rows.flatMap((row) => row.movies.map((m) => m.id)));
  if (loggedIn) {
    for (const entry of [
      ...(myRatings.data ?? []),
      ...(watchlist.data ?? []),
      ...(dismissed.data ?? []),
    ])
      shown.add(entry.movie_id);
  }
  const popularRow = unseen(popular.data, shown);
  const latestRow = unseen(latest.data, shown);
  const topRatedRow = unseen(topRated.data?.results, shown);
  const rated = loggedIn ? (myRatings.data?.length ?? 0) : 0;
  return (
    <>
      {rated > 0 ? (
        <WelcomeBack name={user?.first_name || undefined} ratings={rated} />
      ) : (
        <Hero loggedIn={loggedIn} popular={popular.data} />
      )}
      {loggedIn && personal.data && rows.length > 0 && <PersonalRows rows={rows} />}
      {loggedIn && personal.data && rows.every((row) => row.kind !== 'for_you') && <TasteCallout />}
      <MovieRow
        title="Popular"
        testId="row-popular"
        subtitle="What everyone is watching"
        movies={popularRow}
        isLoading={popular.isLoading}
        error={popular.error}
        onRetry={popular.refetch}
        action={
          <Button href="/browse?sort=popular" size="small">
            See all
          </Button>
        }
      />
      <MovieRow
        title="Latest"
        testId="row-latest"
        subtitle="Most recent releases"
        movies={latestRow}
        isLoading={latest.isLoading}
        error={latest.error}
        onRetry={latest.refetch}
        action={
          <Button href="/browse?sort=latest" size="small">
            See all
          </Button>
        }
      />
      <MovieRow
        title="Top rated"
        testId="row-top-rated"
        subtitle="Weighted by how many people rated them"
        movies={topRatedRow}
        isLoading={topRated.isLoading}
        error={topRated.error}
        onRetry={topRated.refetch}
        action={
          <Button href="/browse?sort=top_rated" size="small">
            See all
          </Button>
        }
      />
    </>
  );
}
