import { formatBytes } from '../../app/format';
import type { MovieOption } from './MovieAutocomplete';

const MAX_IMAGE_BYTES = 10 * 1024 * 1024;
export const IMAGE_TYPES = ['image/jpeg', 'image/png', 'image/gif', 'image/webp'];
export const TITLE_MAX = 300;
export const CONTENT_MAX = 10_000;

export interface PostFormValues {
  title: string;
  content: string;
  movie: MovieOption | null;
  rating: number | null;
  /** Only when creating: the image cannot be changed later. */
  image: File | null;
}

/** Checks what the server would refuse, before uploading. */
export function validatePost(
  values: PostFormValues,
  mode: 'create' | 'edit',
): Record<string, string> {
  const errors: Record<string, string> = {};
  const title = values.title.trim();
  if (!title) errors.title = 'Give your post a title.';
  else if (title.length > TITLE_MAX) errors.title = `At most ${TITLE_MAX} characters.`;
  if (values.content.length > CONTENT_MAX)
    errors.content = `At most ${CONTENT_MAX.toLocaleString()} characters.`;
  if (mode === 'create') {
    if (!values.image) errors.image = 'Choose an image to upload.';
    else if (!IMAGE_TYPES.includes(values.image.type))
      errors.image = 'Use a JPEG, PNG, GIF or WebP image.';
    else if (values.image.size > MAX_IMAGE_BYTES)
      errors.image = `The image is ${formatBytes(values.image.size)}; the limit is 10 MB.`;
  }
  return errors;
}

/** The multipart body of `POST /api/posts`. */
export function postFormData(values: PostFormValues): FormData {
  const form = new FormData();
  form.set('title', values.title.trim());
  form.set('content', values.content);
  if (values.movie) form.set('movie_id', String(values.movie.id));
  if (values.rating !== null) form.set('rating', String(values.rating));
  if (values.image) form.set('image', values.image, values.image.name);
  return form;
}
