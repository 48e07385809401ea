import { api } from './api';
import { route } from './route';
import type { AdminUserUpdate, SearchPageQuery } from './types';

const r = {
  stats: route('/api/admin/stats', 'get'),
  users: route('/api/admin/users', 'get'),
  updateUser: route('/api/admin/users/{id}', 'patch'),
  deleteUser: route('/api/admin/users/{id}', 'delete'),
  ratings: route('/api/admin/ratings', 'get'),
  deleteRating: route('/api/admin/ratings/{user_id}/{movie_id}', 'delete'),
  models: route('/api/admin/models', 'get'),
  retrain: route('/api/admin/models/retrain', 'post'),
};

export const adminApi = api.injectEndpoints({
  endpoints: (build) => ({
    getStats: build.query<typeof r.stats.answer, void>({
      query: () => r.stats.url(),
      providesTags: ['AdminStats'],
    }),
    getAdminUsers: build.query<typeof r.users.answer, SearchPageQuery>({
      query: (q) => r.users.url(undefined, { ...q }),
      providesTags: ['AdminUser'],
    }),
    updateAdminUser: build.mutation<
      typeof r.updateUser.answer,
      { id: number; patch: AdminUserUpdate }
    >({
      query: ({ id, patch }) => ({
        url: r.updateUser.url({ id }),
        method: r.updateUser.method,
        body: patch,
      }),
      invalidatesTags: ['AdminUser', 'AdminStats', 'Me'],
    }),
    deleteAdminUser: build.mutation<typeof r.deleteUser.answer, number>({
      query: (id) => ({ url: r.deleteUser.url({ id }), method: r.deleteUser.method }),
      invalidatesTags: ['AdminUser', 'AdminStats', 'AdminRating', { type: 'Post', id: 'LIST' }],
    }),
    getAdminRatings: build.query<typeof r.ratings.answer, SearchPageQuery>({
      query: (q) => r.ratings.url(undefined, { ...q }),
      providesTags: ['AdminRating'],
    }),
    deleteAdminRating: build.mutation<
      typeof r.deleteRating.answer,
      { userId: number; movieId: number }
    >({
      query: ({ userId, movieId }) => ({
        url: r.deleteRating.url({ user_id: userId, movie_id: movieId }),
        method: r.deleteRating.method,
      }),
      invalidatesTags: (_result, _error, { movieId }) => [
        'AdminRating',
        'AdminStats',
        'AdminUser',
        'MyRatings',
        'Recommendations',
        { type: 'Movie', id: movieId },
      ],
    }),
    getModels: build.query<typeof r.models.answer, void>({
      query: () => r.models.url(),
      providesTags: ['Models'],
    }),
    // 202 with the training state; the models query is refetched for the details.
    retrain: build.mutation<typeof r.retrain.answer, void>({
      query: () => ({ url: r.retrain.url(), method: r.retrain.method }),
      invalidatesTags: ['Models'],
    }),
  }),
});

export const {
  useGetStatsQuery,
  useGetAdminUsersQuery,
  useUpdateAdminUserMutation,
  useDeleteAdminUserMutation,
  useGetAdminRatingsQuery,
  useDeleteAdminRatingMutation,
  useGetModelsQuery,
  useRetrainMutation,
} = adminApi;
