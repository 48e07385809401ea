import { PageHeader } from '../components/PageHeader';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import Pagination from '@mui/material/Pagination';
import Stack from '@mui/material/Stack';
import AddIcon from '@mui/icons-material/Add';
import ForumOutlinedIcon from '@mui/icons-material/ForumOutlined';
import { useSearchParams } from 'react-router-dom';
import { useGetMovieQuery } from '../api/movies';
import { useGetPostsQuery } from '../api/posts';
import { personName } from '../app/format';
import { usePageTitle } from '../app/usePageTitle';
import { EmptyState } from '../components/EmptyState';
import { ErrorState } from '../components/ErrorState';
import { MovieAutocomplete } from '../features/posts/MovieAutocomplete';
import { PostCard, PostCardSkeleton } from '../features/posts/PostCard';

const PAGE_SIZE = 12;

function positiveInt(text: string | null): number | undefined {
  const n = Number(text);
  return Number.isInteger(n) && n > 0 ? n : undefined;
}

const gridSx = {
  display: 'grid',
  gap: 2,
  gridTemplateColumns: { xs: '1fr', sm: 'repeat(auto-fill, minmax(260px, 1fr))' },
} as const;

export default function PostsPage() {
  usePageTitle('Posts');
  const [params, setParams] = useSearchParams();
  const movieId = positiveInt(params.get('movie'));
  const userId = positiveInt(params.get('user'));
  const page = positiveInt(params.get('page')) ?? 1;
  const posts = useGetPostsQuery({ movie: movieId, user: userId, page, page_size: PAGE_SIZE });
  const movie = useGetMovieQuery(movieId ?? 0, { skip: movieId === undefined });
  const data = posts.currentData;

  const setParam = (name: string, value: string | undefined) => {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    if (name !== 'page') next.delete('page');
    setParams(next);
  };

  const author =
    userId !== undefined ? data?.results.find((p) => p.author.id === userId)?.author : undefined;

  let body: React.ReactNode;
  if (posts.isFetching && !data) {
    body = (
      <Box sx={gridSx} aria-busy aria-label="Loading posts">
        {Array.from({ length: 6 }, (_, i) => (
          <PostCardSkeleton key={i} />
        ))}
      </Box>
    );
  } else if (!data) {
    body = <ErrorState error={posts.error} title="Could not load posts" onRetry={posts.refetch} />;
  } else if (data.count === 0) {
    body = (
      <EmptyState
        icon={<ForumOutlinedIcon />}
        title={movieId || userId ? 'No posts match this filter' : 'No posts yet'}
        action={
          <Button href={movieId ? `/posts/new?movie=${movieId}` : '/posts/new'} variant="contained">
            Write the first one
          </Button>
        }
      >
        Share a movie you love: a few words, a rating and a picture.
      </EmptyState>
    );
  } else {
    body = (
      <>
        <Box sx={gridSx} role="list" aria-label="Posts" data-testid="post-feed">
          {data.results.map((post) => (
            <Box role="listitem" key={post.id}>
              <PostCard post={post} />
            </Box>
          ))}
        </Box>
        {data.pages > 1 && (
          <Stack sx={{ alignItems: 'center', mt: 4 }}>
            <Pagination
              count={data.pages}
              page={Math.min(page, data.pages)}
              onChange={(_e, p) => {
                setParam('page', p > 1 ? String(p) : undefined);
                window.scrollTo({ top: 0, behavior: 'smooth' });
              }}
              color="primary"
              shape="rounded"
              aria-label="Post pages"
            />
          </Stack>
        )}
      </>
    );
  }

  return (
    <>
      <PageHeader
        title="Posts"
        subtitle={`What the NextFlex community is watching${
          data ? ` · ${data.count.toLocaleString()} post${data.count === 1 ? '' : 's'}` : ''
        }`}
        action={
          <Button href="/posts/new" variant="contained" startIcon={<AddIcon />}>
            New post
          </Button>
        }
      />
      <Stack
        direction={{ xs: 'column', sm: 'row' }}
        spacing={2}
        sx={{ mb: 3, alignItems: { sm: 'center' } }}
      >
        <Box sx={{ width: { xs: '100%', sm: 340 } }}>
          <MovieAutocomplete
            label="Filter by movie"
            size="small"
            value={
              movieId && movie.data
                ? { id: movie.data.id, title: movie.data.title, year: movie.data.year ?? null }
                : null
            }
            onChange={(m) => setParam('movie', m ? String(m.id) : undefined)}
          />
        </Box>
        {userId !== undefined && (
          <Chip
            label={`By ${author ? personName(author) : `member #${userId}`}`}
            onDelete={() => setParam('user', undefined)}
            color="secondary"
            variant="outlined"
          />
        )}
      </Stack>
      {body}
    </>
  );
}
