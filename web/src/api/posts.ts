import { api } from './api';
import { queryString } from './query';
import type { Page, Post, PostQuery, PostUpdate } from './types';

const postsApi = api.injectEndpoints({
  endpoints: (build) => ({
    getPosts: build.query<Page<Post>, PostQuery>({
      query: (q) => `/api/posts${queryString({ ...q })}`,
      providesTags: (result) => [
        { type: 'Post', id: 'LIST' },
        ...(result?.results.map((p) => ({ type: 'Post' as const, id: p.id })) ?? []),
      ],
    }),
    getPost: build.query<Post, number>({
      query: (id) => `/api/posts/${id}`,
      providesTags: (_result, _error, id) => [{ type: 'Post', id }],
    }),
    /** `form` holds title, content, movie_id?, rating? and image (multipart). */
    createPost: build.mutation<Post, FormData>({
      query: (form) => ({ url: '/api/posts', method: 'POST', body: form }),
      invalidatesTags: [{ type: 'Post', id: 'LIST' }, 'AdminStats'],
    }),
    updatePost: build.mutation<Post, { id: number; patch: PostUpdate }>({
      query: ({ id, patch }) => ({ url: `/api/posts/${id}`, method: 'PATCH', body: patch }),
      invalidatesTags: (_result, _error, { id }) => [
        { type: 'Post', id },
        { type: 'Post', id: 'LIST' },
      ],
    }),
    deletePost: build.mutation<null, number>({
      query: (id) => ({ url: `/api/posts/${id}`, method: 'DELETE' }),
      invalidatesTags: (_result, _error, id) => [
        { type: 'Post', id },
        { type: 'Post', id: 'LIST' },
        'AdminStats',
      ],
    }),
  }),
});

export const {
  useGetPostsQuery,
  useGetPostQuery,
  useCreatePostMutation,
  useUpdatePostMutation,
  useDeletePostMutation,
} = postsApi;
