import { api } from './api';
import { route } from './route';

/** Which of the caller's lists. */
export type ListName = 'watchlist' | 'dismissed' | 'seen';

const tags = { watchlist: 'Watchlist', dismissed: 'Dismissed', seen: 'Seen' } as const;
/** A film is on at most one list: a change to one may change them all. */
const everyList = ['Watchlist', 'Dismissed', 'Seen', 'Recommendations'] as const;

const r = {
  get: {
    watchlist: route('/api/me/watchlist', 'get'),
    dismissed: route('/api/me/dismissed', 'get'),
    seen: route('/api/me/seen', 'get'),
  },
  add: {
    watchlist: route('/api/me/watchlist/{id}', 'put'),
    dismissed: route('/api/me/dismissed/{id}', 'put'),
    seen: route('/api/me/seen/{id}', 'put'),
  },
  remove: {
    watchlist: route('/api/me/watchlist/{id}', 'delete'),
    dismissed: route('/api/me/dismissed/{id}', 'delete'),
    seen: route('/api/me/seen/{id}', 'delete'),
  },
  import: route('/api/me/imports', 'post'),
  export: route('/api/me/export', 'get'),
};

/**
 * The watchlist, "not interested" and films seen without a rating (a movie is on at most one;
 * each changes For you), and histories imported from elsewhere.
 */
export const listsApi = api.injectEndpoints({
  endpoints: (build) => ({
    getList: build.query<typeof r.get.watchlist.answer, ListName>({
      query: (list) => r.get[list].url(),
      providesTags: (_result, _error, list) => [tags[list]],
    }),
    addToList: build.mutation<typeof r.add.watchlist.answer, { list: ListName; id: number }>({
      query: ({ list, id }) => ({ url: r.add[list].url({ id }), method: r.add[list].method }),
      invalidatesTags: [...everyList],
    }),
    /** `form` holds `file` and `existing` (keep | overwrite). */
    importHistory: build.mutation<typeof r.import.answer, FormData>({
      query: (form) => ({ url: r.import.url(), method: r.import.method, body: form }),
      invalidatesTags: ['MyRatings', 'Movie', ...everyList],
    }),
    /** The export zip, as an object URL to download (the caller revokes it). */
    exportHistory: build.mutation<string, void>({
      query: () => ({
        url: r.export.url(),
        method: r.export.method,
        responseHandler: async (response: Response) =>
          response.ok ? URL.createObjectURL(await response.blob()) : response.text(),
      }),
    }),
    removeFromList: build.mutation<
      typeof r.remove.watchlist.answer,
      { list: ListName; id: number }
    >({
      query: ({ list, id }) => ({ url: r.remove[list].url({ id }), method: r.remove[list].method }),
      invalidatesTags: [...everyList],
    }),
  }),
});

export const {
  useGetListQuery,
  useAddToListMutation,
  useRemoveFromListMutation,
  useImportHistoryMutation,
  useExportHistoryMutation,
} = listsApi;
