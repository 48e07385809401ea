import type { ReactNode } from 'react';
import Paper from '@mui/material/Paper';
import Skeleton from '@mui/material/Skeleton';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { formatDate } from '../app/format';
import { usePageTitle } from '../app/usePageTitle';
import { ErrorState } from '../components/ErrorState';
import {
  DeleteAccount,
  NamesForm,
  PasswordForm,
  PublicProfileSwitch,
} from '../features/auth/ProfileForms';
import { useCurrentUser } from '../features/auth/useCurrentUser';
import { ExportHistory } from '../features/movies/ExportHistory';
import { ImportHistory } from '../features/movies/ImportHistory';
import { MyRatingsList } from '../features/movies/MyRatingsList';

function Section({ id, title, children }: { id: string; title: string; children: ReactNode }) {
  return (
    <Paper
      component="section"
      variant="outlined"
      aria-labelledby={`${id}-title`}
      id={id}
      sx={{ p: { xs: 2, sm: 3 } }}
    >
      <Typography id={`${id}-title`} variant="h6" component="h2" sx={{ mb: 2 }}>
        {title}
      </Typography>
      {children}
    </Paper>
  );
}

export default function ProfilePage() {
  usePageTitle('Your profile');
  const { user, isLoading, error, refetch } = useCurrentUser();
  if (isLoading) {
    return (
      <Stack spacing={2} aria-busy aria-label="Loading your profile">
        <Skeleton variant="text" sx={{ fontSize: '2rem', width: 240 }} />
        <Skeleton variant="rounded" height={180} />
      </Stack>
    );
  }
  if (!user)
    return <ErrorState error={error} title="Could not load your profile" onRetry={refetch} />;
  return (
    <Stack spacing={3} sx={{ maxWidth: 900, mx: 'auto' }}>
      <div>
        <Typography variant="h4" component="h1">
          Your profile
        </Typography>
        <Typography sx={{ color: 'text.secondary' }}>
          Member since {formatDate(user.date_joined)}
          {user.is_admin ? ' · administrator' : ''}
        </Typography>
      </div>
      <Section id="import" title="Import your ratings">
        <ImportHistory />
      </Section>
      <Section id="export" title="Take your films with you">
        <ExportHistory />
      </Section>
      <Section id="ratings" title="My ratings">
        <MyRatingsList />
      </Section>
      <Section id="details" title="Your details">
        <NamesForm account={user} />
      </Section>
      <Section id="public" title="Your public profile">
        <PublicProfileSwitch account={user} />
      </Section>
      <Section id="password" title="Password">
        <PasswordForm email={user.email} />
      </Section>
      <Section id="danger" title="Delete account">
        <Typography sx={{ color: 'text.secondary', mb: 2 }}>
          Deleting your account removes your ratings and logs you out everywhere.
        </Typography>
        <DeleteAccount />
      </Section>
    </Stack>
  );
}
