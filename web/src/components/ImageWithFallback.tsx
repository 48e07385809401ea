import { useState } from 'react';
import Box from '@mui/material/Box';
import Typography from '@mui/material/Typography';
import ImageNotSupportedOutlinedIcon from '@mui/icons-material/ImageNotSupportedOutlined';
import type { SxProps, Theme } from '@mui/material/styles';

export interface ImageWithFallbackProps {
  src: string | null | undefined;
  alt: string;
  sx?: SxProps<Theme>;
  /** The placeholder's height when the image cannot be shown. */
  fallbackHeight?: number | string;
  width?: number;
  height?: number;
}

/** An image, or a calm placeholder if it is missing or fails to load: never a broken icon. */
export function ImageWithFallback({
  src,
  alt,
  sx,
  fallbackHeight = 180,
  width,
  height,
}: ImageWithFallbackProps) {
  const [failed, setFailed] = useState<string | null>(null);
  if (!src || failed === src) {
    return (
      <Box
        role="img"
        aria-label={`${alt} (not available)`}
        sx={{
          height: fallbackHeight,
          display: 'flex',
          flexDirection: 'column',
          alignItems: 'center',
          justifyContent: 'center',
          gap: 1,
          color: 'text.secondary',
          bgcolor: 'rgba(255,255,255,0.04)',
          borderRadius: 1,
        }}
      >
        <ImageNotSupportedOutlinedIcon aria-hidden />
        <Typography variant="caption">Image not available</Typography>
      </Box>
    );
  }
  return (
    <Box
      component="img"
      src={src}
      alt={alt}
      width={width}
      height={height}
      onError={() => setFailed(src)}
      sx={[{ display: 'block', maxWidth: '100%' }, ...(Array.isArray(sx) ? sx : [sx])]}
    />
  );
}
