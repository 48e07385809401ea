import { createApi } from '@reduxjs/toolkit/query/react';
import { createAuthBaseQuery } from './baseQuery';

/** Everything that depends on who is logged in. */
export const userScopedTags = [
  'Me',
  'Movie',
  'MyRatings',
  'Watchlist',
  'Dismissed',
  'Seen',
  'Recommendations',
  'AdminStats',
  'AdminUser',
  'AdminRating',
  'Models',
] as const;

/** The one RTK Query slice; each area injects its endpoints (src/api/*.ts). */
export const api = createApi({
  reducerPath: 'api',
  baseQuery: createAuthBaseQuery(),
  // Posts are the same for everyone; every other tag depends on who is logged in.
  tagTypes: [...userScopedTags, 'Post'],
  endpoints: () => ({}),
});
