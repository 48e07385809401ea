import { type FormEvent, useState } from 'react';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import IconButton from '@mui/material/IconButton';
import LinearProgress from '@mui/material/LinearProgress';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import AddIcon from '@mui/icons-material/Add';
import DeleteOutlinedIcon from '@mui/icons-material/DeleteOutlined';
import UploadFileOutlinedIcon from '@mui/icons-material/UploadFileOutlined';
import { errorMessage } from '../api/errors';
import { useRecommendGroupMutation } from '../api/movies';
import type { GroupItem, Guest } from '../api/types';
import { usePageTitle } from '../app/usePageTitle';
import { MovieGrid } from '../features/movies/MovieGrid';

/** Guests besides the caller (the server's limit). */
const MAX_GUESTS = 5;

const EXAMPLE = 'title,year,rating\nThe Shining,1980,5\nAlien,1979,4.5';

/** Each member's fit and share of one film, as labelled bars. */
function Shares({ item }: { item: GroupItem }) {
  return (
    <Stack spacing={0.5} data-testid="group-shares">
      {item.members.map((m) => (
        <Box key={m.name}>
          <Stack direction="row" sx={{ justifyContent: 'space-between' }}>
            <Typography variant="caption" noWrap sx={{ maxWidth: '70%' }}>
              {m.name}
            </Typography>
            <Typography variant="caption" sx={{ color: 'text.secondary' }}>
              {Math.round(m.share * 100)}%
            </Typography>
          </Stack>
          <LinearProgress
            variant="determinate"
            value={Math.round(m.score * 100)}
            aria-label={`${m.name}: fits ${Math.round(m.score * 100)}%, ${Math.round(m.share * 100)}% of the group's liking`}
            sx={{ height: 4, borderRadius: 2 }}
          />
        </Box>
      ))}
    </Stack>
  );
}

/**
 * Watch together: the caller and up to five guests, each guest bringing their ratings as a
 * Letterboxd or IMDb export (or a plain CSV); films none of them rated, so that the least happy
 * member is as happy as possible.
 */
export default function TogetherPage() {
  usePageTitle('Watch together');
  const [guests, setGuests] = useState<Guest[]>([{ name: '', ratings_file: '' }]);
  const [recommend, result] = useRecommendGroupMutation();

  const update = (i: number, change: Partial<Guest>) =>
    setGuests((list) => list.map((g, j) => (i === j ? { ...g, ...change } : g)));
  const readFile = async (i: number, file: File | undefined) => {
    if (file) update(i, { ratings_file: await file.text() });
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void recommend({
      guests: guests.map((g) => ({ name: g.name.trim(), ratings_file: g.ratings_file })),
      k: 20,
    });
  };
  const ready = guests.every((g) => g.name.trim() && g.ratings_file.trim());

  return (
    <Stack spacing={3}>
      <div>
        <Typography variant="h4" component="h1">
          Watch together
        </Typography>
        <Typography sx={{ color: 'text.secondary', maxWidth: 760 }}>
          Films for you and up to five friends that none of you has rated, ranked so that the least
          happy of you is as happy as possible. Each friend brings their ratings: a Letterboxd or
          IMDb export, or a CSV of titles, years and ratings. Nothing of theirs is saved.
        </Typography>
      </div>
      <Stack component="form" spacing={2} onSubmit={submit} aria-label="Who is watching">
        {guests.map((guest, i) => (
          <Paper key={i} variant="outlined" sx={{ p: 2 }} data-testid="group-guest">
            <Stack spacing={1.5}>
              <Stack direction="row" spacing={1} sx={{ alignItems: 'center' }}>
                <TextField
                  label="Friend's name"
                  size="small"
                  value={guest.name}
                  onChange={(e) => update(i, { name: e.target.value })}
                  slotProps={{ htmlInput: { maxLength: 40 } }}
                  required
                />
                <Button
                  component="label"
                  variant="outlined"
                  size="small"
                  startIcon={<UploadFileOutlinedIcon />}
                >
                  Choose their ratings file
                  <input
                    type="file"
                    accept=".csv,text/csv"
                    hidden
                    data-testid="group-guest-file"
                    onChange={(e) => void readFile(i, e.target.files?.[0])}
                  />
                </Button>
                <Box sx={{ flex: 1 }} />
                {guests.length > 1 && (
                  <IconButton
                    aria-label={`Remove ${guest.name || 'this friend'}`}
                    onClick={() => setGuests((list) => list.filter((_, j) => j !== i))}
                  >
                    <DeleteOutlinedIcon />
                  </IconButton>
                )}
              </Stack>
              <TextField
                label="…or paste their ratings"
                placeholder={EXAMPLE}
                multiline
                minRows={3}
                maxRows={8}
                value={guest.ratings_file}
                onChange={(e) => update(i, { ratings_file: e.target.value })}
                slotProps={{ htmlInput: { 'data-testid': 'group-guest-ratings' } }}
              />
            </Stack>
          </Paper>
        ))}
        <Stack direction="row" spacing={1.5}>
          <Button
            startIcon={<AddIcon />}
            disabled={guests.length >= MAX_GUESTS}
            onClick={() => setGuests((list) => [...list, { name: '', ratings_file: '' }])}
          >
            Add a friend
          </Button>
          <Button
            type="submit"
            variant="contained"
            disabled={!ready || result.isLoading}
            data-testid="group-submit"
          >
            {result.isLoading ? 'Finding films…' : 'Find films for us'}
          </Button>
        </Stack>
      </Stack>
      {result.error && (
        <Alert severity="error">{errorMessage(result.error, 'No films could be found.')}</Alert>
      )}
      {result.data && (
        <Stack spacing={2} data-testid="group-results">
          <Stack direction="row" spacing={1} sx={{ flexWrap: 'wrap', rowGap: 1 }}>
            {result.data.members.map((m) => (
              <Chip
                key={m.name}
                label={`${m.name}: ${m.ratings} ratings${m.unmatched ? `, ${m.unmatched} not found` : ''}`}
                variant="outlined"
              />
            ))}
          </Stack>
          <MovieGrid
            movies={result.data.results}
            label="Films for the group"
            footer={(item) => <Shares item={item} />}
          />
        </Stack>
      )}
    </Stack>
  );
}
