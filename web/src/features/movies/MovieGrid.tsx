import type { ReactNode } from 'react';
import Box from '@mui/material/Box';
import type { MovieCard as Movie } from '../../api/types';
import { MovieCard, MovieCardSkeleton } from './MovieCard';

const gridSx = {
  display: 'grid',
  gap: { xs: 1.5, sm: 2 },
  gridTemplateColumns: {
    xs: 'repeat(2, minmax(0, 1fr))',
    sm: 'repeat(auto-fill, minmax(160px, 1fr))',
  },
} as const;

export interface MovieGridProps<T extends Movie> {
  movies: T[];
  label: string;
  footer?: (movie: T) => ReactNode;
  /** Rate, watchlist and "not interested" over each poster (default: shown). */
  quickActions?: boolean;
}

/** Movie cards in a responsive grid. */
export function MovieGrid<T extends Movie>({
  movies,
  label,
  footer,
  quickActions = true,
}: MovieGridProps<T>) {
  return (
    <Box role="list" aria-label={label} sx={gridSx}>
      {movies.map((movie) => (
        <Box role="listitem" key={movie.id}>
          <MovieCard movie={movie} footer={footer?.(movie)} quickActions={quickActions} />
        </Box>
      ))}
    </Box>
  );
}

export function MovieGridSkeleton({ count = 12 }: { count?: number }) {
  return (
    <Box sx={gridSx} aria-busy aria-label="Loading movies" data-testid="grid-loading">
      {Array.from({ length: count }, (_, i) => (
        <MovieCardSkeleton key={i} />
      ))}
    </Box>
  );
}
