import { screen, waitFor } from '@testing-library/react';
import type { Models } from '../../api/types';
import { json, LOGGED_IN, mockFetch, renderWithProviders } from '../../test/utils';
import { fillDays, fullDistribution, parseDay } from './AdminCharts';
import { ModelsPanel, pairs } from './ModelsPanel';

const version = (name: string, active: boolean) => ({
  version: name,
  status: 'ready' as const,
  active,
  trained_by: 'startup',
  created_at: 1_700_000_000,
  finished_at: 1_700_000_100,
  params: { rank: 32, iterations: 10 },
  data_sizes: { dataset_ratings: 100_004 },
  metrics: { rmse: 0.873, mae: 0.671, precision_at_10: 0.071, ndcg_at_10: 0.092, coverage: 0.41 },
  timings: {},
  error: null,
});

const idle = {
  state: 'idle',
  stage: null,
  progress: 0,
  started_at: null,
  version: null,
  error: null,
} as const;

describe('ModelsPanel', () => {
  it('retrains, polls every 2 s while training runs, then stops polling', async () => {
    let state: Models = {
      current: 'v1',
      training: idle,
      search: 'title_and_words',
      versions: [version('v1', true)],
    };
    const { calls } = mockFetch((call) => {
      if (call.url === '/api/admin/models/retrain' && call.method === 'POST') {
        state = {
          ...state,
          training: {
            state: 'running',
            stage: 'training ALS',
            progress: 0.5,
            started_at: 1_700_000_200,
            version: null,
            error: null,
          },
        };
        return json({ training: state.training }, 202);
      }
      // The first poll after the retrain (the third read) finds the training done.
      if (
        state.training.state === 'running' &&
        calls.filter((c) => c.method === 'GET').length >= 3
      ) {
        state = {
          current: 'v2',
          training: idle,
          search: 'meaning',
          versions: [version('v2', true), version('v1', false)],
        };
      }
      return json(state);
    });
    const { user } = renderWithProviders(<ModelsPanel />, { auth: LOGGED_IN });

    expect(await screen.findByTestId('model-v1')).toHaveTextContent('0.873');
    expect(screen.getByTestId('model-v1')).toHaveTextContent('current');
    expect(screen.getByTestId('search-mode')).toHaveTextContent(
      'Search: titles and words (no text model',
    );
    await user.click(screen.getByRole('button', { name: 'Retrain' }));

    expect(await screen.findByRole('progressbar', { name: 'Training progress' })).toHaveAttribute(
      'aria-valuenow',
      '50',
    );
    expect(screen.getByText(/training ALS · 50%/)).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Training…' })).toBeDisabled();

    await waitFor(() => expect(screen.getByTestId('search-mode')).toHaveTextContent('meaning'), {
      timeout: 5000,
    });
    await waitFor(() => expect(screen.getByTestId('training-state')).toHaveTextContent('idle'), {
      timeout: 6000,
    });
    expect(screen.getByTestId('model-v2')).toHaveTextContent('current');
    expect(screen.getByTestId('model-v1')).not.toHaveTextContent('current');
    const polls = calls.filter((c) => c.url === '/api/admin/models').length;
    // No more polling once idle.
    await new Promise((r) => setTimeout(r, 2500));
    expect(calls.filter((c) => c.url === '/api/admin/models').length).toBe(polls);
  }, 15_000);

  it('explains a retrain refused because one is running', async () => {
    mockFetch((call) =>
      call.method === 'POST'
        ? json({ error: { code: 'training_running', message: 'A training is running.' } }, 409)
        : json({ current: 'v1', training: idle, versions: [version('v1', true)] }),
    );
    const { user } = renderWithProviders(<ModelsPanel />, { auth: LOGGED_IN });
    await user.click(await screen.findByRole('button', { name: 'Retrain' }));
    expect(await screen.findByText('A training is already running.')).toBeInTheDocument();
  });
});

describe('dashboard chart data', () => {
  it('fills every half star of the rating distribution', () => {
    expect(
      fullDistribution([
        { rating: 4.5, count: 3 },
        { rating: 1, count: 2 },
      ]),
    ).toEqual([0, 2, 0, 0, 0, 0, 0, 0, 3, 0]);
  });

  it('shows every one of the last 90 days, zero where nobody rated', () => {
    const days = fillDays(
      [
        { day: '2024-03-05', count: 4 },
        { day: '2024-03-03', count: 1 },
      ],
      90,
      new Date('2024-03-06T15:00:00Z'),
    );
    expect(days).toHaveLength(90);
    expect(days[89]).toEqual({ date: new Date('2024-03-06T00:00:00Z'), count: 0 });
    expect(days[88]).toEqual({ date: new Date('2024-03-05T00:00:00Z'), count: 4 });
    expect(days[86]?.count).toBe(1);
    expect(days.reduce((sum, d) => sum + d.count, 0)).toBe(5);
    expect(days[0]?.date).toEqual(new Date('2023-12-08T00:00:00Z'));
  });

  it('reads days as dates or Unix seconds', () => {
    expect(parseDay('2024-03-05').toISOString()).toBe('2024-03-05T00:00:00.000Z');
    expect(parseDay(1_709_596_800).toISOString()).toBe('2024-03-05T00:00:00.000Z');
  });
});

describe('pairs', () => {
  it('flattens nested parameters, leaves out nulls and the tuning record', () => {
    expect(
      pairs({
        rank: 20,
        ranking: { ease_lambda: 200, ials_factors: 64 },
        dataset: null,
        tuning: { seconds: 1 },
        similar: { kind: 0.6 },
      }),
    ).toEqual([
      'rank=20',
      'ranking.ease_lambda=200',
      'ranking.ials_factors=64',
      'similar.kind=0.6',
    ]);
    expect(pairs(null)).toEqual([]);
    expect(pairs({ tuning: {} })).toEqual([]);
  });
});
