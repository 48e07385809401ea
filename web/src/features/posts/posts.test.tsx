import { render, screen, within } from '@testing-library/react';
import type { PostImage } from '../../api/types';
import { ImageMetadata } from './ImageMetadata';
import { postFormData, validatePost, type PostFormValues } from './postForm';

const png = (bytes: number, type = 'image/png') =>
  new File([new Uint8Array(bytes)], 'shot.png', { type });

const values = (over: Partial<PostFormValues> = {}): PostFormValues => ({
  title: 'My favourite',
  content: 'Loved it.',
  movie: { id: 862, title: 'Toy Story', year: 1995 },
  rating: 4.5,
  image: png(100),
  ...over,
});

describe('a new post', () => {
  it('is sent as multipart with every field the API reads', async () => {
    const form = postFormData(values({ title: '  My favourite  ' }));
    expect(form.get('title')).toBe('My favourite');
    expect(form.get('content')).toBe('Loved it.');
    expect(form.get('movie_id')).toBe('862');
    expect(form.get('rating')).toBe('4.5');
    const image = form.get('image') as File;
    expect(image.name).toBe('shot.png');
    expect(image.size).toBe(100);
  });

  it('leaves out the movie and rating when none is chosen', () => {
    const form = postFormData(values({ movie: null, rating: null }));
    expect(form.has('movie_id')).toBe(false);
    expect(form.has('rating')).toBe(false);
  });

  it('is checked before uploading: title, length, image type and size', () => {
    expect(validatePost(values(), 'create')).toEqual({});
    expect(validatePost(values({ title: '   ' }), 'create')).toHaveProperty('title');
    expect(validatePost(values({ title: 'x'.repeat(301) }), 'create')).toHaveProperty('title');
    expect(validatePost(values({ content: 'x'.repeat(10_001) }), 'create')).toHaveProperty(
      'content',
    );
    expect(validatePost(values({ image: null }), 'create').image).toBe(
      'Choose an image to upload.',
    );
    expect(validatePost(values({ image: png(10, 'image/bmp') }), 'create').image).toMatch(/JPEG/);
    expect(validatePost(values({ image: png(10 * 1024 * 1024 + 1) }), 'create').image).toMatch(
      /limit is 10 MB/,
    );
    // An edit keeps its image.
    expect(validatePost(values({ image: null }), 'edit')).toEqual({});
  });
});

describe('ImageMetadata', () => {
  const image: PostImage = {
    id: 3,
    url: '/api/images/3',
    thumb_url: '/api/images/3/thumb',
    width: 4032,
    height: 3024,
    format: 'jpeg',
    size_bytes: 2_621_440,
    file_name: 'IMG_0042.JPG',
    uploaded_at: 1_700_000_000,
    taken_at: '2023-07-14T18:32:05',
    camera_make: 'Apple',
    camera_model: 'iPhone 12',
    orientation: 6,
  };

  it('shows what the server extracted from the upload', () => {
    render(<ImageMetadata image={image} />);
    const details = screen.getByTestId('image-metadata');
    expect(within(details).getByTestId('image-dimensions')).toHaveTextContent('4032 × 3024 px');
    expect(within(details).getByTestId('image-format')).toHaveTextContent('JPEG');
    expect(within(details).getByTestId('image-size')).toHaveTextContent('2.5 MB');
    expect(within(details).getByTestId('image-file-name')).toHaveTextContent('IMG_0042.JPG');
    expect(within(details).getByTestId('image-taken-at')).toHaveTextContent('2023-07-14 18:32:05');
    expect(within(details).getByTestId('image-camera')).toHaveTextContent('Apple iPhone 12');
    expect(within(details).getByTestId('image-orientation')).toHaveTextContent(
      'Rotated 90° clockwise (6)',
    );
  });

  it('says so when the camera left no details', () => {
    render(
      <ImageMetadata
        image={{
          ...image,
          taken_at: null,
          camera_make: null,
          camera_model: null,
          orientation: null,
        }}
      />,
    );
    expect(screen.getByTestId('image-taken-at')).toHaveTextContent('—');
    expect(screen.getByTestId('image-camera')).toHaveTextContent('—');
    expect(screen.getByTestId('image-orientation')).toHaveTextContent('—');
  });
});
