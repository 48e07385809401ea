import { createSlice, type PayloadAction } from '@reduxjs/toolkit';

export interface StatusState {
  /** The server answered 503 `warming_up`: its recommenders are still being built. */
  warmingUp: boolean;
}

const statusSlice = createSlice({
  name: 'status',
  initialState: { warmingUp: false } as StatusState,
  reducers: {
    warmingUpChanged(state, action: PayloadAction<boolean>) {
      state.warmingUp = action.payload;
    },
  },
});

export const { warmingUpChanged } = statusSlice.actions;
export const statusReducer = statusSlice.reducer;
