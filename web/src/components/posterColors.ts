/** Hues for the catalogue's genres, so that a genre always looks the same. */
const GENRE_HUES: Record<string, number> = {
  Action: 4,
  Adventure: 24,
  Animation: 186,
  Comedy: 38,
  Crime: 222,
  Documentary: 160,
  Drama: 282,
  Family: 130,
  Fantasy: 300,
  Foreign: 176,
  History: 30,
  Horror: 352,
  Music: 322,
  Mystery: 250,
  Romance: 336,
  'Science Fiction': 198,
  'TV Movie': 208,
  Thriller: 238,
  War: 96,
  Western: 16,
};

/** FNV-1a: a small, stable string hash. */
function hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

function hueOf(genre: string): number {
  return GENRE_HUES[genre] ?? hashString(genre.toLowerCase()) % 360;
}

/**
 * The two gradient stops of a generated poster: the first from the first genre, the second
 * from the second genre (or a neighbour of the first), both dark enough for white text. The
 * same genres and title always give the same colours.
 */
export function posterColors(genres: readonly string[], title: string): [string, string] {
  const titleHash = hashString(title);
  const first = genres[0] !== undefined ? hueOf(genres[0]) : titleHash % 360;
  const second = genres[1] !== undefined ? hueOf(genres[1]) : (first + 35 + (titleHash % 50)) % 360;
  const lightness = 30 + (titleHash % 7);
  return [`hsl(${first} 78% ${lightness}%)`, `hsl(${second} 70% 14%)`];
}
