import { useState } from 'react';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Link from '@mui/material/Link';
import Rating from '@mui/material/Rating';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { useLocation } from 'react-router-dom';
import { errorMessage } from '../../api/errors';
import { useRateMovieMutation, useUnrateMovieMutation } from '../../api/movies';
import { useAppSelector } from '../../app/hooks';
import { selectIsLoggedIn } from '../auth/authSlice';
import { loginPath } from '../auth/RequireAuth';

export function starsLabel(value: number): string {
  return `${value} out of 5 stars`;
}

export interface RatingControlProps {
  movieId: number;
  title: string;
  /** The caller's current rating, if any. */
  value: number | null | undefined;
  /** Shorter layout for lists. */
  dense?: boolean;
  /** Only the stars (for a card): no status line and no "Remove". */
  compact?: boolean;
}

/**
 * The caller's rating of a movie, in half stars: choosing a value saves it (PUT), choosing the
 * same value again or "Remove" deletes it. Guests get a link to log in instead.
 */
export function RatingControl({
  movieId,
  title,
  value,
  dense = false,
  compact = false,
}: RatingControlProps) {
  const loggedIn = useAppSelector(selectIsLoggedIn);
  const location = useLocation();
  const [hover, setHover] = useState(-1);
  const [rate, rateState] = useRateMovieMutation();
  const [unrate, unrateState] = useUnrateMovieMutation();

  if (!loggedIn) {
    return (
      <Link href={loginPath(location.pathname + location.search)} data-testid="login-to-rate">
        Log in to rate this movie
      </Link>
    );
  }

  const busy = rateState.isLoading || unrateState.isLoading;
  const current = value ?? null;
  const failed = rateState.isError
    ? rateState.error
    : unrateState.isError
      ? unrateState.error
      : undefined;
  const status =
    hover > 0 ? starsLabel(hover) : current !== null ? `You rated it ${current}` : 'Not rated yet';

  return (
    <Box data-testid="rating-control" data-value={current ?? ''}>
      <Stack direction="row" spacing={1.5} sx={{ alignItems: 'center', flexWrap: 'wrap' }}>
        {!dense && (
          <Typography component="span" sx={{ fontWeight: 600 }}>
            Your rating
          </Typography>
        )}
        <Box component="span" role="radiogroup" aria-label={`Your rating of ${title}`}>
          <Rating
            name={`rating-${movieId}`}
            value={current}
            precision={0.5}
            size={dense ? 'medium' : 'large'}
            getLabelText={starsLabel}
            emptyLabelText="No rating"
            onChange={(_event, next) => {
              if (next !== null && !Number.isFinite(next)) return;
              setHover(-1);
              if (next === null) void unrate(movieId);
              else void rate({ id: movieId, rating: next });
            }}
            onChangeActive={(_event, next) => setHover(Number.isFinite(next) ? next : -1)}
          />
        </Box>
        {!compact && (
          <Typography
            variant="body2"
            sx={{ color: 'text.secondary', minWidth: dense ? 0 : 150 }}
            aria-live="polite"
            data-testid="rating-status"
          >
            {busy ? 'Saving…' : status}
          </Typography>
        )}
        {current !== null && !compact && (
          <Button
            size="small"
            color="inherit"
            onClick={() => void unrate(movieId)}
            disabled={busy}
            aria-label={`Remove your rating of ${title}`}
          >
            Remove
          </Button>
        )}
      </Stack>
      {failed && (
        <Alert severity="error" sx={{ mt: 1 }}>
          {errorMessage(failed, 'Your rating could not be saved.')}
        </Alert>
      )}
    </Box>
  );
}
