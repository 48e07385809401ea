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
import { useSearchParams } from 'react-router-dom';
import { useGetProfileQuery } from '../api/auth';
import { errorMessage } from '../api/errors';
import { useRecommendGroupMutation } from '../api/movies';
import type { GroupItem, Guest } from '../api/types';
import { usePageTitle } from '../app/usePageTitle';
import { MovieGrid } from '../features/movies/MovieGrid';

/** People besides the caller (the server's limit). */
const MAX_OTHERS = 5;

/** A NextFlex member in the group (a user with a public profile), by name. */
function MemberChip({ id, onDelete }: { id: number; onDelete: () => void }) {
  const profile = useGetProfileQuery(id);
  const name = profile.data
    ? `${profile.data.first_name} ${profile.data.last_name}`.trim() || `User ${id}`
    : `User ${id}`;
  return (
    <Chip
      label={profile.error ? `${name} (profile not public)` : name}
      color={profile.error ? 'error' : 'default'}
      onDelete={onDelete}
      data-testid="group-user"
    />
  );
}

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
  const [params] = useSearchParams();
  // Users come from their profile pages' "Watch together" (`?user=<id>`).
  const [users, setUsers] = useState<number[]>(() =>
    [...new Set(params.getAll('user').map(Number))].filter(Number.isInteger),
  );
  const [guests, setGuests] = useState<Guest[]>(() =>
    users.length > 0 ? [] : [{ name: '', ratings_file: '' }],
  );
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
      users,
      k: 20,
    });
  };
  const others = guests.length + users.length;
  const ready = others > 0 && guests.every((g) => g.name.trim() && g.ratings_file.trim());

  return (
    <Stack spacing={3}>
      <div>
        <Typography variant="h4" component="h1">
          Watch together
        </Typography>
        <Typography sx={{ color: 'text.secondary', maxWidth: 760 }}>
          Films for you and up to five friends that none of you has rated, ranked so that the least
          happy of you is as happy as possible. A friend with a public NextFlex profile joins from
          their profile page (“Watch together”); any other friend brings their ratings: a Letterboxd
          or IMDb export, or a CSV of titles, years and ratings. Nothing of theirs is saved.
        </Typography>
      </div>
      <Stack component="form" spacing={2} onSubmit={submit} aria-label="Who is watching">
        {users.length > 0 && (
          <Stack direction="row" spacing={1} sx={{ flexWrap: 'wrap', rowGap: 1 }}>
            {users.map((id) => (
              <MemberChip
                key={id}
                id={id}
                onDelete={() => setUsers((list) => list.filter((u) => u !== id))}
              />
            ))}
          </Stack>
        )}
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
                {others > 1 && (
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
            disabled={others >= MAX_OTHERS}
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
