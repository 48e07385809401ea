import { screen } from '@testing-library/react';
import { Route, Routes } from 'react-router-dom';
import { json, mockFetch, renderWithProviders } from '../test/utils';
import KeywordPage from './KeywordPage';
import PersonPage from './PersonPage';

const notFound = () =>
  mockFetch(() => json({ error: { code: 'not_found', message: 'No such thing.' } }, 404));

function renderAt(route: string) {
  return renderWithProviders(
    <Routes>
      <Route path="/people/:id" element={<PersonPage />} />
      <Route path="/keywords/:id" element={<KeywordPage />} />
    </Routes>,
    { route },
  );
}

describe('pages of ids the catalogue does not hold', () => {
  it.each([
    ['/people/999999', 'No such person'],
    ['/keywords/999999', 'No such keyword'],
    ['/people/abc', 'No such person'],
    ['/keywords/0', 'No such keyword'],
  ])('%s says "%s", not an error to retry', async (route, title) => {
    notFound();
    renderAt(route);
    expect(await screen.findByText(title)).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /retry/i })).not.toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Browse the catalogue' })).toHaveAttribute(
      'href',
      '/browse',
    );
  });
});
