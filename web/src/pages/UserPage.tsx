import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import Skeleton from '@mui/material/Skeleton';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import GroupsOutlinedIcon from '@mui/icons-material/GroupsOutlined';
import StarRoundedIcon from '@mui/icons-material/StarRounded';
import { useParams } from 'react-router-dom';
import { useGetProfileQuery } from '../api/auth';
import { formatDate } from '../app/format';
import { usePageTitle } from '../app/usePageTitle';
import { EmptyState } from '../components/EmptyState';
import { ErrorState } from '../components/ErrorState';
import { LinkBehavior } from '../components/LinkBehavior';
import { MovieGrid } from '../features/movies/MovieGrid';

/** What a taste match means, in words. */
function matchWords(percent: number): string {
  if (percent >= 75) return 'Very close to your taste';
  if (percent >= 50) return 'Close to your taste';
  if (percent >= 25) return 'Some taste in common';
  return 'Little taste in common';
}

/** A user's public profile: their favourites, how their taste matches the viewer's, their posts. */
export default function UserPage() {
  const id = Number(useParams().id);
  const { data, error, isLoading, refetch } = useGetProfileQuery(id, {
    skip: !Number.isFinite(id),
  });
  const name = data ? `${data.first_name} ${data.last_name}`.trim() || `User ${data.id}` : '';
  usePageTitle(name || 'Profile');
  if (isLoading) return <Skeleton variant="rounded" height={240} />;
  if (error && 'status' in error && error.status === 404) {
    return (
      <EmptyState
        title="This profile is not public"
        action={
          <Button component={LinkBehavior} href={`/posts?user=${id}`} variant="outlined">
            See their posts
          </Button>
        }
      >
        Its owner has not made it public, or there is no such user.
      </EmptyState>
    );
  }
  if (!data)
    return <ErrorState error={error} title="Could not load this profile" onRetry={refetch} />;
  return (
    <Stack spacing={3}>
      <div>
        <Typography variant="h4" component="h1">
          {name}
        </Typography>
        <Typography sx={{ color: 'text.secondary' }}>
          Member since {formatDate(data.date_joined)} · {data.ratings.toLocaleString()} ratings
        </Typography>
      </div>
      <Stack
        direction="row"
        spacing={1.5}
        sx={{ flexWrap: 'wrap', rowGap: 1.5, alignItems: 'center' }}
      >
        {data.taste_match != null && (
          <Chip
            color="secondary"
            label={`${data.taste_match}% taste match · ${matchWords(data.taste_match)}`}
            data-testid="taste-match"
          />
        )}
        {data.can_group && (
          <Button
            component={LinkBehavior}
            href={`/together?user=${data.id}`}
            variant="contained"
            startIcon={<GroupsOutlinedIcon />}
          >
            Watch together
          </Button>
        )}
        <Button component={LinkBehavior} href={`/posts?user=${data.id}`} variant="outlined">
          Their posts
        </Button>
      </Stack>
      <div>
        <Typography variant="h5" component="h2" sx={{ mb: 1.5 }}>
          Favourites
        </Typography>
        {data.favourites.length === 0 ? (
          <Typography sx={{ color: 'text.secondary' }}>
            No film rated 4 stars or more yet.
          </Typography>
        ) : (
          <MovieGrid
            movies={data.favourites}
            label={`${name}'s favourites`}
            footer={(movie) => (
              <Typography
                variant="caption"
                sx={{ display: 'flex', alignItems: 'center', gap: 0.5 }}
              >
                <StarRoundedIcon sx={{ fontSize: 14, color: 'warning.main' }} aria-hidden />
                {name.split(' ')[0]} gave it {movie.stars}
              </Typography>
            )}
          />
        )}
      </div>
    </Stack>
  );
}
