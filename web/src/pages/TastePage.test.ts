import { describe, expect, it } from 'vitest';
import type { MovieCard } from '../api/types';
import { varied } from './TastePage';

const movie = (id: number, genre: string): MovieCard => ({
  id,
  title: `Film ${id}`,
  year: 2000,
  release_date: null,
  genres: [genre],
  poster_path: null,
  popularity: null,
  rating: null,
});

describe('varied', () => {
  it('takes the most popular film of each genre in turn, keeping every film once', () => {
    const popular = [
      movie(1, 'Action'),
      movie(2, 'Action'),
      movie(3, 'Action'),
      movie(4, 'Drama'),
      movie(5, 'Animation'),
      movie(6, 'Drama'),
    ];
    expect(varied(popular).map((m) => m.id)).toEqual([1, 4, 5, 2, 6, 3]);
  });

  it('is empty for no films', () => {
    expect(varied([])).toEqual([]);
  });
});
