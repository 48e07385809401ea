import { fireEvent, screen, waitFor } from '@testing-library/react';
import { LOGGED_IN, mockFetch, renderWithProviders } from '../../test/utils';
import { ExportHistory } from './ExportHistory';

describe('ExportHistory', () => {
  it('downloads the zip with the caller’s token, as a file named for the day', async () => {
    const { calls } = mockFetch(
      () => new Response(new Blob(['PK']), { headers: { 'Content-Type': 'application/zip' } }),
    );
    const created = vi.fn(() => 'blob:export');
    const revoked = vi.fn();
    Object.assign(URL, { createObjectURL: created, revokeObjectURL: revoked });
    const clicked: HTMLAnchorElement[] = [];
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (
      this: HTMLAnchorElement,
    ) {
      clicked.push(this);
    });
    renderWithProviders(<ExportHistory />, { auth: LOGGED_IN });
    fireEvent.click(screen.getByRole('button', { name: /download my films/i }));
    await waitFor(() => expect(clicked).toHaveLength(1));
    expect(calls[0]?.url).toBe('/api/me/export');
    expect(calls[0]?.authorization).toMatch(/^Bearer /);
    expect(created).toHaveBeenCalledOnce();
    expect(clicked[0]?.href).toBe('blob:export');
    expect(clicked[0]?.download).toMatch(/^nextflex-\d{4}-\d{2}-\d{2}\.zip$/);
    click.mockRestore();
  });

  it('says so when the export cannot be made', async () => {
    mockFetch(() => new Response('{"error":{"code":"internal","message":"x"}}', { status: 500 }));
    renderWithProviders(<ExportHistory />, { auth: LOGGED_IN });
    fireEvent.click(screen.getByRole('button', { name: /download my films/i }));
    expect(await screen.findByText(/could not prepare your export/i)).toBeInTheDocument();
  });
});
