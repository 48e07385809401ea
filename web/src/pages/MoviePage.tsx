import Avatar from '@mui/material/Avatar';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import Divider from '@mui/material/Divider';
import Grid from '@mui/material/Grid';
import Link from '@mui/material/Link';
import Paper from '@mui/material/Paper';
import Skeleton from '@mui/material/Skeleton';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import StarRoundedIcon from '@mui/icons-material/StarRounded';
import { ElsewhereLinks } from '../features/movies/ElsewhereLinks';
import { WhereToWatch } from '../features/movies/WhereToWatch';
import { useParams } from 'react-router-dom';
import { errorStatus } from '../api/errors';
import { useGetMovieQuery, useGetSimilarQuery } from '../api/movies';
import type { MovieDetail } from '../api/types';
import { formatRuntime } from '../app/format';
import { usePageTitle } from '../app/usePageTitle';
import { ErrorState } from '../components/ErrorState';
import { NoSuchPage } from '../components/NoSuchPage';
import { LinkBehavior } from '../components/LinkBehavior';
import { Poster } from '../components/Poster';
import { keyCrew } from '../features/movies/crew';
import { MovieRow } from '../features/movies/MovieRow';
import { ListButtons } from '../features/movies/ListButtons';
import { RatingControl } from '../features/movies/RatingControl';

function RatingStats({ movie }: { movie: MovieDetail }) {
  const { count, mean } = movie.rating;
  return (
    <Stack direction="row" spacing={3} sx={{ alignItems: 'center', flexWrap: 'wrap', rowGap: 1 }}>
      <Stack direction="row" spacing={1} sx={{ alignItems: 'center' }} data-testid="rating-stats">
        <StarRoundedIcon sx={{ color: 'warning.main', fontSize: 36 }} aria-hidden />
        <Box>
          <Typography sx={{ fontSize: '1.6rem', fontWeight: 800, lineHeight: 1 }}>
            {count > 0 ? mean.toFixed(2) : '—'}
            <Typography component="span" sx={{ color: 'text.secondary', fontSize: '0.9rem' }}>
              {' '}
              / 5
            </Typography>
          </Typography>
          <Typography variant="body2" sx={{ color: 'text.secondary' }}>
            {count > 0
              ? `mean of ${count.toLocaleString()} ${count === 1 ? 'rating' : 'ratings'}`
              : 'No ratings yet'}
          </Typography>
        </Box>
      </Stack>
      {typeof movie.tmdb_vote_average === 'number' && (movie.tmdb_vote_count ?? 0) > 0 && (
        <Typography variant="body2" sx={{ color: 'text.secondary' }}>
          TMDB {movie.tmdb_vote_average.toFixed(1)} / 10 ·{' '}
          {(movie.tmdb_vote_count ?? 0).toLocaleString()} votes
        </Typography>
      )}
    </Stack>
  );
}

function MovieSkeleton() {
  return (
    <Grid container spacing={4} aria-busy aria-label="Loading the movie">
      <Grid size={{ xs: 12, sm: 4, md: 3 }}>
        <Skeleton variant="rounded" sx={{ aspectRatio: '2 / 3', height: 'auto' }} />
      </Grid>
      <Grid size={{ xs: 12, sm: 8, md: 9 }}>
        <Skeleton variant="text" sx={{ fontSize: '2.5rem', width: '60%' }} />
        <Skeleton width="30%" />
        <Skeleton variant="rounded" height={48} sx={{ my: 2, maxWidth: 360 }} />
        <Skeleton />
        <Skeleton />
        <Skeleton width="80%" />
      </Grid>
    </Grid>
  );
}

