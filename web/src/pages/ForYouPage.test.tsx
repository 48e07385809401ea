import { screen, within } from '@testing-library/react';
import { json, mockFetch, renderWithProviders } from '../test/utils';
import ForYouPage from './ForYouPage';

const pick = (id: number, title: string, score: number, because: unknown[]) => ({
  id,
  title,
  year: 2001,
  release_date: null,
  genres: ['Animation'],
  poster_path: null,
  popularity: 1,
  rating: null,
  score,
  predicted_rating: 4.2,
  because,
});

describe('For you', () => {
  it('shows one number on each pick, and a reason for every pick', async () => {
    mockFetch((call) => {
      if (call.path === '/api/genres') return json([]);
      return json({
        personalised: true,
        ratings_used: 3,
        results: [
          pick(1, 'Spirited Away', 0.5, [
            { id: 10, title: 'Totoro', share: 0.6, seen: false },
            { id: 11, title: 'Ponyo', share: 0.3, seen: true },
          ]),
          pick(2, 'Up', 0.25, []),
        ],
      });
    });
    renderWithProviders(<ForYouPage />);
    const reasons = await screen.findAllByTestId('recommendation-reason');
    expect(reasons).toHaveLength(2);
    expect(reasons[0]).toHaveTextContent('100% match');
    expect(reasons[0]).toHaveTextContent('Because you liked Totoro (60%) and saw Ponyo (30%)');
    expect(reasons[1]).toHaveTextContent('50% match');
    expect(reasons[1]).toHaveTextContent('From many of your ratings together');
    // The predicted stars are the film page's, not a second number here.
    expect(within(reasons[0]!).queryByText('4.2')).toBeNull();
  });
});
