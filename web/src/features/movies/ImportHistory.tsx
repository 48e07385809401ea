import { useState } from 'react';
import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import Checkbox from '@mui/material/Checkbox';
import Chip from '@mui/material/Chip';
import FormControlLabel from '@mui/material/FormControlLabel';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import UploadFileOutlinedIcon from '@mui/icons-material/UploadFileOutlined';
import { errorMessage } from '../../api/errors';
import { useImportHistoryMutation } from '../../api/lists';
import { useRateMovieMutation } from '../../api/movies';
import type { ImportReport, ImportUnmatched } from '../../api/types';

function Unmatched({ row }: { row: ImportUnmatched }) {
  const [rate, state] = useRateMovieMutation();
  const [picked, setPicked] = useState<number | null>(null);
  const label = `${row.title ?? '?'}${row.year ? ` (${row.year})` : ''}`;
  return (
    <Stack
      direction="row"
      spacing={1}
      sx={{ alignItems: 'center', flexWrap: 'wrap', rowGap: 1 }}
      data-testid="import-unmatched"
    >
      <Typography variant="body2" sx={{ minWidth: 220 }}>
        Line {row.line}: {label}
        {row.rating != null ? ` · ${row.rating} ★` : ''}
      </Typography>
      {row.candidates.length === 0 && (
        <Typography variant="body2" sx={{ color: 'text.secondary' }}>
          no close title
        </Typography>
      )}
      {row.rating != null &&
        row.candidates.map((c) => (
          <Chip
            key={c.id}
            size="small"
            variant={picked === c.id ? 'filled' : 'outlined'}
            color={picked === c.id ? 'success' : 'default'}
            label={`${c.title}${c.year ? ` (${c.year})` : ''}`}
            disabled={state.isLoading || picked !== null}
            onClick={async () => {
              await rate({ id: c.id, rating: row.rating ?? 0 }).unwrap();
              setPicked(c.id);
            }}
            title={`Rate ${c.title} ${row.rating} stars`}
          />
        ))}
    </Stack>
  );
}

function Summary({ report }: { report: ImportReport }) {
  const parts = [
    `${report.rows} rows`,
    `${report.matched} matched`,
    report.rated ? `${report.rated} new ratings` : '',
    report.already_rated ? `${report.already_rated} rated already` : '',
    report.overwritten ? `${report.overwritten} replaced` : '',
    report.watchlisted ? `${report.watchlisted} added to your watchlist` : '',
    `${report.unmatched} not found`,
  ].filter(Boolean);
  return (
    <Alert severity={report.unmatched ? 'info' : 'success'} data-testid="import-summary">
      {parts.join(' · ')}
    </Alert>
  );
}

/**
 * Profile → Import: a Letterboxd, IMDb or plain CSV of the user's ratings or watchlist. Rows no
 * movie fits are listed with the closest titles; picking one rates it.
 */
export function ImportHistory() {
  const [file, setFile] = useState<File | null>(null);
  const [overwrite, setOverwrite] = useState(false);
  const [send, state] = useImportHistoryMutation();
  const submit = () => {
    if (!file) return;
    const form = new FormData();
    form.append('file', file);
    form.append('existing', overwrite ? 'overwrite' : 'keep');
    void send(form);
  };
  const report = state.data;
  return (
    <Stack spacing={2}>
      <Typography sx={{ color: 'text.secondary' }}>
        Bring your history: Letterboxd’s ratings.csv, diary.csv or watchlist.csv (Settings → Data →
        Export), IMDb’s ratings export, or any CSV with a rating and a movieId, imdb_id, tmdb_id, or
        title and year. Importing the same file again changes nothing.
      </Typography>
      <Stack direction="row" spacing={2} sx={{ alignItems: 'center', flexWrap: 'wrap', rowGap: 1 }}>
        <Button component="label" variant="outlined" startIcon={<UploadFileOutlinedIcon />}>
          {file ? file.name : 'Choose a CSV file'}
          <input
            hidden
            type="file"
            accept=".csv,text/csv"
            data-testid="import-file"
            onChange={(e) => setFile(e.target.files?.[0] ?? null)}
          />
        </Button>
        <FormControlLabel
          control={
            <Checkbox checked={overwrite} onChange={(e) => setOverwrite(e.target.checked)} />
          }
          label="Replace ratings I gave here already"
        />
        <Button
          variant="contained"
          disabled={!file || state.isLoading}
          onClick={submit}
          data-testid="import-submit"
        >
          {state.isLoading ? 'Importing…' : 'Import'}
        </Button>
      </Stack>
      {state.isError && <Alert severity="error">{errorMessage(state.error)}</Alert>}
      {report && <Summary report={report} />}
      {report && report.unmatched_rows.length > 0 && (
        <Stack spacing={1}>
          <Typography variant="subtitle2">
            Not found — pick the right film to rate it, or leave it
          </Typography>
          {report.unmatched_rows.map((row) => (
            <Unmatched key={row.line} row={row} />
          ))}
        </Stack>
      )}
    </Stack>
  );
}