export default function MoviePage() {
  const id = Number(useParams().id);
  const valid = Number.isInteger(id) && id > 0;
  const movie = useGetMovieQuery(id, { skip: !valid });
  const similar = useGetSimilarQuery({ id, k: 12 }, { skip: !valid });
  usePageTitle(movie.data?.title ?? 'Movie');

  if (!valid || errorStatus(movie.error) === 404) {
    return <NoSuchPage what="movie">It may have been removed from the catalogue.</NoSuchPage>;
  }
  if (movie.isLoading) return <MovieSkeleton />;
  if (!movie.data) {
    return (
      <ErrorState error={movie.error} title="Could not load this movie" onRetry={movie.refetch} />
    );
  }

  const m = movie.data;
  // The other names it is known by: not the title shown, nor the original title said above.
  const shownTitles = new Set([m.title, m.original_title].map((t) => t?.toLowerCase()));
  const akas = m.alternate_titles.filter((t) => !shownTitles.has(t.toLowerCase()));
  const crew = keyCrew(m.crew);
  const directors = crew.filter((c) => c.jobs.includes('Director'));
  const cast = [...m.cast].sort((a, b) => a.order - b.order).slice(0, 12);
  const runtime = formatRuntime(m.runtime);

  return (
    <>
      <Grid container spacing={{ xs: 3, md: 5 }} sx={{ mb: 5 }}>
        <Grid size={{ xs: 12, sm: 4, md: 3 }}>
          <Box sx={{ maxWidth: { xs: 240, sm: 'none' }, mx: { xs: 'auto', sm: 0 } }}>
            <Poster title={m.title} posterPath={m.poster_path} genres={m.genres} year={m.year} />
          </Box>
        </Grid>
        <Grid size={{ xs: 12, sm: 8, md: 9 }}>
          <Typography variant="h3" component="h1" sx={{ fontSize: { xs: '1.9rem', md: '2.6rem' } }}>
            {m.title}
            {m.year && (
              <Typography
                component="span"
                sx={{ color: 'text.secondary', fontWeight: 400, fontSize: '0.6em', ml: 1.5 }}
              >
                ({m.year})
              </Typography>
            )}
          </Typography>
          {m.original_title && m.original_title !== m.title && (
            <Typography sx={{ color: 'text.secondary' }}>
              Original title: {m.original_title}
            </Typography>
          )}
          {akas.length > 0 && (
            <Typography sx={{ color: 'text.secondary' }} data-testid="also-known-as">
              Also known as {akas.join(' · ')}
            </Typography>
          )}
          {m.tagline && (
            <Typography sx={{ fontStyle: 'italic', color: 'text.secondary', mt: 1 }}>
              {m.tagline}
            </Typography>
          )}
          <Stack
            direction="row"
            spacing={1}
            sx={{ mt: 2, flexWrap: 'wrap', rowGap: 1, alignItems: 'center' }}
          >
            {runtime && <Chip label={runtime} variant="outlined" size="small" />}
            {m.release_date && (
              <Chip label={`Released ${m.release_date}`} variant="outlined" size="small" />
            )}
            {m.genres.map((g) => (
              <Chip
                key={g}
                label={g}
                size="small"
                color="secondary"
                variant="outlined"
                component={LinkBehavior}
                href={`/browse?genre=${encodeURIComponent(g)}`}
                clickable
              />
            ))}
          </Stack>
          <Paper variant="outlined" sx={{ p: 2, mt: 3, bgcolor: 'rgba(255,255,255,0.02)' }}>
            <RatingStats movie={m} />
            <Divider sx={{ my: 1.5 }} />
            <RatingControl movieId={m.id} title={m.title} value={m.my_rating} />
            {m.my_rating == null && m.predicted_rating != null && (
              <Typography
                variant="body2"
                sx={{ color: 'text.secondary', mt: 1 }}
                data-testid="predicted-rating"
              >
                We think you would give it {m.predicted_rating.toFixed(1)} ★
              </Typography>
            )}
            {m.my_rating == null && <ListButtons movieId={m.id} title={m.title} />}
          </Paper>
          <ElsewhereLinks movie={m} />
          <WhereToWatch movieId={m.id} title={m.title} />
          {m.overview && (
            <Box component="section" aria-labelledby="overview-title" sx={{ mt: 3 }}>
              <Typography id="overview-title" variant="h6" component="h2">
                Overview
              </Typography>
              <Typography sx={{ mt: 0.5, lineHeight: 1.7, maxWidth: 820 }}>{m.overview}</Typography>
            </Box>
          )}
          {crew.length > 0 && (
            <Box component="section" aria-labelledby="crew-title" sx={{ mt: 3 }}>
              <Typography id="crew-title" variant="h6" component="h2">
                Crew
              </Typography>
              {directors.length > 0 && (
                <Typography sx={{ mt: 0.5 }} data-testid="directors">
                  Directed by{' '}
                  {directors.map((d, i) => (
                    <span key={d.personId}>
                      {i > 0 && ', '}
                      <Link href={`/people/${d.personId}`} sx={{ fontWeight: 700 }}>
                        {d.name}
                      </Link>
                    </span>
                  ))}
                </Typography>
              )}
              <Box
                component="ul"
                sx={{
                  listStyle: 'none',
                  p: 0,
                  m: 0,
                  mt: 1,
                  display: 'grid',
                  gap: 1,
                  gridTemplateColumns: 'repeat(auto-fill, minmax(200px, 1fr))',
                }}
              >
                {crew.map((c) => (
                  <li key={c.personId}>
                    <Link
                      href={`/people/${c.personId}`}
                      sx={{ fontWeight: 600, color: 'text.primary' }}
                    >
                      {c.name}
                    </Link>
                    <Typography variant="body2" sx={{ color: 'text.secondary' }}>
                      {c.jobs.join(', ')}
                    </Typography>
                  </li>
                ))}
              </Box>
            </Box>
          )}
          <Stack direction="row" spacing={1.5} sx={{ mt: 3, flexWrap: 'wrap', rowGap: 1 }}>
            <Button href={`/posts?movie=${m.id}`} variant="outlined">
              Posts about this movie
            </Button>
            <Button href={`/posts/new?movie=${m.id}`} variant="text">
              Write a post
            </Button>
          </Stack>
        </Grid>
      </Grid>

      {cast.length > 0 && (
        <Box component="section" aria-labelledby="cast-title" sx={{ mb: 5 }}>
          <Typography id="cast-title" variant="h5" component="h2" sx={{ mb: 1.5 }}>
            Cast
          </Typography>
          <Box
            component="ul"
            sx={{
              listStyle: 'none',
              p: 0,
              m: 0,
              display: 'grid',
              gap: 1.5,
              gridTemplateColumns: 'repeat(auto-fill, minmax(210px, 1fr))',
            }}
          >
            {cast.map((c) => (
              <Stack
                component="li"
                key={`${c.order}-${c.name}`}
                direction="row"
                spacing={1.5}
                sx={{ alignItems: 'center' }}
              >
                <Avatar
                  sx={{ bgcolor: 'rgba(255,255,255,0.1)', color: 'text.primary' }}
                  aria-hidden
                >
                  {c.name.slice(0, 1)}
                </Avatar>
                <Box sx={{ minWidth: 0 }}>
                  <Link
                    href={`/people/${c.person_id}`}
                    noWrap
                    sx={{ fontWeight: 600, color: 'text.primary', display: 'block' }}
                  >
                    {c.name}
                  </Link>
                  {c.character && (
                    <Typography variant="body2" sx={{ color: 'text.secondary' }} noWrap>
                      {c.character}
                    </Typography>
                  )}
                </Box>
              </Stack>
            ))}
          </Box>
        </Box>
      )}

      {m.keywords.length > 0 && (
        <Box component="section" aria-labelledby="keywords-title" sx={{ mb: 5 }}>
          <Typography id="keywords-title" variant="h5" component="h2" sx={{ mb: 1.5 }}>
            Keywords
          </Typography>
          <Stack direction="row" spacing={1} sx={{ flexWrap: 'wrap', rowGap: 1 }}>
            {m.keywords.map((k) => (
              <Chip
                key={k.id}
                label={k.name}
                size="small"
                component={LinkBehavior}
                href={`/keywords/${k.id}`}
                clickable
              />
            ))}
          </Stack>
        </Box>
      )}

      <MovieRow
        title="Similar movies"
        testId="row-similar"
        subtitle="Its series first, then the same kind of film, liked by the same people"
        movies={similar.data?.results}
        footer={(s) => (
          <Typography variant="caption" sx={{ color: 'text.secondary', display: 'block' }}>
            {s.why}
          </Typography>
        )}
        isLoading={similar.isLoading}
        error={similar.error}
        onRetry={similar.refetch}
        emptyText="No similar movies found."
      />
    </>
  );
}
