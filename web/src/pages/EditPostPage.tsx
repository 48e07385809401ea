import Paper from '@mui/material/Paper';
import Skeleton from '@mui/material/Skeleton';
import Typography from '@mui/material/Typography';
import { useNavigate, useParams } from 'react-router-dom';
import { useGetPostQuery, useUpdatePostMutation } from '../api/posts';
import { usePageTitle } from '../app/usePageTitle';
import { ErrorState } from '../components/ErrorState';
import { useCurrentUser } from '../features/auth/useCurrentUser';
import { PostForm } from '../features/posts/PostForm';
import type { PostFormValues } from '../features/posts/postForm';

export default function EditPostPage() {
  usePageTitle('Edit post');
  const id = Number(useParams().id);
  const post = useGetPostQuery(id, { skip: !(Number.isInteger(id) && id > 0) });
  const { user, isLoading: userLoading } = useCurrentUser();
  const navigate = useNavigate();
  const [update, { isLoading, error }] = useUpdatePostMutation();

  if (post.isLoading || userLoading) {
    return <Skeleton variant="rounded" height={420} sx={{ maxWidth: 760, mx: 'auto' }} />;
  }
  if (!post.data)
    return (
      <ErrorState error={post.error} title="Could not load this post" onRetry={post.refetch} />
    );
  const p = post.data;
  if (!user || (user.id !== p.author.id && !user.is_admin)) {
    return (
      <ErrorState
        error={{
          status: 403,
          data: {
            error: {
              code: 'forbidden',
              message: 'Only the author or an admin can edit this post.',
            },
          },
        }}
        title="You cannot edit this post"
      />
    );
  }

  const submit = async (values: PostFormValues) => {
    const result = await update({
      id: p.id,
      patch: {
        title: values.title.trim(),
        content: values.content,
        rating: values.rating,
        movie_id: values.movie?.id ?? null,
      },
    });
    if (!('error' in result)) navigate(`/posts/${p.id}`);
  };

  return (
    <Paper variant="outlined" sx={{ maxWidth: 760, mx: 'auto', p: { xs: 2, sm: 4 } }}>
      <Typography variant="h4" component="h1" sx={{ mb: 3 }}>
        Edit post
      </Typography>
      <PostForm
        mode="edit"
        initial={{
          title: p.title,
          content: p.content,
          movie: p.movie ? { ...p.movie, year: p.movie.year ?? null } : null,
          rating: p.rating ?? null,
          image: null,
        }}
        busy={isLoading}
        error={error}
        onSubmit={(values) => void submit(values)}
        onCancel={() => navigate(`/posts/${p.id}`)}
      />
    </Paper>
  );
}
