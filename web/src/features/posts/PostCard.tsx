import Box from '@mui/material/Box';
import Card from '@mui/material/Card';
import CardActionArea from '@mui/material/CardActionArea';
import Chip from '@mui/material/Chip';
import Link from '@mui/material/Link';
import Rating from '@mui/material/Rating';
import Skeleton from '@mui/material/Skeleton';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import type { Post } from '../../api/types';
import { formatDate, personName } from '../../app/format';
import { ImageWithFallback } from '../../components/ImageWithFallback';
import { LinkBehavior } from '../../components/LinkBehavior';

/** A post in the feed: its image, title, author, movie and the start of its text. */
export function PostCard({ post }: { post: Post }) {
  return (
    <Card
      data-testid="post-card"
      data-post-id={post.id}
      sx={{
        height: '100%',
        display: 'flex',
        flexDirection: 'column',
        transition: 'transform 160ms ease, box-shadow 160ms ease',
        '&:hover, &:focus-within': {
          transform: 'translateY(-3px)',
          boxShadow: '0 12px 28px rgba(0,0,0,0.45)',
        },
      }}
    >
      <CardActionArea href={`/posts/${post.id}`} aria-label={post.title}>
        <ImageWithFallback
          src={post.image?.thumb_url}
          alt={`Image for “${post.title}”`}
          fallbackHeight={180}
          sx={{ width: '100%', height: 180, objectFit: 'cover' }}
        />
        <Box sx={{ p: 2, pb: 1 }}>
          <Typography component="h2" variant="h6" sx={{ fontSize: '1.05rem', lineHeight: 1.3 }}>
            {post.title}
          </Typography>
          {post.content && (
            <Typography
              variant="body2"
              sx={{
                color: 'text.secondary',
                mt: 0.5,
                display: '-webkit-box',
                WebkitLineClamp: 3,
                WebkitBoxOrient: 'vertical',
                overflow: 'hidden',
              }}
            >
              {post.content}
            </Typography>
          )}
        </Box>
      </CardActionArea>
      <Stack spacing={1} sx={{ px: 2, pb: 2, mt: 'auto' }}>
        {post.rating !== null && (
          <Rating
            value={post.rating}
            precision={0.5}
            readOnly
            size="small"
            getLabelText={(v) => `Rated ${v} out of 5`}
          />
        )}
        <Stack
          direction="row"
          spacing={1}
          sx={{ alignItems: 'center', flexWrap: 'wrap', rowGap: 1 }}
        >
          {post.movie && (
            <Chip
              size="small"
              variant="outlined"
              color="secondary"
              label={
                post.movie.year ? `${post.movie.title} (${post.movie.year})` : post.movie.title
              }
              component={LinkBehavior}
              href={`/movies/${post.movie.id}`}
              clickable
            />
          )}
        </Stack>
        <Typography variant="caption" sx={{ color: 'text.secondary' }}>
          by{' '}
          <Link href={`/posts?user=${post.author.id}`} sx={{ color: 'text.primary' }}>
            {personName(post.author)}
          </Link>{' '}
          · {formatDate(post.created_at)}
        </Typography>
      </Stack>
    </Card>
  );
}

export function PostCardSkeleton() {
  return (
    <Card aria-hidden sx={{ height: '100%' }}>
      <Skeleton variant="rectangular" height={180} />
      <Box sx={{ p: 2 }}>
        <Skeleton width="70%" />
        <Skeleton />
        <Skeleton width="50%" />
      </Box>
    </Card>
  );
}
