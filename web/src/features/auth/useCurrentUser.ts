import { useGetMeQuery } from '../../api/auth';
import { useAppSelector } from '../../app/hooks';
import { selectIsLoggedIn } from './authSlice';

/** Whether someone is logged in and, once loaded, their account. */
export function useCurrentUser() {
  const loggedIn = useAppSelector(selectIsLoggedIn);
  const me = useGetMeQuery(undefined, { skip: !loggedIn });
  return {
    loggedIn,
    user: loggedIn ? me.data : undefined,
    isLoading: loggedIn && me.isLoading,
    error: loggedIn ? me.error : undefined,
    refetch: me.refetch,
  };
}
