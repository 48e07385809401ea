import { fireEvent, screen, within } from '@testing-library/react';
import { json, LOGGED_IN, mockFetch, movieCard, renderWithProviders } from '../../test/utils';
import { MyRatingsList, RATINGS_PAGE } from './MyRatingsList';

/** 25 ratings: "Film 1" … "Film 25", rated on days 1 … 25, "Amélie" the 25th and best. */
function ratings() {
  return Array.from({ length: 25 }, (_, i) => {
    const id = i + 1;
    const title = id === 25 ? 'Amélie' : `Film ${id}`;
    return {
      movie: movieCard(id, title),
      movie_id: id,
      rating: id === 25 ? 5 : 3,
      rated_at: id * 86_400,
    };
  });
}

describe('MyRatingsList', () => {
  beforeEach(() => {
    mockFetch((call) =>
      call.path === '/api/me/ratings'
        ? json(ratings())
        : json({ error: { code: 'not_found', message: call.path } }, 404),
    );
  });

  const shown = () =>
    within(screen.getByTestId('my-ratings'))
      .getAllByRole('link')
      .map((a) => a.textContent);

  it('shows a page at a time, newest first', async () => {
    renderWithProviders(<MyRatingsList />, { auth: LOGGED_IN });
    expect(await screen.findByText('25 ratings')).toBeTruthy();
    expect(shown()).toHaveLength(RATINGS_PAGE);
    expect(shown()[0]).toBe('Amélie');
    fireEvent.click(screen.getByRole('button', { name: 'Go to page 2' }));
    expect(shown()).toEqual(['Film 5', 'Film 4', 'Film 3', 'Film 2', 'Film 1']);
  });

  it('finds a title however it is typed, and sorts by rating and by title', async () => {
    renderWithProviders(<MyRatingsList />, { auth: LOGGED_IN });
    const search = await screen.findByRole('searchbox', { name: 'Search your ratings' });
    fireEvent.change(search, { target: { value: 'AMELIE' } });
    expect(shown()).toEqual(['Amélie']);
    expect(screen.getByText('1 of 25 ratings match “AMELIE”')).toBeTruthy();
    fireEvent.change(search, { target: { value: '' } });
    fireEvent.mouseDown(screen.getByRole('combobox', { name: 'Sort by' }));
    fireEvent.click(await screen.findByRole('option', { name: 'Title' }));
    expect(shown().slice(0, 3)).toEqual(['Amélie', 'Film 1', 'Film 2']);
    fireEvent.mouseDown(screen.getByRole('combobox', { name: 'Sort by' }));
    fireEvent.click(await screen.findByRole('option', { name: 'Your rating' }));
    expect(shown().slice(0, 2)).toEqual(['Amélie', 'Film 24']);
  });
});
