import type { ReactNode } from 'react';
import Button from '@mui/material/Button';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import BookmarkBorderOutlinedIcon from '@mui/icons-material/BookmarkBorderOutlined';
import { type ListName, useGetListQuery, useRemoveFromListMutation } from '../api/lists';
import type { MovieCard } from '../api/types';
import { usePageTitle } from '../app/usePageTitle';
import { EmptyState } from '../components/EmptyState';
import { ErrorState } from '../components/ErrorState';
import { LinkBehavior } from '../components/LinkBehavior';
import { MovieGrid, MovieGridSkeleton } from '../features/movies/MovieGrid';

/** One of the caller's lists as a grid, each film with a button that takes it off. */
function ListGrid({
  list,
  label,
  action,
  actionLabel,
  empty,
}: {
  list: ListName;
  label: string;
  action: string;
  actionLabel: (title: string) => string;
  empty: ReactNode;
}) {
  const { data, error, isLoading, refetch } = useGetListQuery(list);
  const [remove, removeState] = useRemoveFromListMutation();
  const movies: MovieCard[] = (data ?? []).flatMap((e) => (e.movie ? [e.movie] : []));
  if (isLoading) return <MovieGridSkeleton count={6} />;
  if (error)
    return <ErrorState error={error} title={`Could not load ${label}`} onRetry={refetch} />;
  if (movies.length === 0) return <>{empty}</>;
  return (
    <MovieGrid
      movies={movies}
      label={label}
      footer={(movie) => (
        <Button
          size="small"
          color="inherit"
          disabled={removeState.isLoading}
          onClick={() => remove({ list, id: movie.id })}
          aria-label={actionLabel(movie.title)}
        >
          {action}
        </Button>
      )}
    />
  );
}

/**
 * The caller's watchlist, newest first (rating a film takes it off), and below it the films
 * they said they are not interested in, each of which can be brought back.
 */
export default function WatchlistPage() {
  usePageTitle('Your watchlist');
  const dismissed = useGetListQuery('dismissed');
  const turnedDown = dismissed.data?.length ?? 0;
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
      <ListGrid
        list="watchlist"
        label="Your watchlist"
        action="Remove"
        actionLabel={(title) => `Remove ${title} from your watchlist`}
        empty={
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
        }
      />
      {turnedDown > 0 && (
        <Stack component="section" spacing={1.5} aria-labelledby="dismissed-title" sx={{ pt: 3 }}>
          <div>
            <Typography id="dismissed-title" variant="h5" component="h2">
              Not interested ({turnedDown})
            </Typography>
            <Typography sx={{ color: 'text.secondary' }}>
              Films you turned down: they stay out of your recommendations, and count a little
              against the films like them. Bring one back and it can be recommended again.
            </Typography>
          </div>
          <ListGrid
            list="dismissed"
            label="Films you are not interested in"
            action="Bring back"
            actionLabel={(title) => `Bring ${title} back into your recommendations`}
            empty={null}
          />
        </Stack>
      )}
    </Stack>
  );
}
