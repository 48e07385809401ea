import { elsewhere } from './ElsewhereLinks';

describe('elsewhere', () => {
  it('links the film by the ids the catalogue knows, and only those', () => {
    expect(elsewhere({ imdb_id: 'tt0113277', tmdb_id: 949, movielens_id: 6 })).toEqual([
      ['IMDb', 'https://www.imdb.com/title/tt0113277/'],
      ['TMDB', 'https://www.themoviedb.org/movie/949'],
      ['Letterboxd', 'https://letterboxd.com/tmdb/949/'],
      ['MovieLens', 'https://movielens.org/movies/6'],
    ]);
    expect(elsewhere({ imdb_id: null, tmdb_id: null, movielens_id: 6 })).toEqual([
      ['MovieLens', 'https://movielens.org/movies/6'],
    ]);
    expect(elsewhere({ imdb_id: null, tmdb_id: null, movielens_id: null })).toEqual([]);
  });
});
