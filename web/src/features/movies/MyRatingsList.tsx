import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Link from '@mui/material/Link';
import List from '@mui/material/List';
import ListItem from '@mui/material/ListItem';
import Skeleton from '@mui/material/Skeleton';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import StarBorderRoundedIcon from '@mui/icons-material/StarBorderRounded';
import { useGetMyRatingsQuery } from '../../api/movies';
import { formatDate } from '../../app/format';
import { EmptyState } from '../../components/EmptyState';
import { ErrorState } from '../../components/ErrorState';
import { Poster } from '../../components/Poster';
import { RatingControl } from './RatingControl';

/** The caller's ratings, newest first, each one changeable or removable in place. */
export function MyRatingsList() {
  const ratings = useGetMyRatingsQuery();
  if (ratings.isLoading) {
    return (
      <Stack spacing={1.5} aria-busy aria-label="Loading your ratings">
        {Array.from({ length: 4 }, (_, i) => (
          <Skeleton key={i} variant="rounded" height={72} />
        ))}
      </Stack>
    );
  }
  if (!ratings.data) {
    return (
      <ErrorState
        error={ratings.error}
        title="Could not load your ratings"
        onRetry={ratings.refetch}
      />
    );
  }
  if (ratings.data.length === 0) {
    return (
      <EmptyState
        icon={<StarBorderRoundedIcon />}
        title="You have not rated anything yet"
        action={
          <Button href="/browse" variant="contained">
            Find movies to rate
          </Button>
        }
      >
        Rate movies you have seen and your recommendations learn from them.
      </EmptyState>
    );
  }
  return (
    <List aria-label="Your ratings" data-testid="my-ratings" disablePadding>
      {ratings.data.map((r) => {
        const title = r.movie?.title ?? `Movie #${r.movie_id}`;
        return (
          <ListItem
            key={r.movie_id}
            divider
            sx={{ gap: 2, alignItems: 'center', flexWrap: { xs: 'wrap', sm: 'nowrap' }, px: 0 }}
          >
            <Box sx={{ width: 48, flex: '0 0 auto' }}>
              <Poster
                title={title}
                posterPath={r.movie?.poster_path}
                genres={r.movie?.genres ?? []}
                compact
              />
            </Box>
            <Box sx={{ flex: 1, minWidth: 160 }}>
              <Link href={`/movies/${r.movie_id}`} sx={{ fontWeight: 600 }}>
                {title}
              </Link>
              <Typography variant="body2" sx={{ color: 'text.secondary' }}>
                {[r.movie?.year, `rated ${formatDate(r.rated_at)}`].filter(Boolean).join(' · ')}
              </Typography>
            </Box>
            <RatingControl movieId={r.movie_id} title={title} value={r.rating} dense />
          </ListItem>
        );
      })}
    </List>
  );
}
