import { api } from './api';
import { route } from './route';
import type { GroupRequest, MovieQuery } from './types';

export interface ChartQuery {
  genre?: string;
  limit?: number;
}

const r = {
  movies: route('/api/movies', 'get'),
  suggest: route('/api/movies/suggest', 'get'),
  genres: route('/api/genres', 'get'),
  languages: route('/api/languages', 'get'),
  popular: route('/api/charts/popular', 'get'),
  latest: route('/api/charts/latest', 'get'),
  topRated: route('/api/charts/top-rated', 'get'),
  movie: route('/api/movies/{id}', 'get'),
  person: route('/api/people/{id}', 'get'),
  keyword: route('/api/keywords/{id}', 'get'),
  similar: route('/api/movies/{id}/similar', 'get'),
  watch: route('/api/movies/{id}/watch', 'get'),
  rate: route('/api/movies/{id}/rating', 'put'),
  unrate: route('/api/movies/{id}/rating', 'delete'),
  homeRows: route('/api/me/rows', 'get'),
  group: route('/api/recommend/group', 'post'),
  myRatings: route('/api/me/ratings', 'get'),
  forYou: route('/api/me/recommendations', 'get'),
};

export const moviesApi = api.injectEndpoints({
  endpoints: (build) => ({
    getMovies: build.query<typeof r.movies.answer, MovieQuery>({
      query: (q) => r.movies.url(undefined, { ...q }),
    }),
    /** Typeahead: up to 10 titles for what has been typed. */
    suggestMovies: build.query<typeof r.suggest.answer, string>({
      query: (q) => r.suggest.url(undefined, { q }),
      keepUnusedDataFor: 60,
    }),
    getGenres: build.query<typeof r.genres.answer, void>({
      query: () => r.genres.url(),
      keepUnusedDataFor: 3600,
    }),
    getLanguages: build.query<typeof r.languages.answer, void>({
      query: () => r.languages.url(),
      keepUnusedDataFor: 3600,
    }),
    getPopular: build.query<typeof r.popular.answer, ChartQuery>({
      query: (q) => r.popular.url(undefined, { ...q }),
    }),
    getLatest: build.query<typeof r.latest.answer, ChartQuery>({
      query: (q) => r.latest.url(undefined, { ...q }),
    }),
    getTopRated: build.query<typeof r.topRated.answer, ChartQuery>({
      query: (q) => r.topRated.url(undefined, { ...q }),
    }),
    getMovie: build.query<typeof r.movie.answer, number>({
      query: (id) => r.movie.url({ id }),
      providesTags: (_result, _error, id) => [{ type: 'Movie', id }],
    }),
    getPerson: build.query<typeof r.person.answer, number>({
      query: (id) => r.person.url({ id }),
    }),
    getKeyword: build.query<typeof r.keyword.answer, { id: number; page?: number }>({
      query: ({ id, page }) => r.keyword.url({ id }, { page, page_size: 24 }),
    }),
    getSimilar: build.query<typeof r.similar.answer, { id: number; k?: number }>({
      query: ({ id, k }) => r.similar.url({ id }, { k }),
    }),
    /** Where to watch the movie in `country` and its trailer (TMDB's, through the server). */
    getWatch: build.query<typeof r.watch.answer, { id: number; country: string }>({
      query: ({ id, country }) => r.watch.url({ id }, { country }),
    }),
    /** Saves the caller's rating; shown at once, rolled back if the server refuses it. */
    rateMovie: build.mutation<typeof r.rate.answer, { id: number; rating: number }>({
      query: ({ id, rating }) => ({
        url: r.rate.url({ id }),
        method: r.rate.method,
        body: { rating },
      }),
      async onQueryStarted({ id, rating }, { dispatch, queryFulfilled }) {
        const patches = [
          dispatch(
            moviesApi.util.updateQueryData('getMovie', id, (movie) => {
              movie.my_rating = rating;
            }),
          ),
          dispatch(
            moviesApi.util.updateQueryData('getMyRatings', undefined, (list) => {
              const mine = list.find((r) => r.movie_id === id);
              if (mine) mine.rating = rating;
            }),
          ),
        ];
        try {
          await queryFulfilled;
        } catch {
          patches.forEach((p) => p.undo());
        }
      },
      invalidatesTags: (_result, _error, { id }) => [
        'Watchlist',
        'Dismissed',
        'Seen',
        { type: 'Movie', id },
        'MyRatings',
        'Recommendations',
        'AdminStats',
        'AdminRating',
      ],
    }),
    unrateMovie: build.mutation<typeof r.unrate.answer, number>({
      query: (id) => ({ url: r.unrate.url({ id }), method: r.unrate.method }),
      async onQueryStarted(id, { dispatch, queryFulfilled }) {
        const patches = [
          dispatch(
            moviesApi.util.updateQueryData('getMovie', id, (movie) => {
              movie.my_rating = null;
            }),
          ),
          dispatch(
            moviesApi.util.updateQueryData('getMyRatings', undefined, (list) =>
              list.filter((r) => r.movie_id !== id),
            ),
          ),
        ];
        try {
          await queryFulfilled;
        } catch {
          patches.forEach((p) => p.undo());
        }
      },
      invalidatesTags: (_result, _error, id) => [
        { type: 'Movie', id },
        'MyRatings',
        'Recommendations',
        'AdminStats',
        'AdminRating',
      ],
    }),
    /** The caller's home rows; they change with every rating and list change. */
    getHomeRows: build.query<typeof r.homeRows.answer, void>({
      query: () => r.homeRows.url(),
      providesTags: ['Recommendations', 'Watchlist', 'Dismissed', 'MyRatings'],
    }),
    /** Films for the caller and their guests to watch together. */
    recommendGroup: build.mutation<typeof r.group.answer, GroupRequest>({
      query: (body) => ({ url: r.group.url(), method: r.group.method, body }),
    }),
    getMyRatings: build.query<typeof r.myRatings.answer, void>({
      query: () => r.myRatings.url(),
      providesTags: ['MyRatings'],
    }),
    getRecommendations: build.query<typeof r.forYou.answer, { genre?: string; k?: number }>({
      query: (q) => r.forYou.url(undefined, { ...q }),
      providesTags: ['Recommendations'],
    }),
  }),
});

export const {
  useGetMoviesQuery,
  useSuggestMoviesQuery,
  useGetGenresQuery,
  useGetPopularQuery,
  useGetLatestQuery,
  useGetTopRatedQuery,
  useGetMovieQuery,
  useGetSimilarQuery,
  useGetWatchQuery,
  useGetPersonQuery,
  useGetKeywordQuery,
  useGetLanguagesQuery,
  useRateMovieMutation,
  useUnrateMovieMutation,
  useGetMyRatingsQuery,
  useGetRecommendationsQuery,
  useGetHomeRowsQuery,
  useRecommendGroupMutation,
} = moviesApi;
