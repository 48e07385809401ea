import Box from '@mui/material/Box';
import Typography from '@mui/material/Typography';
import { posterColors } from './posterColors';

export interface GeneratedPosterProps {
  title: string;
  genres: readonly string[];
  year?: number | null;
  /** Smaller type for small cards. */
  compact?: boolean;
  /** No text at all, for a thumbnail beside the title ("Advent · Animat" was all that fit). */
  thumbnail?: boolean;
}

/** A poster drawn from the movie's title and genres, used when there is no image to show. */
export function GeneratedPoster({
  title,
  genres,
  year,
  compact = false,
  thumbnail = false,
}: GeneratedPosterProps) {
  const [from, to] = posterColors(genres, title);
  return (
    <Box
      role="img"
      aria-label={`Poster of ${title}`}
      data-testid="generated-poster"
      data-colors={`${from} ${to}`}
      sx={{
        position: 'absolute',
        inset: 0,
        display: 'flex',
        flexDirection: 'column',
        justifyContent: 'flex-end',
        p: compact ? 1.25 : 2,
        overflow: 'hidden',
        color: '#fff',
        background: `linear-gradient(155deg, ${from} 0%, ${to} 100%)`,
        '&::before': {
          content: '""',
          position: 'absolute',
          inset: 0,
          background:
            'radial-gradient(circle at 80% 15%, rgba(255,255,255,0.18), transparent 45%), linear-gradient(to top, rgba(0,0,0,0.55), transparent 60%)',
        },
      }}
    >
      <Box aria-hidden sx={{ position: 'relative', display: thumbnail ? 'none' : undefined }}>
        <Typography
          component="span"
          data-poster-title
          sx={{
            display: '-webkit-box',
            WebkitLineClamp: 4,
            WebkitBoxOrient: 'vertical',
            overflow: 'hidden',
            fontWeight: 800,
            lineHeight: 1.15,
            fontSize: compact ? { xs: '0.85rem', sm: '0.95rem' } : '1.35rem',
            textShadow: '0 1px 3px rgba(0,0,0,0.6)',
            overflowWrap: 'break-word',
            hyphens: 'auto',
          }}
        >
          {title}
        </Typography>
        {(year || genres.length > 0) && (
          <Typography
            component="span"
            sx={{
              display: 'block',
              mt: 0.5,
              fontSize: compact ? '0.7rem' : '0.8rem',
              opacity: 0.9,
              textShadow: '0 1px 2px rgba(0,0,0,0.6)',
            }}
          >
            {[year, genres.slice(0, 2).join(' · ')].filter(Boolean).join(' · ')}
          </Typography>
        )}
      </Box>
    </Box>
  );
}
