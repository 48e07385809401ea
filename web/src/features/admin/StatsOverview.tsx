import { lazy, Suspense } from 'react';
import Box from '@mui/material/Box';
import Paper from '@mui/material/Paper';
import Skeleton from '@mui/material/Skeleton';
import Typography from '@mui/material/Typography';
import ForumOutlinedIcon from '@mui/icons-material/ForumOutlined';
import MovieOutlinedIcon from '@mui/icons-material/MovieOutlined';
import PeopleOutlinedIcon from '@mui/icons-material/PeopleOutlined';
import StarOutlineRoundedIcon from '@mui/icons-material/StarOutlineRounded';
import { useGetStatsQuery } from '../../api/admin';
import { ErrorState } from '../../components/ErrorState';

const AdminCharts = lazy(() => import('./AdminCharts'));

function StatCard({
  label,
  value,
  detail,
  icon,
  testId,
}: {
  label: string;
  value: number;
  detail?: string;
  icon: React.ReactNode;
  testId: string;
}) {
  return (
    <Paper
      variant="outlined"
      sx={{ p: 2.5, display: 'flex', gap: 2, alignItems: 'center' }}
      data-testid={testId}
    >
      <Box
        aria-hidden
        sx={{
          width: 48,
          height: 48,
          borderRadius: 2,
          display: 'grid',
          placeItems: 'center',
          bgcolor: 'rgba(251,113,133,0.12)',
          color: 'primary.main',
        }}
      >
        {icon}
      </Box>
      <Box>
        <Typography variant="body2" sx={{ color: 'text.secondary' }}>
          {label}
        </Typography>
        <Typography
          sx={{ fontSize: '1.8rem', fontWeight: 800, lineHeight: 1.1 }}
          data-testid={`${testId}-value`}
        >
          {value.toLocaleString()}
        </Typography>
        {detail && (
          <Typography variant="caption" sx={{ color: 'text.secondary' }}>
            {detail}
          </Typography>
        )}
      </Box>
    </Paper>
  );
}

const cardsSx = {
  display: 'grid',
  gap: 2,
  gridTemplateColumns: { xs: '1fr', sm: 'repeat(2, 1fr)', lg: 'repeat(4, 1fr)' },
  mb: 3,
} as const;

/** Counts and charts of what the app's users do. */
export function StatsOverview() {
  const stats = useGetStatsQuery();
  if (stats.isLoading) {
    return (
      <Box aria-busy aria-label="Loading statistics">
        <Box sx={cardsSx}>
          {Array.from({ length: 4 }, (_, i) => (
            <Skeleton key={i} variant="rounded" height={96} />
          ))}
        </Box>
        <Skeleton variant="rounded" height={320} />
      </Box>
    );
  }
  if (!stats.data)
    return (
      <ErrorState error={stats.error} title="Could not load statistics" onRetry={stats.refetch} />
    );
  const s = stats.data;
  return (
    <Box data-testid="admin-stats">
      <Box sx={cardsSx}>
        <StatCard
          label="Users"
          value={s.users}
          detail={`${s.admins.toLocaleString()} admins`}
          icon={<PeopleOutlinedIcon />}
          testId="stat-users"
        />
        <StatCard
          label="Movies"
          value={s.movies}
          icon={<MovieOutlinedIcon />}
          testId="stat-movies"
        />
        <StatCard
          label="Ratings by users"
          value={s.ratings}
          icon={<StarOutlineRoundedIcon />}
          testId="stat-ratings"
        />
        <StatCard label="Posts" value={s.posts} icon={<ForumOutlinedIcon />} testId="stat-posts" />
      </Box>
      <Suspense fallback={<Skeleton variant="rounded" height={320} aria-label="Loading charts" />}>
        <AdminCharts stats={s} />
      </Suspense>
    </Box>
  );
}
