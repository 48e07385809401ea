import type { ReactNode } from 'react';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import CircularProgress from '@mui/material/CircularProgress';
import Typography from '@mui/material/Typography';
import GppBadOutlinedIcon from '@mui/icons-material/GppBadOutlined';
import { Navigate, useLocation } from 'react-router-dom';
import { ErrorState } from '../../components/ErrorState';
import { loginPath } from './RequireAuth';
import { useCurrentUser } from './useCurrentUser';

/** Renders `children` for admins only; other users see a 403 message. */
export function AdminGuard({ children }: { children: ReactNode }) {
  const { loggedIn, user, isLoading, error, refetch } = useCurrentUser();
  const location = useLocation();
  if (!loggedIn) {
    return <Navigate to={loginPath(location.pathname + location.search)} replace />;
  }
  if (isLoading) {
    return (
      <Box sx={{ display: 'flex', justifyContent: 'center', py: 8 }}>
        <CircularProgress aria-label="Checking your access" />
      </Box>
    );
  }
  if (!user) {
    return <ErrorState error={error} title="Could not load your account" onRetry={refetch} />;
  }
  if (!user.is_admin) {
    return (
      <Box
        data-testid="forbidden"
        sx={{ textAlign: 'center', py: 8, px: 2, maxWidth: 520, mx: 'auto' }}
      >
        <GppBadOutlinedIcon sx={{ fontSize: 56, color: 'warning.main' }} aria-hidden />
        <Typography variant="h4" component="h1" sx={{ mt: 1 }}>
          403 — Admins only
        </Typography>
        <Typography sx={{ mt: 1, color: 'text.secondary' }}>
          The dashboard is for NextFlex administrators. Your account ({user.email}) does not have
          access to it.
        </Typography>
        <Button href="/" variant="contained" sx={{ mt: 3 }}>
          Back to home
        </Button>
      </Box>
    );
  }
  return <>{children}</>;
}
