import { useState } from 'react';
import Box from '@mui/material/Box';
import type { SxProps, Theme } from '@mui/material/styles';
import { GeneratedPoster } from './GeneratedPoster';

export const TMDB_POSTER_BASE = 'https://image.tmdb.org/t/p/w342';

export interface PosterProps {
  title: string;
  posterPath: string | null | undefined;
  genres: readonly string[];
  year?: number | null;
  compact?: boolean;
  /** A thumbnail beside the title: the generated poster shows no text (none would fit). */
  thumbnail?: boolean;
  sx?: SxProps<Theme>;
}

/**
 * A 2:3 poster. Tries TMDB's image when the movie has one; until it has loaded, and for good if
 * it fails (the app often runs offline), a generated poster shows instead, so a broken image is
 * never seen.
 */
export function Poster({ title, posterPath, genres, year, compact, thumbnail, sx }: PosterProps) {
  const [loaded, setLoaded] = useState<string | null>(null);
  const [failed, setFailed] = useState<string | null>(null);
  const src = posterPath && failed !== posterPath ? `${TMDB_POSTER_BASE}${posterPath}` : null;
  const showImage = src !== null && loaded === posterPath;
  return (
    <Box
      sx={[
        {
          position: 'relative',
          aspectRatio: '2 / 3',
          width: '100%',
          overflow: 'hidden',
          borderRadius: 1.5,
          bgcolor: 'background.paper',
        },
        ...(Array.isArray(sx) ? sx : [sx]),
      ]}
    >
      {!showImage && (
        <GeneratedPoster
          title={title}
          genres={genres}
          year={year}
          compact={compact}
          thumbnail={thumbnail}
        />
      )}
      {src && (
        <Box
          component="img"
          src={src}
          alt={showImage ? `Poster of ${title}` : ''}
          loading="lazy"
          decoding="async"
          onLoad={() => setLoaded(posterPath ?? null)}
          onError={() => setFailed(posterPath ?? null)}
          sx={{
            position: 'absolute',
            inset: 0,
            width: '100%',
            height: '100%',
            objectFit: 'cover',
            opacity: showImage ? 1 : 0,
            transition: 'opacity 200ms ease',
          }}
        />
      )}
    </Box>
  );
}
