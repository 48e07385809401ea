import { useState, type ReactNode } from 'react';
import Box from '@mui/material/Box';
import Paper from '@mui/material/Paper';
import ToggleButton from '@mui/material/ToggleButton';
import ToggleButtonGroup from '@mui/material/ToggleButtonGroup';
import Typography from '@mui/material/Typography';
import { BarChart } from '@mui/x-charts/BarChart';
import { LineChart, lineClasses } from '@mui/x-charts/LineChart';
import { PieChart } from '@mui/x-charts/PieChart';
import type { AdminStats } from '../../api/types';

const HALF_STARS = Array.from({ length: 10 }, (_, i) => (i + 1) / 2);
const dayFormat = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' });

/** A day of `ratings_per_day` as a date: `YYYY-MM-DD` text or the day's start in Unix seconds. */
export function parseDay(day: string | number): Date {
  return typeof day === 'number' ? new Date(day * 1000) : new Date(`${day.slice(0, 10)}T00:00:00Z`);
}

const DAY_MS = 86_400_000;

/**
 * One point per day for the last `days` days (ending today, or at the last day given), zero
 * where the API listed no ratings, so that quiet days show as quiet.
 */
export function fillDays(
  points: AdminStats['ratings_per_day'],
  days: number,
  today: Date = new Date(),
): Array<{ date: Date; count: number }> {
  const counts = new Map<number, number>();
  for (const p of points) {
    const t = parseDay(p.day).getTime();
    const start = t - (((t % DAY_MS) + DAY_MS) % DAY_MS);
    counts.set(start, (counts.get(start) ?? 0) + p.count);
  }
  const todayStart = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate());
  const end = Math.max(todayStart, ...counts.keys());
  return Array.from({ length: days }, (_, i) => {
    const t = end - (days - 1 - i) * DAY_MS;
    return { date: new Date(t), count: counts.get(t) ?? 0 };
  });
}

/** Counts for every half star from 0.5 to 5, zero where none. */
export function fullDistribution(stats: AdminStats['rating_distribution']): number[] {
  return HALF_STARS.map((r) => stats.find((d) => Math.abs(d.rating - r) < 1e-9)?.count ?? 0);
}

function ChartCard({
  title,
  summary,
  action,
  children,
}: {
  title: string;
  summary: string;
  action?: ReactNode;
  children: ReactNode;
}) {
  return (
    <Paper
      variant="outlined"
      component="figure"
      sx={{ m: 0, p: 2, minWidth: 0 }}
      aria-label={`${title}: ${summary}`}
    >
      <Box
        sx={{
          display: 'flex',
          justifyContent: 'space-between',
          alignItems: 'center',
          gap: 1,
          mb: 1,
        }}
      >
        <Typography component="figcaption" variant="subtitle1" sx={{ fontWeight: 700 }}>
          {title}
        </Typography>
        {action}
      </Box>
      {children}
    </Paper>
  );
}

function NoData({ text }: { text: string }) {
  return (
    <Box sx={{ height: 260, display: 'grid', placeItems: 'center', color: 'text.secondary' }}>
      <Typography>{text}</Typography>
    </Box>
  );
}

function shortEmail(email: string): string {
  return email.length > 22 ? `${email.slice(0, 20)}…` : email;
}

/** The dashboard's charts (loaded on demand: the charting library is large). */
export default function AdminCharts({ stats }: { stats: AdminStats }) {
  const [genreView, setGenreView] = useState<'bar' | 'pie'>('bar');
  const distribution = fullDistribution(stats.rating_distribution);
  const days = fillDays(stats.ratings_per_day, 90);
  const recent = days.reduce((sum, d) => sum + d.count, 0);
  const genres = [...stats.genres].sort((a, b) => b.ratings - a.ratings).slice(0, 10);
  const users = stats.top_users.slice(0, 10);
  const totalRatings = distribution.reduce((a, b) => a + b, 0);

  return (
    <Box
      sx={{
        display: 'grid',
        gap: 2,
        gridTemplateColumns: { xs: 'minmax(0, 1fr)', lg: 'repeat(2, minmax(0, 1fr))' },
      }}
      data-testid="admin-charts"
    >
      <ChartCard
        title="Rating distribution"
        summary={`${totalRatings} ratings from 0.5 to 5 stars`}
      >
        {totalRatings === 0 ? (
          <NoData text="No ratings yet." />
        ) : (
          <BarChart
            height={280}
            xAxis={[{ scaleType: 'band', data: HALF_STARS.map(String), label: 'Stars' }]}
            yAxis={[{ tickMinStep: 1 }]}
            series={[{ data: distribution, label: 'Ratings', color: '#fb7185' }]}
            hideLegend
          />
        )}
      </ChartCard>
      <ChartCard title="Ratings per day" summary={`${recent} ratings in the last 90 days`}>
        {recent === 0 ? (
          <NoData text="No ratings in the last 90 days." />
        ) : (
          <LineChart
            height={280}
            xAxis={[
              {
                scaleType: 'time',
                data: days.map((d) => d.date),
                valueFormatter: (d: Date) => dayFormat.format(d),
              },
            ]}
            series={[
              {
                data: days.map((d) => d.count),
                label: 'Ratings',
                color: '#38bdf8',
                area: true,
                showMark: false,
              },
            ]}
            yAxis={[{ tickMinStep: 1 }]}
            hideLegend
            sx={{ [`& .${lineClasses.area}`]: { fillOpacity: 0.25 } }}
          />
        )}
      </ChartCard>
      <ChartCard
        title="Ratings by genre"
        summary={genres.map((g) => `${g.genre} ${g.ratings}`).join(', ') || 'none'}
        action={
          <ToggleButtonGroup
            size="small"
            exclusive
            value={genreView}
            onChange={(_e, v: 'bar' | 'pie' | null) => v && setGenreView(v)}
            aria-label="Genre chart type"
          >
            <ToggleButton value="bar">Bars</ToggleButton>
            <ToggleButton value="pie">Pie</ToggleButton>
          </ToggleButtonGroup>
        }
      >
        {genres.length === 0 ? (
          <NoData text="No ratings yet." />
        ) : genreView === 'bar' ? (
          <BarChart
            height={300}
            layout="horizontal"
            yAxis={[{ scaleType: 'band', data: genres.map((g) => g.genre), width: 110 }]}
            xAxis={[{ tickMinStep: 1 }]}
            series={[{ data: genres.map((g) => g.ratings), label: 'Ratings', color: '#a78bfa' }]}
            hideLegend
          />
        ) : (
          <PieChart
            height={300}
            series={[
              {
                data: genres.map((g, i) => ({ id: i, value: g.ratings, label: g.genre })),
                innerRadius: 50,
                paddingAngle: 1,
                cornerRadius: 4,
              },
            ]}
          />
        )}
      </ChartCard>
      <ChartCard
        title="Most active users"
        summary={users.map((u) => `${u.email} ${u.ratings}`).join(', ') || 'none'}
      >
        {users.length === 0 ? (
          <NoData text="Nobody has rated anything yet." />
        ) : (
          <BarChart
            height={300}
            layout="horizontal"
            yAxis={[
              {
                scaleType: 'band',
                data: users.map((u) => u.email),
                width: 150,
                valueFormatter: shortEmail,
              },
            ]}
            xAxis={[{ tickMinStep: 1 }]}
            series={[{ data: users.map((u) => u.ratings), label: 'Ratings', color: '#4ade80' }]}
            hideLegend
          />
        )}
      </ChartCard>
    </Box>
  );
}
