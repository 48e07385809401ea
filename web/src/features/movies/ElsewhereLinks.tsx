import Link from '@mui/material/Link';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import type { MovieDetail } from '../../api/types';

/** Where else the film lives, from the ids the catalogue knows (none: nothing shown). */
export function elsewhere(m: Pick<MovieDetail, 'tmdb_id' | 'imdb_id' | 'movielens_id'>) {
  const links: [string, string][] = [];
  if (m.imdb_id) links.push(['IMDb', `https://www.imdb.com/title/${m.imdb_id}/`]);
  if (m.tmdb_id) {
    links.push(['TMDB', `https://www.themoviedb.org/movie/${m.tmdb_id}`]);
    // Letterboxd answers its /tmdb/<id>/ address with the film's own page.
    links.push(['Letterboxd', `https://letterboxd.com/tmdb/${m.tmdb_id}/`]);
  }
  if (m.movielens_id) links.push(['MovieLens', `https://movielens.org/movies/${m.movielens_id}`]);
  return links;
}

/** Links to the film on IMDb, TMDB, Letterboxd and MovieLens. */
export function ElsewhereLinks({ movie }: { movie: MovieDetail }) {
  const links = elsewhere(movie);
  if (links.length === 0) return null;
  return (
    <Stack
      direction="row"
      spacing={1.5}
      sx={{ mt: 1.5, flexWrap: 'wrap', alignItems: 'baseline' }}
      data-testid="elsewhere"
    >
      <Typography variant="body2" sx={{ color: 'text.secondary' }}>
        Elsewhere:
      </Typography>
      {links.map(([name, href]) => (
        <Link
          key={name}
          href={href}
          target="_blank"
          rel="noopener noreferrer"
          variant="body2"
          aria-label={`${movie.title} on ${name} (opens in a new tab)`}
        >
          {name}
        </Link>
      ))}
    </Stack>
  );
}
