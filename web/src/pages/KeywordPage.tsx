import Pagination from '@mui/material/Pagination';
import Skeleton from '@mui/material/Skeleton';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { useParams, useSearchParams } from 'react-router-dom';
import { useGetKeywordQuery } from '../api/movies';
import { usePageTitle } from '../app/usePageTitle';
import { errorStatus } from '../api/errors';
import { ErrorState } from '../components/ErrorState';
import { NoSuchPage } from '../components/NoSuchPage';
import { MovieGrid, MovieGridSkeleton } from '../features/movies/MovieGrid';

/** The movies tagged with a keyword, the most popular first, a page at a time. */
export default function KeywordPage() {
  const id = Number(useParams().id);
  const valid = Number.isInteger(id) && id > 0;
  const [params, setParams] = useSearchParams();
  const requested = Number.parseInt(params.get('page') ?? '1', 10);
  const page = Number.isFinite(requested) && requested > 0 ? requested : 1;
  const { data, error, isLoading, isFetching, refetch } = useGetKeywordQuery(
    { id, page },
    { skip: !valid },
  );
  usePageTitle(data ? `Keyword: ${data.name}` : 'Keyword');
  if (isLoading) {
    return (
      <Stack spacing={2}>
        <Skeleton variant="text" sx={{ fontSize: '2rem', width: 260 }} />
        <MovieGridSkeleton count={12} />
      </Stack>
    );
  }
  if (!valid || errorStatus(error) === 404)
    return <NoSuchPage what="keyword">No keyword in the catalogue has this id.</NoSuchPage>;
  if (!data)
    return <ErrorState error={error} title="Could not load this keyword" onRetry={refetch} />;
  const { movies } = data;
  return (
    <Stack spacing={3}>
      <div>
        <Typography variant="overline" sx={{ color: 'text.secondary' }}>
          Keyword
        </Typography>
        <Typography variant="h4" component="h1">
          {data.name}
        </Typography>
        <Typography sx={{ color: 'text.secondary' }} data-testid="keyword-count">
          {movies.count === 1 ? '1 film' : `${movies.count.toLocaleString()} films`}, the most
          popular first
        </Typography>
      </div>
      <Stack sx={{ opacity: isFetching ? 0.6 : 1, transition: 'opacity 150ms' }}>
        <MovieGrid movies={movies.results} label={`Films tagged ${data.name}`} />
      </Stack>
      {movies.pages > 1 && (
        <Stack sx={{ alignItems: 'center' }}>
          <Pagination
            count={movies.pages}
            page={Math.min(page, movies.pages)}
            onChange={(_e, next) => {
              setParams(next > 1 ? { page: String(next) } : {});
              window.scrollTo({ top: 0, behavior: 'smooth' });
            }}
            color="primary"
            shape="rounded"
            aria-label="Result pages"
          />
        </Stack>
      )}
    </Stack>
  );
}
