import { useState } from 'react';
import Avatar from '@mui/material/Avatar';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import Link from '@mui/material/Link';
import MenuItem from '@mui/material/MenuItem';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import PlayCircleOutlineIcon from '@mui/icons-material/PlayCircleOutlined';
import { useGetWatchQuery } from '../../api/movies';

/** The countries offered; the browser's own is added when it is not among them. */
const COUNTRIES = [
  'US',
  'GB',
  'CA',
  'AU',
  'IE',
  'NZ',
  'IN',
  'DE',
  'FR',
  'ES',
  'IT',
  'NL',
  'BE',
  'CH',
  'AT',
  'SE',
  'NO',
  'DK',
  'FI',
  'PL',
  'PT',
  'BR',
  'MX',
  'AR',
  'JP',
  'KR',
];
const STORAGE_KEY = 'nextflex.country';

/** The country last chosen here, else the region of the browser's language (`en-GB` → GB),
 * else the US. */
export function preferredCountry(
  stored: string | null = localStorage.getItem(STORAGE_KEY),
  languages: readonly string[] = navigator.languages ?? [navigator.language],
): string {
  if (stored && /^[A-Z]{2}$/.test(stored)) return stored;
  for (const tag of languages) {
    const region = /^[a-z]{2,3}-([A-Za-z]{2})\b/.exec(tag)?.[1];
    if (region) return region.toUpperCase();
  }
  return 'US';
}

const countryName = (code: string) => {
  try {
    return new Intl.DisplayNames(['en'], { type: 'region' }).of(code) ?? code;
  } catch {
    return code;
  }
};

const KINDS = [
  ['stream', 'Stream'],
  ['free', 'Free'],
  ['rent', 'Rent'],
  ['buy', 'Buy'],
] as const;

/**
 * Where to watch the film in the user's country (TMDB's watch providers, from JustWatch, which
 * it credits) and its official trailer on YouTube. Shown only when the server has TMDB's answer:
 * nothing without a TMDB key or while TMDB is unavailable.
 */
export function WhereToWatch({ movieId, title }: { movieId: number; title: string }) {
  const [country, setCountry] = useState(preferredCountry);
  const { data } = useGetWatchQuery({ id: movieId, country });
  if (!data || data.source !== 'tmdb') return null;
  const offered = KINDS.filter(([kind]) => data[kind].length > 0);
  const countries = COUNTRIES.includes(country) ? COUNTRIES : [country, ...COUNTRIES];
  return (
    <Box component="section" aria-labelledby="watch-title" sx={{ mt: 3 }} data-testid="watch">
      <Stack direction="row" spacing={2} sx={{ alignItems: 'center', flexWrap: 'wrap', rowGap: 1 }}>
        <Typography id="watch-title" variant="h6" component="h2">
          Where to watch
        </Typography>
        <TextField
          select
          size="small"
          label="Country"
          value={country}
          onChange={(e) => {
            localStorage.setItem(STORAGE_KEY, e.target.value);
            setCountry(e.target.value);
          }}
          sx={{ minWidth: 180 }}
        >
          {countries.map((code) => (
            <MenuItem key={code} value={code}>
              {countryName(code)}
            </MenuItem>
          ))}
        </TextField>
        {data.trailer && (
          <Button
            href={data.trailer.url}
            target="_blank"
            rel="noopener noreferrer"
            variant="outlined"
            color="secondary"
            size="small"
            startIcon={<PlayCircleOutlineIcon />}
            aria-label={`Watch the trailer of ${title} on YouTube (opens in a new tab)`}
          >
            Trailer
          </Button>
        )}
      </Stack>
      {offered.length === 0 ? (
        <Typography sx={{ color: 'text.secondary', mt: 1 }}>
          No service offers it in {countryName(country)} that TMDB knows of.
        </Typography>
      ) : (
        <Stack spacing={1} sx={{ mt: 1.5 }}>
          {offered.map(([kind, label]) => (
            <Stack
              key={kind}
              direction="row"
              spacing={1}
              sx={{ alignItems: 'center', flexWrap: 'wrap', rowGap: 1 }}
            >
              <Typography variant="body2" sx={{ width: 56, color: 'text.secondary' }}>
                {label}
              </Typography>
              {data[kind].map((p) => (
                <Chip
                  key={p.name}
                  label={p.name}
                  variant="outlined"
                  avatar={
                    p.logo_path ? (
                      <Avatar alt="" src={`https://image.tmdb.org/t/p/w92${p.logo_path}`} />
                    ) : undefined
                  }
                />
              ))}
            </Stack>
          ))}
        </Stack>
      )}
      <Typography variant="caption" sx={{ color: 'text.secondary', display: 'block', mt: 1 }}>
        Offers from {data.attribution}
        {data.link && (
          <>
            {' · '}
            <Link href={data.link} target="_blank" rel="noopener noreferrer">
              every offer on TMDB
            </Link>
          </>
        )}
      </Typography>
    </Box>
  );
}
