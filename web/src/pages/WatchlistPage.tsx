import Button from '@mui/material/Button';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import BookmarkBorderOutlinedIcon from '@mui/icons-material/BookmarkBorderOutlined';
import { useGetListQuery, useRemoveFromListMutation } from '../api/lists';
import type { MovieCard } from '../api/types';
import { usePageTitle } from '../app/usePageTitle';
import { EmptyState } from '../components/EmptyState';
import { ErrorState } from '../components/ErrorState';
import { LinkBehavior } from '../components/LinkBehavior';
import { MovieGrid, MovieGridSkeleton } from '../features/movies/MovieGrid';

/** The caller's watchlist, newest first; rating a film takes it off. */
export default function WatchlistPage() {
  usePageTitle('Your watchlist');
  const { data, error, isLoading, refetch } = useGetListQuery('watchlist');
  const [remove, removeState] = useRemoveFromListMutation();
  const movies: MovieCard[] = (data ?? []).flatMap((e) => (e.movie ? [e.movie] : []));
  return (
    <Stack spacing={2}>
      <div>
        <Typography variant="h4" component="h1">
          Your watchlist
        </Typography>
        <Typography sx={{ color: 'text.secondary' }}>
          Films you want to see. Rate one once you have seen it and it leaves the list.
        </Typography>
      </div>
      {isLoading ? (
        <MovieGridSkeleton count={6} />
      ) : error ? (
        <ErrorState error={error} title="Could not load your watchlist" onRetry={refetch} />
      ) : movies.length === 0 ? (
        <EmptyState
          icon={<BookmarkBorderOutlinedIcon />}
          title="Nothing on your watchlist yet"
          action={
            <Button component={LinkBehavior} href="/browse" variant="contained">
              Browse movies
            </Button>
          }
        >
          Press “Watchlist” on a movie’s page to keep it here.
        </EmptyState>
      ) : (
        <MovieGrid
          movies={movies}
          label="Your watchlist"
          footer={(movie) => (
            <Button
              size="small"
              color="inherit"
              disabled={removeState.isLoading}
              onClick={() => remove({ list: 'watchlist', id: movie.id })}
              aria-label={`Remove ${movie.title} from your watchlist`}
            >
              Remove
            </Button>
          )}
        />
      )}
    </Stack>
  );
}
