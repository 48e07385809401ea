import {
  combineReducers,
  configureStore,
  createListenerMiddleware,
  isAnyOf,
} from '@reduxjs/toolkit';
import { api, userScopedTags } from '../api/api';
import {
  authReducer,
  initialAuthState,
  loggedOut,
  tokensReceived,
  type AuthState,
} from '../features/auth/authSlice';
import { loadTokens, saveTokens } from '../features/auth/tokenStorage';
import { undoReducer } from '../features/notices/undoSlice';
import { statusReducer } from '../features/status/statusSlice';

const rootReducer = combineReducers({
  auth: authReducer,
  status: statusReducer,
  undo: undoReducer,
  [api.reducerPath]: api.reducer,
});

export type RootState = ReturnType<typeof rootReducer>;

function sessionListeners() {
  const listener = createListenerMiddleware();
  // Keep the token pair across reloads (refresh tokens rotate: always store the newest pair).
  listener.startListening({
    matcher: isAnyOf(tokensReceived, loggedOut),
    effect: (_action, { getState }) => {
      const { access, refresh } = (getState() as RootState).auth;
      saveTokens(access && refresh ? { access, refresh } : null);
    },
  });
  // Whatever was fetched as the old user is stale once logged out.
  listener.startListening({
    actionCreator: loggedOut,
    effect: (_action, { dispatch }) => {
      dispatch(api.util.invalidateTags([...userScopedTags]));
    },
  });
  return listener.middleware;
}

/** A new store; `auth` defaults to the tokens kept in localStorage. */
export function makeStore(preloaded: { auth?: AuthState } = {}) {
  const stored = loadTokens();
  return configureStore({
    reducer: rootReducer,
    preloadedState: { auth: preloaded.auth ?? (stored ? { ...stored } : initialAuthState) },
    middleware: (getDefault) => getDefault().prepend(sessionListeners()).concat(api.middleware),
  });
}

export type AppStore = ReturnType<typeof makeStore>;
export type AppDispatch = AppStore['dispatch'];
