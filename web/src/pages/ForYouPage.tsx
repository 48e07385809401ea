import { PageHeader } from '../components/PageHeader';
import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Link from '@mui/material/Link';
import MenuItem from '@mui/material/MenuItem';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import AutoAwesomeOutlinedIcon from '@mui/icons-material/AutoAwesomeOutlined';
import { useSearchParams } from 'react-router-dom';
import { useGetGenresQuery, useGetRecommendationsQuery } from '../api/movies';
import type { ChartItem, PersonalItem } from '../api/types';
import { usePageTitle } from '../app/usePageTitle';
import { EmptyState } from '../components/EmptyState';
import { ErrorState } from '../components/ErrorState';
import { MovieGrid, MovieGridSkeleton } from '../features/movies/MovieGrid';

function isPersonal(item: PersonalItem | ChartItem): item is PersonalItem {
  return Array.isArray((item as PersonalItem).because);
}

/**
 * The ranking model's score as a percentage of the list's best: its raw scale (EASE's or
 * iALS's) means nothing to a person, the order and the gaps do.
 */
function matchPercent(score: number, best: number): number {
  return best > 0 ? Math.round(Math.min(1, Math.max(0, score / best)) * 100) : 0;
}

/** The verb of a pick's first reason: a film rated well was liked; one seen without a rating
 * counts because people liked it, and is said to be seen, no more. */
export function becauseVerb(because: PersonalItem['because']): string {
  return because[0]?.seen ? 'saw' : 'liked';
}

/**
 * A pick's one number and its reason. One number: the match, in the list's own order. The stars
 * explicit ALS predicts come from another model and did not always agree with the order ("100 %
 * match ★4.0" above "91 % match ★4.2"), so they are shown on the film's page, not here. Every
 * pick says why: the rated (or seen) films carrying at least a tenth of its score, or, when no
 * film carries that much, that it comes from many of them together.
 */
function Because({ item, best }: { item: PersonalItem; best: number }) {
  return (
    <Box data-testid="recommendation-reason">
      <Typography variant="body2" sx={{ fontWeight: 700, color: 'success.main' }}>
        {matchPercent(item.score, best)}% match
      </Typography>
      <Typography variant="caption" sx={{ color: 'text.secondary', display: 'block', mt: 0.25 }}>
        {item.because.length === 0 ? (
          'From many of your ratings together, none of them most of all'
        ) : (
          <>
            Because you {becauseVerb(item.because)}{' '}
            {item.because.map((b, i) => (
              <span key={b.id}>
                {i > 0 && (i === item.because.length - 1 ? ' and ' : ', ')}
                {i > 0 && b.seen !== item.because[i - 1]?.seen && (b.seen ? 'saw ' : 'liked ')}
                <Link href={`/movies/${b.id}`} sx={{ color: 'secondary.main' }}>
                  {b.title}
                </Link>{' '}
                ({Math.round(b.share * 100)}%)
              </span>
            ))}
          </>
        )}
      </Typography>
    </Box>
  );
}

export default function ForYouPage() {
  usePageTitle('For you');
  const [params, setParams] = useSearchParams();
  const genre = params.get('genre') ?? '';
  const genres = useGetGenresQuery();
  const recs = useGetRecommendationsQuery({ k: 24, genre: genre || undefined });
  const data = recs.currentData;

  let body: React.ReactNode;
  if (recs.isFetching && !data) {
    body = <MovieGridSkeleton count={12} />;
  } else if (recs.error && !data) {
    body = (
      <ErrorState
        error={recs.error}
        title="Could not load your recommendations"
        onRetry={recs.refetch}
      />
    );
  } else if (data) {
    const personal = data.personalised;
    // Lists are ordered by score, so the first is the best match.
    const first = data.results[0];
    const best = first && isPersonal(first) ? first.score : 0;
    body = (
      <>
        {!personal && (
          <Alert
            severity="info"
            variant="outlined"
            icon={<AutoAwesomeOutlinedIcon />}
            sx={{ mb: 3 }}
            data-testid="for-you-fallback"
          >
            <AlertTitle>Make this list yours</AlertTitle>
            {data.fallback === 'no_known_ratings'
              ? 'The movies you have rated are not known to the recommender yet, so here are the top-rated movies for now. '
              : 'You have not rated any movies yet, so here are the top-rated movies everyone loves. '}
            Rate a few movies you have seen — each rating personalises this list straight away.
            <Box sx={{ mt: 1.5 }}>
              <Stack direction="row" spacing={1}>
                <Button href="/taste" variant="contained" size="small" color="info">
                  Rate ten films, one tap each
                </Button>
                <Button href="/browse?sort=popular" variant="outlined" size="small" color="info">
                  Find movies to rate
                </Button>
              </Stack>
            </Box>
          </Alert>
        )}
        {personal && (
          <Typography sx={{ color: 'text.secondary', mb: 2 }} data-testid="for-you-personalised">
            Based on your {data.ratings_used} {data.ratings_used === 1 ? 'rating' : 'ratings'}. The
            match says how well a film fits your taste, against the list&rsquo;s best fit (100%); a
            film&rsquo;s page has the stars we think you would give it. Rate more movies to sharpen
            it.
          </Typography>
        )}
        {data.results.length === 0 ? (
          <EmptyState title="No recommendations in this genre">
            Try another genre or all genres.
          </EmptyState>
        ) : (
          <Box sx={{ opacity: recs.isFetching ? 0.6 : 1, transition: 'opacity 150ms' }}>
            <MovieGrid
              movies={data.results as Array<PersonalItem | ChartItem>}
              label={personal ? 'Recommended for you' : 'Top-rated movies'}
              footer={(item) =>
                isPersonal(item) ? <Because item={item} best={best} /> : undefined
              }
            />
          </Box>
        )}
      </>
    );
  }

  return (
    <>
      <PageHeader
        title="For you"
        subtitle="Movies we think you will love, learned from your ratings."
        action={
          <TextField
            select
            label="Genre"
            value={genre}
            onChange={(e) => {
              const next = new URLSearchParams(params);
              if (e.target.value) next.set('genre', e.target.value);
              else next.delete('genre');
              setParams(next, { replace: true });
            }}
            sx={{ minWidth: 220 }}
          >
            <MenuItem value="">All genres</MenuItem>
            {genres.data?.map((g) => (
              <MenuItem key={g.name} value={g.name}>
                {g.name}
              </MenuItem>
            ))}
            {genre && !genres.data?.some((g) => g.name === genre) && (
              <MenuItem value={genre}>{genre}</MenuItem>
            )}
          </TextField>
        }
      />
      {body}
    </>
  );
}
