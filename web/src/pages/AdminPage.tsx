import Box from '@mui/material/Box';
import Tab from '@mui/material/Tab';
import Tabs from '@mui/material/Tabs';
import Typography from '@mui/material/Typography';
import { useSearchParams } from 'react-router-dom';
import { usePageTitle } from '../app/usePageTitle';
import { ModelsPanel } from '../features/admin/ModelsPanel';
import { PostsTable } from '../features/admin/PostsTable';
import { RatingsTable } from '../features/admin/RatingsTable';
import { StatsOverview } from '../features/admin/StatsOverview';
import { UsersTable } from '../features/admin/UsersTable';
import { AdminGuard } from '../features/auth/AdminGuard';
import { useCurrentUser } from '../features/auth/useCurrentUser';

const TABS = [
  { id: 'overview', label: 'Overview' },
  { id: 'users', label: 'Users' },
  { id: 'posts', label: 'Posts' },
  { id: 'ratings', label: 'Ratings' },
  { id: 'models', label: 'Models' },
] as const;

type TabId = (typeof TABS)[number]['id'];

function Dashboard() {
  const [params, setParams] = useSearchParams();
  const { user } = useCurrentUser();
  const tab: TabId = TABS.some((t) => t.id === params.get('tab'))
    ? (params.get('tab') as TabId)
    : 'overview';
  const postsUser = Number(params.get('user')) || undefined;
  const go = (id: TabId, extra: Record<string, string> = {}) =>
    setParams({ ...(id === 'overview' ? {} : { tab: id }), ...extra });

  return (
    <>
      <Typography variant="h4" component="h1" sx={{ mb: 2 }}>
        Dashboard
      </Typography>
      <Box sx={{ borderBottom: 1, borderColor: 'divider', mb: 3 }}>
        <Tabs
          value={tab}
          onChange={(_e, id: TabId) => go(id)}
          variant="scrollable"
          allowScrollButtonsMobile
          aria-label="Dashboard sections"
        >
          {TABS.map((t) => (
            <Tab
              key={t.id}
              value={t.id}
              label={t.label}
              id={`admin-tab-${t.id}`}
              aria-controls={`admin-panel-${t.id}`}
            />
          ))}
        </Tabs>
      </Box>
      <Box role="tabpanel" id={`admin-panel-${tab}`} aria-labelledby={`admin-tab-${tab}`}>
        {tab === 'overview' && <StatsOverview />}
        {tab === 'users' && user && (
          <UsersTable selfId={user.id} onShowPosts={(id) => go('posts', { user: String(id) })} />
        )}
        {tab === 'posts' && <PostsTable userId={postsUser} onClearUser={() => go('posts')} />}
        {tab === 'ratings' && <RatingsTable />}
        {tab === 'models' && <ModelsPanel />}
      </Box>
    </>
  );
}

/** The admin dashboard: statistics, users, posts, ratings and model versions. */
export default function AdminPage() {
  usePageTitle('Dashboard');
  return (
    <AdminGuard>
      <Dashboard />
    </AdminGuard>
  );
}
