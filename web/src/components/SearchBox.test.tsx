import { screen, waitFor, within } from '@testing-library/react';
import { deferred, json, mockFetch, renderWithProviders } from '../test/utils';
import { SearchBox } from './SearchBox';

const card = (id: number, title: string, year: number) => ({
  id,
  title,
  year,
  release_date: null,
  genres: ['Horror'],
  poster_path: null,
  popularity: 1,
  rating: null,
});

const HALLOWEENS = [
  card(1, 'Halloween', 1978),
  card(2, 'Halloween', 2007),
  card(3, 'Halloween II', 1981),
];

/** The suggestions shown, as "title (year)". */
function shown() {
  return screen
    .queryAllByTestId('search-suggestion')
    .map((li) => within(li).getAllByText(/./)[0]?.textContent);
}

describe('SearchBox', () => {
  it('never shows the last query’s suggestions for a new one, and opens the film picked by id', async () => {
    const jaws = deferred();
    mockFetch(async (call) => {
      const q = new URLSearchParams(call.search).get('q');
      if (q === 'halloween') return json(HALLOWEENS);
      if (q === 'jaws') {
        await jaws.promise;
        return json([card(10, 'Jaws', 1975)]);
      }
      return json([]);
    });
    const { user } = renderWithProviders(<SearchBox />);
    const box = screen.getByLabelText('Search the catalogue');
    await user.type(box, 'halloween');
    await waitFor(() => expect(shown()).toEqual(['Halloween', 'Halloween', 'Halloween II']));

    await user.clear(box);
    await user.type(box, 'jaws');
    // Typing has settled and the answer for "jaws" is on its way: nothing of "halloween".
    await new Promise((r) => setTimeout(r, 300));
    expect(shown()).toEqual([]);
    jaws.resolve();
    await waitFor(() => expect(shown()).toEqual(['Jaws']));

    await user.click(screen.getByTestId('search-suggestion'));
    expect(screen.getByTestId('location').textContent).toBe('/movies/10');
  });

  it('keeps two films of one title apart', async () => {
    const errors = vi.spyOn(console, 'error');
    mockFetch(() => json(HALLOWEENS));
    const { user } = renderWithProviders(<SearchBox />);
    await user.type(screen.getByLabelText('Search the catalogue'), 'halloween');
    await waitFor(() => expect(shown()).toHaveLength(3));
    // React reuses elements by key: two suggestions keyed "Halloween" would be one.
    const keyClashes = errors.mock.calls.filter((args) => String(args[0]).includes('same key'));
    expect(keyClashes).toEqual([]);
    await user.click(screen.getAllByTestId('search-suggestion')[1]!);
    expect(screen.getByTestId('location').textContent).toBe('/movies/2');
    errors.mockRestore();
  });
});
