import { api } from './api';
import { route } from './route';
import type { PostQuery, PostUpdate } from './types';

const r = {
  list: route('/api/posts', 'get'),
  get: route('/api/posts/{id}', 'get'),
  create: route('/api/posts', 'post'),
  update: route('/api/posts/{id}', 'patch'),
  delete: route('/api/posts/{id}', 'delete'),
};

const postsApi = api.injectEndpoints({
  endpoints: (build) => ({
    getPosts: build.query<typeof r.list.answer, PostQuery>({
      query: (q) => r.list.url(undefined, { ...q }),
      providesTags: (result) => [
        { type: 'Post', id: 'LIST' },
        ...(result?.results.map((p) => ({ type: 'Post' as const, id: p.id })) ?? []),
      ],
    }),
    getPost: build.query<typeof r.get.answer, number>({
      query: (id) => r.get.url({ id }),
      providesTags: (_result, _error, id) => [{ type: 'Post', id }],
    }),
    /** `form` holds title, content, movie_id?, rating? and image (multipart). */
    createPost: build.mutation<typeof r.create.answer, FormData>({
      query: (form) => ({ url: r.create.url(), method: r.create.method, body: form }),
      invalidatesTags: [{ type: 'Post', id: 'LIST' }, 'AdminStats'],
    }),
    updatePost: build.mutation<typeof r.update.answer, { id: number; patch: PostUpdate }>({
      query: ({ id, patch }) => ({
        url: r.update.url({ id }),
        method: r.update.method,
        body: patch,
      }),
      invalidatesTags: (_result, _error, { id }) => [
        { type: 'Post', id },
        { type: 'Post', id: 'LIST' },
      ],
    }),
    deletePost: build.mutation<typeof r.delete.answer, number>({
      query: (id) => ({ url: r.delete.url({ id }), method: r.delete.method }),
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
