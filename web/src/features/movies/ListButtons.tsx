import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import Stack from '@mui/material/Stack';
import BookmarkAddOutlinedIcon from '@mui/icons-material/BookmarkAddOutlined';
import BookmarkAddedIcon from '@mui/icons-material/BookmarkAdded';
import CheckCircleIcon from '@mui/icons-material/CheckCircle';
import CheckCircleOutlineIcon from '@mui/icons-material/CheckCircleOutlineOutlined';
import VisibilityOffOutlinedIcon from '@mui/icons-material/VisibilityOffOutlined';
import { errorMessage } from '../../api/errors';
import {
  type ListName,
  useAddToListMutation,
  useGetListQuery,
  useRemoveFromListMutation,
} from '../../api/lists';
import { useAppSelector } from '../../app/hooks';
import { selectIsLoggedIn } from '../auth/authSlice';

/**
 * "Watchlist", "Seen" and "Not interested" toggles for a movie the caller has not rated (rating
 * a movie takes it off every list; a film is on at most one). Nothing for guests.
 */
export function ListButtons({ movieId, title }: { movieId: number; title: string }) {
  const loggedIn = useAppSelector(selectIsLoggedIn);
  const watchlist = useGetListQuery('watchlist', { skip: !loggedIn });
  const dismissed = useGetListQuery('dismissed', { skip: !loggedIn });
  const seen = useGetListQuery('seen', { skip: !loggedIn });
  const [add, addState] = useAddToListMutation();
  const [remove, removeState] = useRemoveFromListMutation();
  if (!loggedIn) return null;

  const lists = { watchlist, dismissed, seen };
  const on = (list: ListName) => lists[list].data?.some((e) => e.movie_id === movieId) ?? false;
  const toggle = (list: ListName) =>
    on(list) ? remove({ list, id: movieId }) : add({ list, id: movieId });
  const busy =
    addState.isLoading || removeState.isLoading || !watchlist.data || !dismissed.data || !seen.data;
  const failed = addState.error ?? removeState.error;
  const watching = on('watchlist');
  const notInterested = on('dismissed');
  const sawIt = on('seen');

  return (
    <Stack spacing={1} sx={{ mt: 1.5 }}>
      <Stack direction="row" spacing={1} sx={{ flexWrap: 'wrap', rowGap: 1 }}>
        <Button
          size="small"
          variant={watching ? 'contained' : 'outlined'}
          color="secondary"
          startIcon={watching ? <BookmarkAddedIcon /> : <BookmarkAddOutlinedIcon />}
          aria-pressed={watching}
          aria-label={`${title}: ${watching ? 'on your watchlist' : 'add to your watchlist'}`}
          disabled={busy}
          onClick={() => toggle('watchlist')}
          data-testid="watchlist-toggle"
        >
          {watching ? 'On your watchlist' : 'Watchlist'}
        </Button>
        <Button
          size="small"
          variant={sawIt ? 'contained' : 'outlined'}
          color="secondary"
          startIcon={sawIt ? <CheckCircleIcon /> : <CheckCircleOutlineIcon />}
          aria-pressed={sawIt}
          aria-label={`${title}: ${sawIt ? 'seen (undo)' : 'mark as seen without rating it'}`}
          title="Seen it, no rating: it leaves your recommendations, and counts as a like if people here liked it"
          disabled={busy}
          onClick={() => toggle('seen')}
          data-testid="seen-toggle"
        >
          {sawIt ? 'Seen' : 'Seen it'}
        </Button>
        <Button
          size="small"
          variant={notInterested ? 'contained' : 'text'}
          color="inherit"
          startIcon={<VisibilityOffOutlinedIcon />}
          aria-pressed={notInterested}
          aria-label={`${title}: ${notInterested ? 'not interested (undo)' : 'not interested'}`}
          disabled={busy}
          onClick={() => toggle('dismissed')}
          data-testid="dismiss-toggle"
        >
          {notInterested ? 'Not interested · undo' : 'Not interested'}
        </Button>
      </Stack>
      {failed && <Alert severity="error">{errorMessage(failed)}</Alert>}
    </Stack>
  );
}
