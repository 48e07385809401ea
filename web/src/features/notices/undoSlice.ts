import { createSlice, type PayloadAction } from '@reduxjs/toolkit';

/** A film just turned down from a card, which may vanish from its row as lists refresh. */
export interface Dismissal {
  movieId: number;
  title: string;
}

export interface UndoState {
  /** What the undo bar offers to take back, if anything. */
  dismissal: Dismissal | null;
}

const undoSlice = createSlice({
  name: 'undo',
  initialState: { dismissal: null } as UndoState,
  reducers: {
    dismissedFromCard(state, action: PayloadAction<Dismissal>) {
      state.dismissal = action.payload;
    },
    undoClosed(state) {
      state.dismissal = null;
    },
  },
});

export const { dismissedFromCard, undoClosed } = undoSlice.actions;
export const undoReducer = undoSlice.reducer;
