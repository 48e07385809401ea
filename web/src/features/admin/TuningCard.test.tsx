import { screen, within } from '@testing-library/react';
import type { TuningReport } from '../../api/types';
import { renderWithProviders } from '../../test/utils';
import { TuningCard } from './TuningCard';

const report: TuningReport = {
  method: 'coordinate search on log-scale grids from the defaults',
  budget_seconds: 20,
  seconds: 16.5,
  out_of_budget: false,
  sampled_users: null,
  validation_pairs: 8111,
  models: [
    {
      model: 'ease',
      metric: 'net_ndcg_at_10',
      default_score: 0.1584,
      best_score: 0.1635,
      chosen: { lambda: 200, popularity_discount: 0.1 },
      defaults: false,
      trials: 18,
      space: [
        { name: 'lambda', about: 'λ on the diagonal', values: [100, 200, 500] },
        { name: 'popularity_discount', about: 'β of the discount', values: [0, 0.1] },
      ],
    },
    {
      model: 'als',
      metric: 'rmse',
      default_score: 0.8525,
      best_score: 0.8525,
      chosen: { rank: 20 },
      defaults: true,
      trials: 7,
      space: [{ name: 'rank', about: 'length of the factor vectors', values: [10, 20, 40] }],
    },
    {
      model: 'similar',
      metric: 'hit_rate_at_10_within_goals',
      default_score: 0.1987,
      best_score: 0.2118,
      chosen: { about: 0.15 },
      defaults: false,
      trials: 28,
      seconds: 15.52,
      passed_over: 1,
      space: [{ name: 'about', about: 'weight of the keywords', values: [0.15, 0.3, 0.45] }],
    },
  ],
};

describe('TuningCard', () => {
  it('shows each parameter with its chosen value, what it does and the grid searched', () => {
    renderWithProviders(<TuningCard tuning={report} />);
    const table = screen.getByRole('table', { name: 'Tuned parameters' });
    const lambda = within(table).getByText('lambda').closest('tr');
    expect(lambda).not.toBeNull();
    expect(within(lambda as HTMLElement).getByText('200')).toBeInTheDocument();
    expect(within(lambda as HTMLElement).getByText('λ on the diagonal')).toBeInTheDocument();
    expect(within(lambda as HTMLElement).getByText('100 · 200 · 500')).toBeInTheDocument();
    expect(
      screen.getByText(/0\.1584 with the defaults → 0\.1635 after 18 fits/),
    ).toBeInTheDocument();
    expect(screen.getByText(/the defaults held \(0\.8525\) after 7 fits/)).toBeInTheDocument();
    expect(screen.getByText(/16\.5 s of a 20\.0 s budget/)).toBeInTheDocument();
    // The similar lists' row names its model and measure, and the search's own time.
    expect(screen.getByText('Similar movies (the weights of each list)')).toBeInTheDocument();
    expect(
      screen.getByText(
        /0\.1987 with the defaults → 0\.2118 after 28 fits in 15\.5 s; the best setting was passed over/,
      ),
    ).toBeInTheDocument();
  });

  it('says when a version was not tuned, and shows nothing without a record', () => {
    const { unmount } = renderWithProviders(<TuningCard tuning={{ ...report, models: [] }} />);
    expect(
      screen.getByText(/Not tuned: this version uses the default parameters/),
    ).toBeInTheDocument();
    unmount();
    renderWithProviders(<TuningCard tuning={null} />);
    expect(screen.queryByTestId('tuning')).toBeNull();
  });
});
