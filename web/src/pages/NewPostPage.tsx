import Paper from '@mui/material/Paper';
import Typography from '@mui/material/Typography';
import { useNavigate, useSearchParams } from 'react-router-dom';
import { useGetMovieQuery } from '../api/movies';
import { useCreatePostMutation } from '../api/posts';
import { usePageTitle } from '../app/usePageTitle';
import { PostForm } from '../features/posts/PostForm';
import { postFormData, type PostFormValues } from '../features/posts/postForm';

export default function NewPostPage() {
  usePageTitle('New post');
  const [params] = useSearchParams();
  const movieId = Number(params.get('movie'));
  const preset = Number.isInteger(movieId) && movieId > 0;
  const movie = useGetMovieQuery(movieId, { skip: !preset });
  const navigate = useNavigate();
  const [create, { isLoading, error }] = useCreatePostMutation();

  const submit = async (values: PostFormValues) => {
    const result = await create(postFormData(values));
    if ('data' in result && result.data) navigate(`/posts/${result.data.id}`);
  };

  return (
    <Paper variant="outlined" sx={{ maxWidth: 760, mx: 'auto', p: { xs: 2, sm: 4 } }}>
      <Typography variant="h4" component="h1" sx={{ mb: 0.5 }}>
        New post
      </Typography>
      <Typography sx={{ color: 'text.secondary', mb: 3 }}>
        Share a movie: a few words, a rating and a picture.
      </Typography>
      {(!preset || !movie.isLoading) && (
        <PostForm
          mode="create"
          initial={{
            title: '',
            content: '',
            movie: movie.data
              ? { id: movie.data.id, title: movie.data.title, year: movie.data.year ?? null }
              : null,
            rating: null,
            image: null,
          }}
          busy={isLoading}
          error={error}
          onSubmit={(values) => void submit(values)}
          onCancel={() => navigate(-1)}
        />
      )}
    </Paper>
  );
}
