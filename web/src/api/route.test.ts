import { describe, expect, it } from 'vitest';
import { route } from './route';

describe('route', () => {
  it('fills the path parameters and the set query values', () => {
    const similar = route('/api/movies/{id}/similar', 'get');
    expect(similar.url({ id: 862 }, { k: 10, genre: undefined })).toBe(
      '/api/movies/862/similar?k=10',
    );
    expect(similar.method).toBe('GET');
    const rating = route('/api/admin/ratings/{user_id}/{movie_id}', 'delete');
    expect(rating.url({ user_id: 3, movie_id: 5 })).toBe('/api/admin/ratings/3/5');
    expect(route('/api/genres', 'get').url()).toBe('/api/genres');
  });

  it('encodes what it puts in a path', () => {
    expect(route('/api/users/{id}', 'get').url({ id: 'a/b c' })).toBe('/api/users/a%2Fb%20c');
  });

  it('knows only the routes of the document', () => {
    // Checked by tsc (`npm run lint`), never run: each line must fail to type-check.
    const refused = () => {
      // @ts-expect-error: no such path in the OpenAPI document
      route('/api/moviez', 'get');
      // @ts-expect-error: the path has no PUT
      route('/api/genres', 'put');
      // @ts-expect-error: the path needs its {id}
      route('/api/movies/{id}', 'get').url();
    };
    expect(typeof refused).toBe('function');
    expect(() => (route('/api/movies/{id}', 'get').url as (p?: unknown) => string)()).toThrow(
      /no value for \{id\}/,
    );
  });
});
