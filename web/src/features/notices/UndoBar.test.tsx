import { fireEvent, screen, waitFor } from '@testing-library/react';
import { QuickActions } from '../movies/QuickActions';
import { json, LOGGED_IN, mockFetch, renderWithProviders } from '../../test/utils';
import { UndoBar } from './UndoBar';

describe('UndoBar', () => {
  it('offers to undo a film turned down from its card, and undoes it', async () => {
    const { calls } = mockFetch((call) => {
      if (call.path === '/api/me/dismissed/5' && call.method === 'PUT')
        return json({ movie_id: 5, added: true });
      if (call.path === '/api/me/dismissed/5' && call.method === 'DELETE')
        return new Response(null, { status: 204 });
      return json([]);
    });
    renderWithProviders(
      <>
        <QuickActions movieId={5} title="Babe" />
        <UndoBar />
      </>,
      { auth: LOGGED_IN },
    );
    const dismiss = await screen.findByTestId('quick-dismiss');
    await waitFor(() => expect(dismiss).toBeEnabled());
    fireEvent.click(dismiss);
    expect(await screen.findByText('Not interested in Babe')).toBeInTheDocument();
    fireEvent.click(screen.getByRole('button', { name: 'Undo' }));
    await waitFor(() =>
      expect(calls.some((c) => c.method === 'DELETE' && c.path === '/api/me/dismissed/5')).toBe(
        true,
      ),
    );
    await waitFor(() => expect(screen.queryByText('Not interested in Babe')).toBeNull());
  });
});
