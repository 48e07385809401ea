import { api, userScopedTags } from './api';
import type {
  Account,
  Credentials,
  PasswordChange,
  PublicProfile,
  Registration,
  TokenPair,
} from './types';
import { loggedOut, tokensReceived, type AuthState } from '../features/auth/authSlice';

const authApi = api.injectEndpoints({
  endpoints: (build) => ({
    /** Logs in: stores the token pair before anything refetches with it. */
    login: build.mutation<TokenPair, Credentials>({
      async queryFn(credentials, queryApi, _extra, baseQuery) {
        const result = await baseQuery({
          url: '/auth/jwt/create/',
          method: 'POST',
          body: credentials,
        });
        if (result.error) return { error: result.error };
        const tokens = result.data as TokenPair;
        queryApi.dispatch(tokensReceived(tokens));
        return { data: tokens };
      },
      invalidatesTags: [...userScopedTags],
    }),
    register: build.mutation<Account, Registration>({
      query: (body) => ({ url: '/auth/users/', method: 'POST', body }),
    }),
    /** Revokes the login's refresh tokens, then forgets them whatever the server said. */
    logout: build.mutation<null, void>({
      async queryFn(_arg, queryApi, _extra, baseQuery) {
        const { refresh } = (queryApi.getState() as { auth: AuthState }).auth;
        if (refresh) {
          await baseQuery({ url: '/auth/jwt/logout/', method: 'POST', body: { refresh } });
        }
        queryApi.dispatch(loggedOut());
        return { data: null };
      },
    }),
    getMe: build.query<Account, void>({
      query: () => '/auth/users/me/',
      providesTags: ['Me'],
    }),
    updateMe: build.mutation<
      Account,
      Partial<Pick<Account, 'first_name' | 'last_name' | 'public_profile'>>
    >({
      query: (body) => ({ url: '/auth/users/me/', method: 'PATCH', body }),
      invalidatesTags: ['Me', 'AdminUser'],
    }),
    getProfile: build.query<PublicProfile, number>({
      query: (id) => `/api/users/${id}`,
      providesTags: ['Me', 'MyRatings'],
    }),
    setPassword: build.mutation<null, PasswordChange>({
      query: (body) => ({ url: '/auth/users/set_password/', method: 'POST', body }),
    }),
    deleteMe: build.mutation<null, { current_password: string }>({
      async queryFn(body, queryApi, _extra, baseQuery) {
        const result = await baseQuery({ url: '/auth/users/me/', method: 'DELETE', body });
        if (result.error) return { error: result.error };
        queryApi.dispatch(loggedOut());
        return { data: null };
      },
    }),
  }),
});

export const {
  useLoginMutation,
  useRegisterMutation,
  useLogoutMutation,
  useGetMeQuery,
  useUpdateMeMutation,
  useGetProfileQuery,
  useSetPasswordMutation,
  useDeleteMeMutation,
} = authApi;
