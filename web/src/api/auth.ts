import { api, userScopedTags } from './api';
import { route } from './route';
import type { Account, Credentials, PasswordChange, Registration } from './types';
import { loggedOut, tokensReceived, type AuthState } from '../features/auth/authSlice';

const r = {
  login: route('/auth/jwt/create/', 'post'),
  logout: route('/auth/jwt/logout/', 'post'),
  register: route('/auth/users/', 'post'),
  me: route('/auth/users/me/', 'get'),
  updateMe: route('/auth/users/me/', 'patch'),
  deleteMe: route('/auth/users/me/', 'delete'),
  profile: route('/api/users/{id}', 'get'),
  setPassword: route('/auth/users/set_password/', 'post'),
};

const authApi = api.injectEndpoints({
  endpoints: (build) => ({
    /** Logs in: stores the token pair before anything refetches with it. */
    login: build.mutation<typeof r.login.answer, Credentials>({
      async queryFn(credentials, queryApi, _extra, baseQuery) {
        const result = await baseQuery({
          url: r.login.url(),
          method: r.login.method,
          body: credentials,
        });
        if (result.error) return { error: result.error };
        const tokens = result.data as typeof r.login.answer;
        queryApi.dispatch(tokensReceived(tokens));
        return { data: tokens };
      },
      invalidatesTags: [...userScopedTags],
    }),
    register: build.mutation<typeof r.register.answer, Registration>({
      query: (body) => ({ url: r.register.url(), method: r.register.method, body }),
    }),
    /** Revokes the login's refresh tokens, then forgets them whatever the server said. */
    logout: build.mutation<null, void>({
      async queryFn(_arg, queryApi, _extra, baseQuery) {
        const { refresh } = (queryApi.getState() as { auth: AuthState }).auth;
        if (refresh) {
          await baseQuery({ url: r.logout.url(), method: r.logout.method, body: { refresh } });
        }
        queryApi.dispatch(loggedOut());
        return { data: null };
      },
    }),
    getMe: build.query<typeof r.me.answer, void>({
      query: () => r.me.url(),
      providesTags: ['Me'],
    }),
    updateMe: build.mutation<
      typeof r.updateMe.answer,
      Partial<Pick<Account, 'first_name' | 'last_name' | 'public_profile'>>
    >({
      query: (body) => ({ url: r.updateMe.url(), method: r.updateMe.method, body }),
      invalidatesTags: ['Me', 'AdminUser'],
    }),
    getProfile: build.query<typeof r.profile.answer, number>({
      query: (id) => r.profile.url({ id }),
      providesTags: ['Me', 'MyRatings'],
    }),
    setPassword: build.mutation<typeof r.setPassword.answer, PasswordChange>({
      query: (body) => ({ url: r.setPassword.url(), method: r.setPassword.method, body }),
    }),
    deleteMe: build.mutation<null, { current_password: string }>({
      async queryFn(body, queryApi, _extra, baseQuery) {
        const result = await baseQuery({ url: r.deleteMe.url(), method: r.deleteMe.method, body });
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
