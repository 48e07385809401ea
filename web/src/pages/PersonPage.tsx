import Skeleton from '@mui/material/Skeleton';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { useParams } from 'react-router-dom';
import { useGetPersonQuery } from '../api/movies';
import { usePageTitle } from '../app/usePageTitle';
import { errorStatus } from '../api/errors';
import { ErrorState } from '../components/ErrorState';
import { NoSuchPage } from '../components/NoSuchPage';
import { MovieGrid, MovieGridSkeleton } from '../features/movies/MovieGrid';

/** A person's films: the parts they played and their jobs behind the camera, newest first. */
export default function PersonPage() {
  const id = Number(useParams().id);
  const valid = Number.isInteger(id) && id > 0;
  const { data, error, isLoading, refetch } = useGetPersonQuery(id, {
    skip: !valid,
  });
  usePageTitle(data?.name ?? 'Person');
  if (isLoading) {
    return (
      <Stack spacing={2}>
        <Skeleton variant="text" sx={{ fontSize: '2rem', width: 260 }} />
        <MovieGridSkeleton count={6} />
      </Stack>
    );
  }
  if (!valid || errorStatus(error) === 404)
    return <NoSuchPage what="person">No one in the catalogue has this id.</NoSuchPage>;
  if (!data)
    return <ErrorState error={error} title="Could not load this person" onRetry={refetch} />;
  // One card per film behind the camera, its jobs together ("Director, Screenplay").
  const jobs = new Map<number, (typeof data.crew)[number] & { jobs: string[] }>();
  for (const c of data.crew) {
    const entry = jobs.get(c.id);
    if (entry) entry.jobs.push(c.job);
    else jobs.set(c.id, { ...c, jobs: [c.job] });
  }
  const crew = [...jobs.values()];
  const caption = (text: string) => (
    <Typography variant="caption" sx={{ color: 'text.secondary' }}>
      {text}
    </Typography>
  );
  return (
    <Stack spacing={3}>
      <div>
        <Typography variant="h4" component="h1">
          {data.name}
        </Typography>
        <Typography sx={{ color: 'text.secondary' }}>
          {[
            data.cast.length > 0 && `${data.cast.length} films in the cast`,
            crew.length > 0 && `${crew.length} behind the camera`,
          ]
            .filter(Boolean)
            .join(' · ') || 'No films in the catalogue'}
        </Typography>
      </div>
      {crew.length > 0 && (
        <section aria-labelledby="person-crew">
          <Typography id="person-crew" variant="h5" component="h2" sx={{ mb: 1.5 }}>
            Behind the camera
          </Typography>
          <MovieGrid
            movies={crew}
            label={`${data.name}: behind the camera`}
            footer={(m) => caption(m.jobs.join(', '))}
          />
        </section>
      )}
      {data.cast.length > 0 && (
        <section aria-labelledby="person-cast">
          <Typography id="person-cast" variant="h5" component="h2" sx={{ mb: 1.5 }}>
            In the cast
          </Typography>
          <MovieGrid
            movies={data.cast}
            label={`${data.name}: in the cast`}
            footer={(m) => (m.character ? caption(`as ${m.character}`) : null)}
          />
        </section>
      )}
    </Stack>
  );
}
