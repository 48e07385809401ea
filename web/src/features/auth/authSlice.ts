import { createSlice, type PayloadAction } from '@reduxjs/toolkit';
import type { TokenPair } from '../../api/types';

export interface AuthState {
  access: string | null;
  refresh: string | null;
}

export const initialAuthState: AuthState = { access: null, refresh: null };

const authSlice = createSlice({
  name: 'auth',
  initialState: initialAuthState,
  reducers: {
    tokensReceived(state, action: PayloadAction<TokenPair>) {
      state.access = action.payload.access;
      state.refresh = action.payload.refresh;
    },
    loggedOut(state) {
      state.access = null;
      state.refresh = null;
    },
  },
});

export const { tokensReceived, loggedOut } = authSlice.actions;
export const authReducer = authSlice.reducer;

export const selectIsLoggedIn = (state: { auth: AuthState }) => state.auth.access !== null;
