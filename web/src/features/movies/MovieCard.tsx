import { type ReactNode, useState } from 'react';
import Box from '@mui/material/Box';
import Card from '@mui/material/Card';
import CardActionArea from '@mui/material/CardActionArea';
import Skeleton from '@mui/material/Skeleton';
import Typography from '@mui/material/Typography';
import useMediaQuery from '@mui/material/useMediaQuery';
import StarRoundedIcon from '@mui/icons-material/StarRounded';
import type { MovieCard as Movie } from '../../api/types';
import { Poster } from '../../components/Poster';
import { formatCount } from '../../app/format';
import { QuickActions } from './QuickActions';

function movieLabel(movie: { title: string; year?: number | null }): string {
  return movie.year ? `${movie.title} (${movie.year})` : movie.title;
}

export interface MovieCardProps {
  movie: Movie;
  /** Extra lines under the title (a score, the reasons for a recommendation). */
  footer?: ReactNode;
  /** Rate, watchlist and "not interested" buttons over the poster (default: shown). */
  quickActions?: boolean;
}

const cardSx = {
  position: 'relative',
  height: '100%',
  display: 'flex',
  flexDirection: 'column',
  bgcolor: 'background.paper',
  transition: 'transform 160ms ease, box-shadow 160ms ease, border-color 160ms ease',
  '&:hover, &:focus-within': {
    transform: 'translateY(-4px)',
    boxShadow: '0 12px 28px rgba(0,0,0,0.45)',
    borderColor: 'rgba(251,113,133,0.45)',
  },
  '& .quick-actions': { opacity: 0, transition: 'opacity 120ms ease' },
  '&:hover .quick-actions, &:focus-within .quick-actions': { opacity: 1 },
  '@media (hover: none)': { '& .quick-actions': { opacity: 1 } },
} as const;

/** A movie's poster, title, year, mean rating and how many rated it, linking to its page. The
 * quick actions are made when a pointer or the keyboard first reaches the card (at once on a
 * touch screen, where they always show): a page holds dozens of cards, and making each one's
 * buttons and tooltips up front cost a third of the page's first render. They follow the card's
 * link in the tab order. */
export function MovieCard({ movie, footer, quickActions = true }: MovieCardProps) {
  const touch = useMediaQuery('(hover: none)');
  const [reached, setReached] = useState(false);
  const reach = () => setReached(true);
  return (
    <Card
      sx={cardSx}
      data-testid="movie-card"
      data-movie-id={movie.id}
      onMouseEnter={reach}
      onFocus={reach}
    >
      <CardActionArea
        href={`/movies/${movie.id}`}
        aria-label={movieLabel(movie)}
        sx={{ display: 'block', p: 1 }}
      >
        <Poster
          title={movie.title}
          posterPath={movie.poster_path}
          genres={movie.genres}
          year={movie.year}
          compact
        />
        <Box sx={{ pt: 1, px: 0.25 }}>
          <Typography
            component="h3"
            sx={{
              fontWeight: 600,
              fontSize: '0.92rem',
              lineHeight: 1.25,
              display: '-webkit-box',
              WebkitLineClamp: 2,
              WebkitBoxOrient: 'vertical',
              overflow: 'hidden',
              minHeight: '2.3em',
            }}
          >
            {movie.title}
          </Typography>
          <Typography
            variant="caption"
            sx={{ color: 'text.secondary', display: 'flex', alignItems: 'center', gap: 0.5 }}
          >
            <span>{movie.year ?? '—'}</span>
            {movie.rating && movie.rating.count > 0 && (
              <>
                <span aria-hidden>·</span>
                <StarRoundedIcon sx={{ fontSize: 14, color: 'warning.main' }} aria-hidden />
                <span
                  aria-label={`${movie.rating.mean.toFixed(1)} from ${movie.rating.count.toLocaleString()} ratings`}
                >
                  {movie.rating.mean.toFixed(1)}
                  <Box component="span" sx={{ opacity: 0.7 }}>
                    {' '}
                    ({formatCount(movie.rating.count)})
                  </Box>
                </span>
              </>
            )}
          </Typography>
        </Box>
      </CardActionArea>
      {quickActions && (reached || touch) && (
        <QuickActions movieId={movie.id} title={movie.title} />
      )}
      {footer && <Box sx={{ px: 1.25, pb: 1.25 }}>{footer}</Box>}
    </Card>
  );
}

export function MovieCardSkeleton() {
  return (
    <Card sx={{ p: 1, height: '100%' }} aria-hidden data-testid="movie-card-skeleton">
      <Skeleton variant="rounded" sx={{ width: '100%', height: 'auto', aspectRatio: '2 / 3' }} />
      <Skeleton width="85%" sx={{ mt: 1 }} />
      <Skeleton width="40%" />
    </Card>
  );
}
