import { api } from './api';
import { queryString } from './query';
import type {
  Genre,
  GroupRecommendations,
  GroupRequest,
  HomeRows,
  KeywordMovies,
  Language,
  MovieCard,
  MovieDetail,
  MovieQuery,
  MyRating,
  Page,
  Person,
  RatingSaved,
  Recommendations,
  SimilarMovies,
  TopRatedChart,
} from './types';

export interface ChartQuery {
  genre?: string;
  limit?: number;
}

export const moviesApi = api.injectEndpoints({
  endpoints: (build) => ({
    getMovies: build.query<Page<MovieCard>, MovieQuery>({
      query: (q) => `/api/movies${queryString({ ...q })}`,
    }),
    /** Typeahead: up to 10 titles for what has been typed. */
    suggestMovies: build.query<MovieCard[], string>({
      query: (q) => `/api/movies/suggest${queryString({ q })}`,
      keepUnusedDataFor: 60,
    }),
    getGenres: build.query<Genre[], void>({
      query: () => '/api/genres',
      keepUnusedDataFor: 3600,
    }),
    getLanguages: build.query<Language[], void>({
      query: () => '/api/languages',
      keepUnusedDataFor: 3600,
    }),
    getPopular: build.query<MovieCard[], ChartQuery>({
      query: (q) => `/api/charts/popular${queryString({ ...q })}`,
    }),
    getLatest: build.query<MovieCard[], ChartQuery>({
      query: (q) => `/api/charts/latest${queryString({ ...q })}`,
    }),
    getTopRated: build.query<TopRatedChart, ChartQuery>({
      query: (q) => `/api/charts/top-rated${queryString({ ...q })}`,
    }),
    getMovie: build.query<MovieDetail, number>({
      query: (id) => `/api/movies/${id}`,
      providesTags: (_result, _error, id) => [{ type: 'Movie', id }],
    }),
    getPerson: build.query<Person, number>({
      query: (id) => `/api/people/${id}`,
    }),
    getKeyword: build.query<KeywordMovies, { id: number; page?: number }>({
      query: ({ id, page }) => `/api/keywords/${id}${queryString({ page, page_size: 24 })}`,
    }),
    getSimilar: build.query<SimilarMovies, { id: number; k?: number }>({
      query: ({ id, k }) => `/api/movies/${id}/similar${queryString({ k })}`,
    }),
    /** Saves the caller's rating; shown at once, rolled back if the server refuses it. */
    rateMovie: build.mutation<RatingSaved, { id: number; rating: number }>({
      query: ({ id, rating }) => ({
        url: `/api/movies/${id}/rating`,
        method: 'PUT',
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
        { type: 'Movie', id },
        'MyRatings',
        'Recommendations',
        'AdminStats',
        'AdminRating',
      ],
    }),
    unrateMovie: build.mutation<null, number>({
      query: (id) => ({ url: `/api/movies/${id}/rating`, method: 'DELETE' }),
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
    getHomeRows: build.query<HomeRows, void>({
      query: () => '/api/me/rows',
      providesTags: ['Recommendations', 'Watchlist', 'Dismissed', 'MyRatings'],
    }),
    /** Films for the caller and their guests to watch together. */
    recommendGroup: build.mutation<GroupRecommendations, GroupRequest>({
      query: (body) => ({ url: '/api/recommend/group', method: 'POST', body }),
    }),
    getMyRatings: build.query<MyRating[], void>({
      query: () => '/api/me/ratings',
      providesTags: ['MyRatings'],
    }),
    getRecommendations: build.query<Recommendations, { genre?: string; k?: number }>({
      query: (q) => `/api/me/recommendations${queryString({ ...q })}`,
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
