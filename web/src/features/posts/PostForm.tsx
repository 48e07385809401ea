import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import FormHelperText from '@mui/material/FormHelperText';
import Rating from '@mui/material/Rating';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import AddPhotoAlternateOutlinedIcon from '@mui/icons-material/AddPhotoAlternateOutlined';
import type { SerializedError } from '@reduxjs/toolkit';
import type { FetchBaseQueryError } from '@reduxjs/toolkit/query';
import { errorCode, errorStatus, formErrors } from '../../api/errors';
import { formatBytes } from '../../app/format';
import { starsLabel } from '../movies/RatingControl';
import { MovieAutocomplete } from './MovieAutocomplete';
import { CONTENT_MAX, IMAGE_TYPES, TITLE_MAX, validatePost, type PostFormValues } from './postForm';

export interface PostFormProps {
  mode: 'create' | 'edit';
  initial: PostFormValues;
  busy: boolean;
  error: FetchBaseQueryError | SerializedError | undefined;
  onSubmit: (values: PostFormValues) => void;
  onCancel: () => void;
}

function serverImageError(error: PostFormProps['error']): string | undefined {
  if (errorStatus(error) === 413) return 'The image is too large to upload (the limit is 10 MB).';
  if (errorCode(error) === 'invalid_image')
    return 'That file is not a whole JPEG, PNG, GIF or WebP image.';
  return undefined;
}

/** Title, catalogue movie, text, rating and (when creating) an image with a local preview. */
export function PostForm({ mode, initial, busy, error, onSubmit, onCancel }: PostFormProps) {
  const [values, setValues] = useState<PostFormValues>(initial);
  const [touched, setTouched] = useState(false);
  const [preview, setPreview] = useState<string | null>(null);
  const fileInputId = useId();
  const fileInput = useRef<HTMLInputElement>(null);
  const ratingLabelId = useId();

  useEffect(() => {
    if (!values.image) {
      setPreview(null);
      return undefined;
    }
    const url = URL.createObjectURL(values.image);
    setPreview(url);
    return () => URL.revokeObjectURL(url);
  }, [values.image]);

  const local = validatePost(values, mode);
  const server = formErrors(error, ['title', 'content', 'movie_id', 'rating', 'image']);
  const imageError =
    (touched ? local.image : undefined) ?? server.fields.image ?? serverImageError(error);
  const other = serverImageError(error) ? null : server.other;
  const fieldError = (name: 'title' | 'content') =>
    (touched ? local[name] : undefined) ?? server.fields[name];

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTouched(true);
    if (Object.keys(local).length === 0) onSubmit(values);
  };

  return (
    <Stack
      component="form"
      spacing={2.5}
      onSubmit={submit}
      noValidate
      aria-label={mode === 'create' ? 'New post' : 'Edit post'}
    >
      {other && <Alert severity="error">{other}</Alert>}
      <TextField
        label="Title"
        required
        value={values.title}
        onChange={(e) => setValues((v) => ({ ...v, title: e.target.value }))}
        error={Boolean(fieldError('title'))}
        helperText={fieldError('title') ?? `${values.title.length} / ${TITLE_MAX}`}
        slotProps={{ htmlInput: { maxLength: TITLE_MAX } }}
      />
      <MovieAutocomplete
        label="Catalogue movie (optional)"
        value={values.movie}
        onChange={(movie) => setValues((v) => ({ ...v, movie }))}
        error={server.fields.movie_id}
        helperText="Link your post to a movie in the catalogue."
      />
      <TextField
        label="What did you think?"
        multiline
        minRows={5}
        value={values.content}
        onChange={(e) => setValues((v) => ({ ...v, content: e.target.value }))}
        error={Boolean(fieldError('content'))}
        helperText={
          fieldError('content') ??
          `${values.content.length.toLocaleString()} / ${CONTENT_MAX.toLocaleString()}`
        }
      />
      <Box>
        <Typography
          id={ratingLabelId}
          component="span"
          sx={{ display: 'block', mb: 0.5, color: 'text.secondary' }}
        >
          Your rating (optional)
        </Typography>
        <Stack direction="row" spacing={1} sx={{ alignItems: 'center' }}>
          <Box component="span" role="radiogroup" aria-labelledby={ratingLabelId}>
            <Rating
              name="post-rating"
              value={values.rating}
              precision={0.5}
              size="large"
              getLabelText={starsLabel}
              emptyLabelText="No rating"
              onChange={(_e, rating) => setValues((v) => ({ ...v, rating }))}
            />
          </Box>
          {values.rating !== null && (
            <Button
              size="small"
              color="inherit"
              onClick={() => setValues((v) => ({ ...v, rating: null }))}
            >
              Clear rating
            </Button>
          )}
        </Stack>
        {server.fields.rating && <FormHelperText error>{server.fields.rating}</FormHelperText>}
      </Box>
      {mode === 'create' && (
        <Box>
          <input
            ref={fileInput}
            id={fileInputId}
            type="file"
            hidden
            accept={IMAGE_TYPES.join(',')}
            aria-label="Image file"
            data-testid="post-image-input"
            onChange={(e) => {
              const file = e.target.files?.[0] ?? null;
              setValues((v) => ({ ...v, image: file }));
            }}
          />
          <Button
            variant="outlined"
            startIcon={<AddPhotoAlternateOutlinedIcon />}
            onClick={() => fileInput.current?.click()}
            aria-describedby={`${fileInputId}-help`}
          >
            {values.image ? 'Choose another image' : 'Choose an image'}
          </Button>
          <FormHelperText id={`${fileInputId}-help`} error={Boolean(imageError)}>
            {imageError ??
              (values.image
                ? `${values.image.name} · ${formatBytes(values.image.size)}`
                : 'JPEG, PNG, GIF or WebP, up to 10 MB.')}
          </FormHelperText>
          {preview && (
            <Box
              component="img"
              src={preview}
              alt="Preview of the chosen image"
              data-testid="post-image-preview"
              sx={{
                display: 'block',
                mt: 1.5,
                maxWidth: '100%',
                maxHeight: 320,
                borderRadius: 1.5,
                border: '1px solid',
                borderColor: 'divider',
              }}
            />
          )}
        </Box>
      )}
      <Stack direction="row" spacing={1.5}>
        <Button type="submit" variant="contained" size="large" disabled={busy}>
          {busy
            ? mode === 'create'
              ? 'Uploading…'
              : 'Saving…'
            : mode === 'create'
              ? 'Publish post'
              : 'Save changes'}
        </Button>
        <Button size="large" onClick={onCancel} disabled={busy}>
          Cancel
        </Button>
      </Stack>
    </Stack>
  );
}
