import { api } from './api';
import type { ImportReport, ListEntry, Listed } from './types';

/** Which of the caller's lists. */
export type ListName = 'watchlist' | 'dismissed';

const tag = (list: ListName) => (list === 'watchlist' ? 'Watchlist' : 'Dismissed');

/**
 * The watchlist and "not interested" (a movie is on at most one; both change For you), and
 * ratings and watchlists imported from elsewhere.
 */
export const listsApi = api.injectEndpoints({
  endpoints: (build) => ({
    getList: build.query<ListEntry[], ListName>({
      query: (list) => `/api/me/${list}`,
      providesTags: (_result, _error, list) => [tag(list)],
    }),
    addToList: build.mutation<Listed, { list: ListName; id: number }>({
      query: ({ list, id }) => ({ url: `/api/me/${list}/${id}`, method: 'PUT' }),
      invalidatesTags: ['Watchlist', 'Dismissed', 'Recommendations'],
    }),
    /** `form` holds `file` and `existing` (keep | overwrite). */
    importHistory: build.mutation<ImportReport, FormData>({
      query: (form) => ({ url: '/api/me/imports', method: 'POST', body: form }),
      invalidatesTags: ['MyRatings', 'Watchlist', 'Recommendations', 'Movie'],
    }),
    removeFromList: build.mutation<void, { list: ListName; id: number }>({
      query: ({ list, id }) => ({ url: `/api/me/${list}/${id}`, method: 'DELETE' }),
      invalidatesTags: ['Watchlist', 'Dismissed', 'Recommendations'],
    }),
  }),
});

export const {
  useGetListQuery,
  useAddToListMutation,
  useRemoveFromListMutation,
  useImportHistoryMutation,
} = listsApi;
