import { useId, useRef, type ReactNode } from 'react';
import Box from '@mui/material/Box';
import IconButton from '@mui/material/IconButton';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import ChevronLeftIcon from '@mui/icons-material/ChevronLeft';
import ChevronRightIcon from '@mui/icons-material/ChevronRight';
import type { SerializedError } from '@reduxjs/toolkit';
import type { FetchBaseQueryError } from '@reduxjs/toolkit/query';
import type { MovieCard as Movie } from '../../api/types';
import { EmptyState } from '../../components/EmptyState';
import { ErrorState } from '../../components/ErrorState';
import { MovieCard, MovieCardSkeleton } from './MovieCard';

export interface MovieRowProps<T extends Movie> {
  title: string;
  subtitle?: ReactNode;
  movies: T[] | undefined;
  isLoading: boolean;
  error?: FetchBaseQueryError | SerializedError;
  onRetry?: () => void;
  emptyText?: ReactNode;
  action?: ReactNode;
  footer?: (movie: T) => ReactNode;
  testId?: string;
}

const CARD_WIDTH = { xs: 136, sm: 160, md: 176 };

/** A titled row of movie cards that scrolls sideways. */
export function MovieRow<T extends Movie>({
  title,
  subtitle,
  movies,
  isLoading,
  error,
  onRetry,
  emptyText = 'Nothing here yet.',
  action,
  footer,
  testId,
}: MovieRowProps<T>) {
  const headingId = useId();
  const scroller = useRef<HTMLDivElement>(null);
  const scrollBy = (direction: 1 | -1) => {
    const el = scroller.current;
    if (el) el.scrollBy({ left: direction * el.clientWidth * 0.85, behavior: 'smooth' });
  };
  let body: ReactNode;
  if (isLoading) {
    body = Array.from({ length: 8 }, (_, i) => (
      <Box key={i} sx={{ flex: '0 0 auto', width: CARD_WIDTH }}>
        <MovieCardSkeleton />
      </Box>
    ));
  } else if (error) {
    return (
      <Box component="section" aria-labelledby={headingId} sx={{ mb: 4 }} data-testid={testId}>
        <RowHeading id={headingId} title={title} subtitle={subtitle} action={action} />
        <ErrorState
          error={error}
          title={`Could not load ${title.toLowerCase()}`}
          onRetry={onRetry}
        />
      </Box>
    );
  } else if (!movies || movies.length === 0) {
    return (
      <Box component="section" aria-labelledby={headingId} sx={{ mb: 4 }} data-testid={testId}>
        <RowHeading id={headingId} title={title} subtitle={subtitle} action={action} />
        <EmptyState title={typeof emptyText === 'string' ? emptyText : 'Nothing here yet.'}>
          {typeof emptyText === 'string' ? undefined : emptyText}
        </EmptyState>
      </Box>
    );
  } else {
    body = movies.map((movie) => (
      <Box
        key={movie.id}
        role="listitem"
        sx={{ flex: '0 0 auto', width: CARD_WIDTH, scrollSnapAlign: 'start' }}
      >
        <MovieCard movie={movie} footer={footer?.(movie)} />
      </Box>
    ));
  }
  return (
    <Box component="section" aria-labelledby={headingId} sx={{ mb: 4 }} data-testid={testId}>
      <RowHeading
        id={headingId}
        title={title}
        subtitle={subtitle}
        action={
          <Stack direction="row" spacing={0.5} sx={{ alignItems: 'center' }}>
            {action}
            <IconButton
              aria-label={`Scroll ${title} left`}
              onClick={() => scrollBy(-1)}
              size="small"
              sx={{ display: { xs: 'none', md: 'inline-flex' } }}
            >
              <ChevronLeftIcon />
            </IconButton>
            <IconButton
              aria-label={`Scroll ${title} right`}
              onClick={() => scrollBy(1)}
              size="small"
              sx={{ display: { xs: 'none', md: 'inline-flex' } }}
            >
              <ChevronRightIcon />
            </IconButton>
          </Stack>
        }
      />
      <Box
        ref={scroller}
        role={isLoading ? undefined : 'list'}
        aria-busy={isLoading || undefined}
        aria-label={isLoading ? `Loading ${title}` : title}
        sx={{
          display: 'flex',
          gap: 1.5,
          overflowX: 'auto',
          overflowY: 'hidden',
          scrollSnapType: 'x proximity',
          pb: 1.5,
          pt: 0.75,
          px: 0.5,
          mx: -0.5,
          scrollbarWidth: 'thin',
        }}
      >
        {body}
      </Box>
    </Box>
  );
}

function RowHeading({
  id,
  title,
  subtitle,
  action,
}: {
  id: string;
  title: string;
  subtitle?: ReactNode;
  action?: ReactNode;
}) {
  return (
    <Stack
      direction="row"
      spacing={2}
      sx={{ alignItems: 'flex-end', justifyContent: 'space-between', mb: 1 }}
    >
      <Box>
        <Typography id={id} variant="h5" component="h2">
          {title}
        </Typography>
        {subtitle && (
          <Typography variant="body2" sx={{ color: 'text.secondary' }}>
            {subtitle}
          </Typography>
        )}
      </Box>
      {action}
    </Stack>
  );
}
