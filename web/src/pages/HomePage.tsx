import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import {
  useGetLatestQuery,
  useGetPopularQuery,
  useGetRecommendationsQuery,
  useGetTopRatedQuery,
} from '../api/movies';
import { useAppSelector } from '../app/hooks';
import { selectIsLoggedIn } from '../features/auth/authSlice';
import type { MovieCard } from '../api/types';
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

function ForYouTeaser() {
  const recs = useGetRecommendationsQuery({ k: 16 });
  const personalised = recs.data?.personalised ?? false;
  return (
    <MovieRow
      title="For you"
      testId="row-for-you"
      subtitle={
        recs.data && !personalised
          ? 'Rate a few movies and this row becomes yours. Until then: the best-rated films.'
          : 'Picked from your ratings'
      }
      movies={recs.data?.results}
      isLoading={recs.isLoading}
      error={recs.error}
      onRetry={recs.refetch}
      action={
        <Button href="/for-you" size="small">
          See all
        </Button>
      }
    />
  );
}

export default function HomePage() {
  const loggedIn = useAppSelector(selectIsLoggedIn);
  const popular = useGetPopularQuery({ limit: 20 });
  const latest = useGetLatestQuery({ limit: 20 });
  const topRated = useGetTopRatedQuery({ limit: 20 });
  return (
    <>
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
          Browse thousands of movies, rate what you have seen, and NextFlex learns your taste —
          every rating changes your recommendations at once.
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
        {popular.data && <PosterFan movies={popular.data} />}
      </Box>
      {loggedIn && <ForYouTeaser />}
      <MovieRow
        title="Popular"
        testId="row-popular"
        subtitle="What everyone is watching"
        movies={popular.data}
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
        movies={latest.data}
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
        movies={topRated.data?.results}
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
