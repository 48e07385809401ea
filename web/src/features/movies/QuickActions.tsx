import { useState } from 'react';
import Box from '@mui/material/Box';
import IconButton from '@mui/material/IconButton';
import Popover from '@mui/material/Popover';
import Rating from '@mui/material/Rating';
import Tooltip from '@mui/material/Tooltip';
import Typography from '@mui/material/Typography';
import BookmarkAddOutlinedIcon from '@mui/icons-material/BookmarkAddOutlined';
import BookmarkAddedIcon from '@mui/icons-material/BookmarkAdded';
import StarBorderRoundedIcon from '@mui/icons-material/StarBorderRounded';
import StarRoundedIcon from '@mui/icons-material/StarRounded';
import VisibilityOffOutlinedIcon from '@mui/icons-material/VisibilityOffOutlined';
import { useAddToListMutation, useGetListQuery, useRemoveFromListMutation } from '../../api/lists';
import { useGetMyRatingsQuery, useRateMovieMutation } from '../../api/movies';
import { useAppDispatch, useAppSelector } from '../../app/hooks';
import { dismissedFromCard } from '../notices/undoSlice';
import { selectIsLoggedIn } from '../auth/authSlice';
import { starsLabel } from './RatingControl';

const buttonSx = {
  bgcolor: 'rgba(10,14,22,0.78)',
  color: 'common.white',
  backdropFilter: 'blur(4px)',
  '&:hover': { bgcolor: 'rgba(10,14,22,0.95)' },
  '&.Mui-disabled': { color: 'rgba(255,255,255,0.4)' },
} as const;

type Props = { movieId: number; title: string };

/**
 * Rate, watchlist and "not interested" on a movie card, without opening the movie's page: small
 * buttons over the poster's corner, shown on hover and keyboard focus (always on touch screens).
 * Nothing for guests, and nothing to render for them: a page holds dozens of cards.
 */
export function QuickActions(props: Props) {
  const loggedIn = useAppSelector(selectIsLoggedIn);
  return loggedIn ? <CardActions {...props} /> : null;
}

function CardActions({ movieId, title }: Props) {
  const dispatch = useAppDispatch();
  const watchlist = useGetListQuery('watchlist');
  const dismissed = useGetListQuery('dismissed');
  const ratings = useGetMyRatingsQuery();
  const [add, addState] = useAddToListMutation();
  const [remove, removeState] = useRemoveFromListMutation();
  const [rate, rateState] = useRateMovieMutation();
  const [anchor, setAnchor] = useState<HTMLElement | null>(null);

  const mine = ratings.data?.find((r) => r.movie_id === movieId)?.rating ?? null;
  const watching = watchlist.data?.some((e) => e.movie_id === movieId) ?? false;
  const notInterested = dismissed.data?.some((e) => e.movie_id === movieId) ?? false;
  const busy = addState.isLoading || removeState.isLoading || rateState.isLoading;
  const toggle = async (list: 'watchlist' | 'dismissed', on: boolean) => {
    if (on) return remove({ list, id: movieId });
    const added = await add({ list, id: movieId });
    // The card may leave its row once the lists refresh: the undo bar outlives it.
    if (list === 'dismissed' && !('error' in added))
      dispatch(dismissedFromCard({ movieId, title }));
    return added;
  };

  return (
    <Box
      className="quick-actions"
      data-testid="quick-actions"
      sx={{
        position: 'absolute',
        top: 14,
        right: 14,
        zIndex: 2,
        display: 'flex',
        flexDirection: 'column',
        gap: 0.75,
      }}
    >
      <Tooltip title={mine !== null ? `You rated it ${mine}` : 'Rate'} placement="left">
        <IconButton
          size="small"
          sx={buttonSx}
          aria-label={mine !== null ? `${title}: you rated it ${mine}` : `Rate ${title}`}
          aria-haspopup="dialog"
          onClick={(e) => setAnchor(e.currentTarget)}
          data-testid="quick-rate"
        >
          {mine !== null ? (
            <StarRoundedIcon fontSize="small" sx={{ color: 'warning.main' }} />
          ) : (
            <StarBorderRoundedIcon fontSize="small" />
          )}
        </IconButton>
      </Tooltip>
      <Tooltip title={watching ? 'On your watchlist' : 'Add to watchlist'} placement="left">
        <span>
          <IconButton
            size="small"
            sx={buttonSx}
            aria-pressed={watching}
            aria-label={`${title}: ${watching ? 'on your watchlist' : 'add to your watchlist'}`}
            disabled={busy || !watchlist.data}
            onClick={() => void toggle('watchlist', watching)}
            data-testid="quick-watchlist"
          >
            {watching ? (
              <BookmarkAddedIcon fontSize="small" sx={{ color: 'secondary.main' }} />
            ) : (
              <BookmarkAddOutlinedIcon fontSize="small" />
            )}
          </IconButton>
        </span>
      </Tooltip>
      <Tooltip title={notInterested ? 'Not interested (undo)' : 'Not interested'} placement="left">
        <span>
          <IconButton
            size="small"
            sx={buttonSx}
            aria-pressed={notInterested}
            aria-label={`${title}: ${notInterested ? 'not interested (undo)' : 'not interested'}`}
            disabled={busy || !dismissed.data}
            onClick={() => void toggle('dismissed', notInterested)}
            data-testid="quick-dismiss"
          >
            <VisibilityOffOutlinedIcon
              fontSize="small"
              sx={notInterested ? { color: 'error.light' } : undefined}
            />
          </IconButton>
        </span>
      </Tooltip>
      <Popover
        open={anchor !== null}
        anchorEl={anchor}
        onClose={() => setAnchor(null)}
        anchorOrigin={{ vertical: 'center', horizontal: 'left' }}
        transformOrigin={{ vertical: 'center', horizontal: 'right' }}
        slotProps={{ paper: { sx: { p: 1.5 }, role: 'dialog', 'aria-label': `Rate ${title}` } }}
      >
        <Typography variant="caption" sx={{ display: 'block', color: 'text.secondary', mb: 0.5 }}>
          Your rating of {title}
        </Typography>
        <Rating
          name={`quick-rating-${movieId}`}
          value={mine}
          precision={0.5}
          getLabelText={starsLabel}
          onChange={(_event, next) => {
            if (next === null || !Number.isFinite(next)) return;
            void rate({ id: movieId, rating: next });
            setAnchor(null);
          }}
        />
      </Popover>
    </Box>
  );
}
