import { type ReactNode, useState } from 'react';
import Button from '@mui/material/Button';
import MenuItem from '@mui/material/MenuItem';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import BookmarkBorderOutlinedIcon from '@mui/icons-material/BookmarkBorderOutlined';
import { type ListName, useGetListQuery, useRemoveFromListMutation } from '../api/lists';
import type { MovieCard } from '../api/types';
import { formatDate } from '../app/format';
import { usePageTitle } from '../app/usePageTitle';
import { EmptyState } from '../components/EmptyState';
import { ErrorState } from '../components/ErrorState';
import { LinkBehavior } from '../components/LinkBehavior';
import { MovieGrid, MovieGridSkeleton } from '../features/movies/MovieGrid';

/** How a list can be ordered. */
const ORDERS = {
  added: 'Date added',
  title: 'Title',
  year: 'Release year',
  rating: 'Rating',
} as const;
type Order = keyof typeof ORDERS;

type Entry = { movie: MovieCard; added_at: number };

/** `entries` in `order`: the newest addition, the title, the newest film or the best rated
 * first; ties keep the newest addition first. */
export function sortEntries(entries: Entry[], order: Order): Entry[] {
  const byAdded = (a: Entry, b: Entry) => b.added_at - a.added_at;
  const compare: Record<Order, (a: Entry, b: Entry) => number> = {
    added: byAdded,
    title: (a, b) =>
      a.movie.title.localeCompare(b.movie.title, undefined, { numeric: true }) || byAdded(a, b),
    year: (a, b) => (b.movie.year ?? -Infinity) - (a.movie.year ?? -Infinity) || byAdded(a, b),
    rating: (a, b) =>
      (b.movie.rating?.mean ?? -Infinity) - (a.movie.rating?.mean ?? -Infinity) || byAdded(a, b),
  };
  return [...entries].sort(compare[order]);
}

/** One of the caller's lists as a grid, each film with the day it was added and a button that
 * takes it off; with `sortable`, a choice of order. */
function ListGrid({
  list,
  label,
  action,
  actionLabel,
  empty,
  sortable = false,
}: {
  list: ListName;
  label: string;
  action: string;
  actionLabel: (title: string) => string;
  empty: ReactNode;
  sortable?: boolean;
}) {
  const { data, error, isLoading, refetch } = useGetListQuery(list);
  const [remove, removeState] = useRemoveFromListMutation();
  const [order, setOrder] = useState<Order>('added');
  const entries: Entry[] = (data ?? []).flatMap((e) =>
    e.movie ? [{ movie: e.movie, added_at: e.added_at }] : [],
  );
  if (isLoading) return <MovieGridSkeleton count={6} />;
  if (error)
    return <ErrorState error={error} title={`Could not load ${label}`} onRetry={refetch} />;
  if (entries.length === 0) return <>{empty}</>;
  const sorted = sortEntries(entries, order);
  const added = new Map(sorted.map((e) => [e.movie.id, e.added_at]));
  return (
    <Stack spacing={1.5}>
      {sortable && entries.length > 1 && (
        <TextField
          select
          size="small"
          label="Sort by"
          value={order}
          onChange={(e) => setOrder(e.target.value as Order)}
          sx={{ width: 180, alignSelf: 'flex-end' }}
        >
          {Object.entries(ORDERS).map(([value, name]) => (
            <MenuItem key={value} value={value}>
              {name}
            </MenuItem>
          ))}
        </TextField>
      )}
      <MovieGrid
        movies={sorted.map((e) => e.movie)}
        label={label}
        footer={(movie) => (
          <Stack spacing={0.25} sx={{ alignItems: 'flex-start' }}>
            <Typography variant="caption" sx={{ color: 'text.secondary' }}>
              Added {formatDate(added.get(movie.id))}
            </Typography>
            <Button
              size="small"
              color="inherit"
              disabled={removeState.isLoading}
              onClick={() => remove({ list, id: movie.id })}
              aria-label={actionLabel(movie.title)}
              sx={{ whiteSpace: 'nowrap', ml: -0.5 }}
            >
              {action}
            </Button>
          </Stack>
        )}
      />
    </Stack>
  );
}

/**
 * The caller's watchlist, newest first or as they sort it (rating a film takes it off), and
 * below it the films they saw without rating them and those they said they are not interested
 * in, each of which can be taken off its list.
 */
export default function WatchlistPage() {
  usePageTitle('Your watchlist');
  const seen = useGetListQuery('seen');
  const dismissed = useGetListQuery('dismissed');
  const sawCount = seen.data?.length ?? 0;
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
        sortable
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
      {sawCount > 0 && (
        <Stack component="section" spacing={1.5} aria-labelledby="seen-title" sx={{ pt: 3 }}>
          <div>
            <Typography id="seen-title" variant="h5" component="h2">
              Seen ({sawCount})
            </Typography>
            <Typography sx={{ color: 'text.secondary' }}>
              Films you saw without rating them: they stay out of your recommendations, and those
              people here liked count as a like. Rate one to say what you thought.
            </Typography>
          </div>
          <ListGrid
            list="seen"
            label="Films you have seen"
            sortable
            action="Not seen"
            actionLabel={(title) => `Unmark ${title} as seen`}
            empty={null}
          />
        </Stack>
      )}
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
