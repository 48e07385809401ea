import { useState } from 'react';
import { errorMessage } from '../../api/errors';
import type { ConfirmDialogProps } from '../../components/ConfirmDialog';

/** What an RTK Query mutation's second element tells about its last call. */
interface MutationState {
  isLoading: boolean;
  error?: Parameters<typeof errorMessage>[0];
  reset: () => void;
}

/**
 * A row to delete, asked about first: `ask(row)` opens the dialog, `dialog(title, describe)`
 * gives its props. Confirming runs `remove(row)`; the dialog closes when that succeeded and
 * shows the server's message when it did not.
 */
export function useDeleteConfirmation<T>(
  remove: (row: T) => Promise<{ error?: unknown } | { data?: unknown }>,
  state: MutationState,
) {
  const [pending, setPending] = useState<T | null>(null);
  const dialog = (
    title: string,
    describe: (row: T) => string,
  ): ConfirmDialogProps & { children: string } => ({
    open: pending !== null,
    title,
    busy: state.isLoading,
    error: state.error ? errorMessage(state.error) : null,
    onConfirm: async () => {
      if (pending === null) return;
      const result = await remove(pending);
      if (!('error' in result)) setPending(null);
    },
    onClose: () => {
      setPending(null);
      state.reset();
    },
    children: pending === null ? '' : describe(pending),
  });
  return { ask: setPending, dialog };
}
