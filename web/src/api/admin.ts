import { api } from './api';
import { queryString } from './query';
import type {
  AdminRating,
  AdminStats,
  AdminUser,
  AdminUserUpdate,
  Models,
  Page,
  SearchPageQuery,
} from './types';

export const adminApi = api.injectEndpoints({
  endpoints: (build) => ({
    getStats: build.query<AdminStats, void>({
      query: () => '/api/admin/stats',
      providesTags: ['AdminStats'],
    }),
    getAdminUsers: build.query<Page<AdminUser>, SearchPageQuery>({
      query: (q) => `/api/admin/users${queryString({ ...q })}`,
      providesTags: ['AdminUser'],
    }),
    updateAdminUser: build.mutation<AdminUser, { id: number; patch: AdminUserUpdate }>({
      query: ({ id, patch }) => ({ url: `/api/admin/users/${id}`, method: 'PATCH', body: patch }),
      invalidatesTags: ['AdminUser', 'AdminStats', 'Me'],
    }),
    deleteAdminUser: build.mutation<null, number>({
      query: (id) => ({ url: `/api/admin/users/${id}`, method: 'DELETE' }),
      invalidatesTags: ['AdminUser', 'AdminStats', 'AdminRating', { type: 'Post', id: 'LIST' }],
    }),
    getAdminRatings: build.query<Page<AdminRating>, SearchPageQuery>({
      query: (q) => `/api/admin/ratings${queryString({ ...q })}`,
      providesTags: ['AdminRating'],
    }),
    deleteAdminRating: build.mutation<null, { userId: number; movieId: number }>({
      query: ({ userId, movieId }) => ({
        url: `/api/admin/ratings/${userId}/${movieId}`,
        method: 'DELETE',
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
    getModels: build.query<Models, void>({
      query: () => '/api/admin/models',
      providesTags: ['Models'],
    }),
    // 202 with the training state; the models query is refetched for the details.
    retrain: build.mutation<unknown, void>({
      query: () => ({ url: '/api/admin/models/retrain', method: 'POST' }),
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
