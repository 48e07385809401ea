import { createApi } from '@reduxjs/toolkit/query/react';
import { createAuthBaseQuery } from './baseQuery';

/** The one RTK Query slice; each area injects its endpoints (src/api/*.ts). */
export const api = createApi({
  reducerPath: 'api',
  baseQuery: createAuthBaseQuery(),
  tagTypes: [
    'Me',
    'Movie',
    'MyRatings',
    'Watchlist',
    'Dismissed',
    'Recommendations',
    'Post',
    'AdminStats',
    'AdminUser',
    'AdminRating',
    'Models',
  ],
  endpoints: () => ({}),
});

/** Everything that depends on who is logged in. */
export const userScopedTags = [
  'Me',
  'Movie',
  'MyRatings',
  'Watchlist',
  'Dismissed',
  'Recommendations',
  'AdminStats',
  'AdminUser',
  'AdminRating',
  'Models',
] as const;
