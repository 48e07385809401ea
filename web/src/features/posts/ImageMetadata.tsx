import Box from '@mui/material/Box';
import Typography from '@mui/material/Typography';
import type { PostImage } from '../../api/types';
import { formatBytes, formatDateTime } from '../../app/format';

const ORIENTATIONS: Record<number, string> = {
  1: 'Normal',
  2: 'Mirrored horizontally',
  3: 'Rotated 180°',
  4: 'Mirrored vertically',
  5: 'Mirrored, rotated 90° counter-clockwise',
  6: 'Rotated 90° clockwise',
  7: 'Mirrored, rotated 90° clockwise',
  8: 'Rotated 90° counter-clockwise',
};

export function orientationLabel(value: number | null): string {
  if (value === null) return '—';
  return ORIENTATIONS[value] ? `${ORIENTATIONS[value]} (${value})` : String(value);
}

/** The camera's local time as the EXIF data gives it, made readable. */
export function formatTakenAt(value: string | null): string {
  return value ? value.replace('T', ' ') : '—';
}

/** What the server extracted from an uploaded image. */
export function ImageMetadata({ image }: { image: PostImage }) {
  const camera = [image.camera_make, image.camera_model].filter(Boolean).join(' ');
  const rows: Array<[string, React.ReactNode, string]> = [
    [
      'Dimensions',
      <>
        <span data-testid="image-width">{image.width}</span> ×{' '}
        <span data-testid="image-height">{image.height}</span> px
      </>,
      'image-dimensions',
    ],
    ['Format', image.format.toUpperCase(), 'image-format'],
    ['Size', formatBytes(image.size_bytes), 'image-size'],
    ['File name', image.file_name || '—', 'image-file-name'],
    ['Taken at', formatTakenAt(image.taken_at ?? null), 'image-taken-at'],
    ['Camera', camera || '—', 'image-camera'],
    ['Orientation', orientationLabel(image.orientation ?? null), 'image-orientation'],
    ['Uploaded', formatDateTime(image.uploaded_at), 'image-uploaded-at'],
  ];
  return (
    <Box component="section" aria-labelledby="image-metadata-title" data-testid="image-metadata">
      <Typography id="image-metadata-title" variant="h6" component="h2" sx={{ mb: 1 }}>
        Image details
      </Typography>
      <Box
        component="dl"
        sx={{
          display: 'grid',
          gridTemplateColumns: 'max-content 1fr',
          columnGap: 2,
          rowGap: 0.75,
          m: 0,
          '& dt': { color: 'text.secondary' },
          '& dd': { m: 0, wordBreak: 'break-word' },
        }}
      >
        {rows.map(([label, value, testId]) => (
          <Box key={label} sx={{ display: 'contents' }}>
            <dt>{label}</dt>
            <dd data-testid={testId}>{value}</dd>
          </Box>
        ))}
      </Box>
    </Box>
  );
}
