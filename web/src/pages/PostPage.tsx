import { useState } from 'react';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import Divider from '@mui/material/Divider';
import Grid from '@mui/material/Grid';
import Link from '@mui/material/Link';
import Paper from '@mui/material/Paper';
import Rating from '@mui/material/Rating';
import Skeleton from '@mui/material/Skeleton';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import DeleteOutlinedIcon from '@mui/icons-material/DeleteOutlined';
import EditOutlinedIcon from '@mui/icons-material/EditOutlined';
import ForumOutlinedIcon from '@mui/icons-material/ForumOutlined';
import { useNavigate, useParams } from 'react-router-dom';
import { errorMessage, errorStatus } from '../api/errors';
import { useDeletePostMutation, useGetPostQuery } from '../api/posts';
import { formatDateTime, personName } from '../app/format';
import { usePageTitle } from '../app/usePageTitle';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { EmptyState } from '../components/EmptyState';
import { ErrorState } from '../components/ErrorState';
import { ImageWithFallback } from '../components/ImageWithFallback';
import { LinkBehavior } from '../components/LinkBehavior';
import { useCurrentUser } from '../features/auth/useCurrentUser';
import { ImageMetadata } from '../features/posts/ImageMetadata';

export default function PostPage() {
  const id = Number(useParams().id);
  const valid = Number.isInteger(id) && id > 0;
  const post = useGetPostQuery(id, { skip: !valid });
  const { user } = useCurrentUser();
  const navigate = useNavigate();
  const [confirming, setConfirming] = useState(false);
  const [deletePost, deletion] = useDeletePostMutation();
  usePageTitle(post.data?.title ?? 'Post');

  if (!valid || errorStatus(post.error) === 404) {
    return (
      <EmptyState
        icon={<ForumOutlinedIcon />}
        title="This post does not exist"
        action={
          <Button href="/posts" variant="contained">
            See all posts
          </Button>
        }
      >
        It may have been deleted by its author or a moderator.
      </EmptyState>
    );
  }
  if (post.isLoading) {
    return (
      <Stack spacing={2} aria-busy aria-label="Loading the post">
        <Skeleton variant="text" sx={{ fontSize: '2.4rem', width: '60%' }} />
        <Skeleton variant="rounded" height={360} />
        <Skeleton />
        <Skeleton width="70%" />
      </Stack>
    );
  }
  if (!post.data)
    return (
      <ErrorState error={post.error} title="Could not load this post" onRetry={post.refetch} />
    );

  const p = post.data;
  const canEdit = Boolean(user && (user.id === p.author.id || user.is_admin));
  const remove = async () => {
    const result = await deletePost(p.id);
    if (!('error' in result)) navigate('/posts', { replace: true });
  };

  return (
    <Box component="article" aria-labelledby="post-title" data-testid="post" data-post-id={p.id}>
      <Stack
        direction={{ xs: 'column', sm: 'row' }}
        spacing={2}
        sx={{ justifyContent: 'space-between', alignItems: { sm: 'flex-start' }, mb: 2 }}
      >
        <Box>
          <Typography id="post-title" variant="h4" component="h1">
            {p.title}
          </Typography>
          <Typography sx={{ color: 'text.secondary', mt: 0.5 }}>
            by{' '}
            <Link href={`/users/${p.author.id}`} sx={{ color: 'text.primary' }}>
              {personName(p.author)}
            </Link>{' '}
            · {formatDateTime(p.created_at)}
            {p.updated_at > p.created_at ? ` · edited ${formatDateTime(p.updated_at)}` : ''}
          </Typography>
        </Box>
        {canEdit && (
          <Stack direction="row" spacing={1}>
            <Button
              href={`/posts/${p.id}/edit`}
              variant="outlined"
              startIcon={<EditOutlinedIcon />}
            >
              Edit
            </Button>
            <Button
              color="error"
              variant="outlined"
              startIcon={<DeleteOutlinedIcon />}
              onClick={() => setConfirming(true)}
            >
              Delete
            </Button>
          </Stack>
        )}
      </Stack>
      <Grid container spacing={4}>
        <Grid size={{ xs: 12, md: 8 }}>
          <Paper
            variant="outlined"
            sx={{ p: 1, bgcolor: 'rgba(0,0,0,0.25)', display: 'flex', justifyContent: 'center' }}
          >
            <ImageWithFallback
              src={p.image?.url}
              alt={`Image posted with “${p.title}”`}
              width={p.image?.width}
              height={p.image?.height}
              fallbackHeight={280}
              sx={{ maxHeight: '70vh', width: 'auto', height: 'auto', borderRadius: 1 }}
            />
          </Paper>
          <Stack
            direction="row"
            spacing={2}
            sx={{ mt: 2, alignItems: 'center', flexWrap: 'wrap', rowGap: 1 }}
          >
            {p.movie && (
              <Chip
                color="secondary"
                variant="outlined"
                label={p.movie.year ? `${p.movie.title} (${p.movie.year})` : p.movie.title}
                component={LinkBehavior}
                href={`/movies/${p.movie.id}`}
                clickable
              />
            )}
            {p.rating !== null && (
              <Stack direction="row" spacing={1} sx={{ alignItems: 'center' }}>
                <Rating
                  value={p.rating}
                  precision={0.5}
                  readOnly
                  getLabelText={(v) => `Rated ${v} out of 5`}
                />
                <Typography variant="body2" sx={{ color: 'text.secondary' }}>
                  {p.rating} / 5
                </Typography>
              </Stack>
            )}
          </Stack>
          {p.content && (
            <Typography sx={{ mt: 2, whiteSpace: 'pre-wrap', lineHeight: 1.7 }}>
              {p.content}
            </Typography>
          )}
        </Grid>
        <Grid size={{ xs: 12, md: 4 }}>
          <Paper variant="outlined" sx={{ p: 2.5 }}>
            {p.image ? (
              <ImageMetadata image={p.image} />
            ) : (
              <Typography sx={{ color: 'text.secondary' }}>This post has no image.</Typography>
            )}
            <Divider sx={{ my: 2 }} />
            <Button href="/posts" size="small">
              Back to all posts
            </Button>
          </Paper>
        </Grid>
      </Grid>
      <ConfirmDialog
        open={confirming}
        title="Delete this post?"
        busy={deletion.isLoading}
        error={deletion.error ? errorMessage(deletion.error) : null}
        onConfirm={() => void remove()}
        onClose={() => {
          setConfirming(false);
          deletion.reset();
        }}
      >
        “{p.title}” and its image will be deleted for good.
      </ConfirmDialog>
    </Box>
  );
}
