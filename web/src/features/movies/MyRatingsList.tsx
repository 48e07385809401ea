import { useState } from 'react';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Link from '@mui/material/Link';
import List from '@mui/material/List';
import ListItem from '@mui/material/ListItem';
import MenuItem from '@mui/material/MenuItem';
import Pagination from '@mui/material/Pagination';
import Skeleton from '@mui/material/Skeleton';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import StarBorderRoundedIcon from '@mui/icons-material/StarBorderRounded';
import { useGetMyRatingsQuery } from '../../api/movies';
import type { MyRating } from '../../api/types';
import { formatDate } from '../../app/format';
import { EmptyState } from '../../components/EmptyState';
import { ErrorState } from '../../components/ErrorState';
import { Poster } from '../../components/Poster';
import { RatingControl } from './RatingControl';

/** Ratings shown a page at a time. */
export const RATINGS_PAGE = 20;

const ORDERS = {
  date: 'Date rated',
  rating: 'Your rating',
  title: 'Title',
} as const;
type Order = keyof typeof ORDERS;

/** The film's title, or its id while the catalogue does not list it. */
function ratingTitle(r: MyRating): string {
  return r.movie?.title ?? `Movie #${r.movie_id}`;
}

/** A title as the search box compares it: case and accents aside. */
function folded(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toLowerCase();
}

/** The ratings whose titles hold `query`, in `order`: the newest, the highest (then the
 * newest) or by title. */
export function arrange(ratings: MyRating[], query: string, order: Order): MyRating[] {
  const wanted = folded(query.trim());
  const title = ratingTitle;
  const compare: Record<Order, (a: MyRating, b: MyRating) => number> = {
    date: (a, b) => b.rated_at - a.rated_at,
    rating: (a, b) => b.rating - a.rating || b.rated_at - a.rated_at,
    title: (a, b) => title(a).localeCompare(title(b), undefined, { numeric: true }),
  };
  return ratings.filter((r) => folded(title(r)).includes(wanted)).sort(compare[order]);
}

/** The caller's ratings, newest first or as they sort them, searchable by title and shown
 * {@link RATINGS_PAGE} at a time, each one changeable or removable in place. */
export function MyRatingsList() {
  const ratings = useGetMyRatingsQuery();
  const [query, setQuery] = useState('');
  const [order, setOrder] = useState<Order>('date');
  const [page, setPage] = useState(1);
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
  const shown = arrange(ratings.data, query, order);
  const pages = Math.max(1, Math.ceil(shown.length / RATINGS_PAGE));
  const current = Math.min(page, pages);
  return (
    <Stack spacing={1.5}>
      <Stack direction={{ xs: 'column', sm: 'row' }} spacing={1.5}>
        <TextField
          size="small"
          type="search"
          label="Search your ratings"
          value={query}
          onChange={(e) => {
            setQuery(e.target.value);
            setPage(1);
          }}
          slotProps={{ htmlInput: { maxLength: 200 } }}
          sx={{ flex: 1 }}
        />
        <TextField
          select
          size="small"
          label="Sort by"
          value={order}
          onChange={(e) => {
            setOrder(e.target.value as Order);
            setPage(1);
          }}
          sx={{ minWidth: 170 }}
        >
          {Object.entries(ORDERS).map(([value, name]) => (
            <MenuItem key={value} value={value}>
              {name}
            </MenuItem>
          ))}
        </TextField>
      </Stack>
      <Typography variant="body2" sx={{ color: 'text.secondary' }} aria-live="polite">
        {query.trim()
          ? `${shown.length} of ${ratings.data.length} ratings match “${query.trim()}”`
          : `${ratings.data.length} ${ratings.data.length === 1 ? 'rating' : 'ratings'}`}
      </Typography>
      <RatingsPage ratings={shown.slice((current - 1) * RATINGS_PAGE, current * RATINGS_PAGE)} />
      {pages > 1 && (
        <Pagination
          count={pages}
          page={current}
          onChange={(_, p) => setPage(p)}
          sx={{ alignSelf: 'center' }}
          aria-label="Pages of your ratings"
        />
      )}
    </Stack>
  );
}

/** One page of ratings. */
function RatingsPage({ ratings }: { ratings: MyRating[] }) {
  return (
    <List aria-label="Your ratings" data-testid="my-ratings" disablePadding>
      {ratings.map((r) => {
        const title = ratingTitle(r);
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
                thumbnail
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
