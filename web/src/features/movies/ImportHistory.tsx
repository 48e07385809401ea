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
import type { ImportReport, ImportSkipped, ImportUnmatched } from '../../api/types';

function Unmatched({ row, showFile }: { row: ImportUnmatched; showFile: boolean }) {
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
        {showFile ? `${row.file}, line ${row.line}` : `Line ${row.line}`}: {label}
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

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function Summary({ report }: { report: ImportReport }) {
  const parts = [
    plural(report.rows, 'row'),
    `${report.matched} matched`,
    report.rated ? plural(report.rated, 'new rating') : '',
    report.already_rated ? `${report.already_rated} rated already` : '',
    report.overwritten ? `${report.overwritten} replaced` : '',
    report.watchlisted ? `${report.watchlisted} added to your watchlist` : '',
    report.seen ? `${plural(report.seen, 'film')} marked seen` : '',
    report.dismissed ? `${report.dismissed} marked not interested` : '',
    `${report.unmatched} not found`,
  ].filter(Boolean);
  // What was read but is not a film of this catalogue, or nothing to import: said once each.
  const notes = [
    report.files.length > 1
      ? `Read ${report.files.map((f) => `${f.file} (${plural(f.rows, 'row')})`).join(', ')}.`
      : '',
    report.after_catalogue
      ? `${plural(report.after_catalogue, 'film')} from after ${report.catalogue_last_year ?? 'its last year'} ${report.after_catalogue === 1 ? 'is' : 'are'} not in this catalogue yet.`
      : '',
    report.not_films
      ? `${plural(report.not_films, 'TV or game title')} skipped: NextFlex recommends films.`
      : '',
    report.seen
      ? 'Films you watched or liked without rating them are marked seen: they leave your recommendations (Watchlist page to undo).'
      : '',
  ].filter(Boolean);
  return (
    <Alert
      severity={report.unmatched || report.skipped ? 'info' : 'success'}
      data-testid="import-summary"
    >
      {parts.join(' · ')}
      {notes.map((n) => (
        <Typography key={n} variant="body2" sx={{ mt: 0.5 }}>
          {n}
        </Typography>
      ))}
    </Alert>
  );
}

function Skipped({
  rows,
  total,
  showFile,
}: {
  rows: ImportSkipped[];
  total: number;
  showFile: boolean;
}) {
  return (
    <details data-testid="import-skipped">
      <summary>
        <Typography component="span" variant="subtitle2">
          {plural(total, 'row')} could not be read
          {total > rows.length ? ` (the first ${rows.length} listed)` : ''}
        </Typography>
      </summary>
      <Stack component="ul" spacing={0.5} sx={{ pl: 3, my: 1 }}>
        {rows.map((row) => (
          <Typography component="li" variant="body2" key={`${row.file}:${row.line}`}>
            {showFile ? `${row.file}, line ${row.line}` : `Line ${row.line}`}: {row.reason}
          </Typography>
        ))}
      </Stack>
    </details>
  );
}

/**
 * Profile → Import: Letterboxd's export zip (or one of its files), IMDb's ratings export or a plain
 * CSV. Rows no movie fits are listed with the closest titles; picking one rates it. Rows that
 * cannot be read are listed with their reasons; TV titles and films newer than the catalogue are
 * counted in one line each.
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
  const several = (report?.files.length ?? 0) > 1;
  return (
    <Stack spacing={2}>
      <Typography sx={{ color: 'text.secondary' }}>
        Bring your history: the zip Letterboxd gives you (Settings → Data → Export; upload it as it
        is, or one of its files: ratings.csv, diary.csv, watchlist.csv, watched.csv), IMDb’s ratings
        export (Your Ratings → ⋯ → Export), Trakt’s export (Settings → Data → Export; the zip, or
        one of its JSON lists), NextFlex’s own export, or any CSV with a rating and a movieId,
        imdb_id, tmdb_id, or title and year. Films watched or liked without a rating are marked
        seen. Importing the same file again changes nothing.
      </Typography>
      <Stack direction="row" spacing={2} sx={{ alignItems: 'center', flexWrap: 'wrap', rowGap: 1 }}>
        <Button component="label" variant="outlined" startIcon={<UploadFileOutlinedIcon />}>
          {file ? file.name : 'Choose a file (.zip or .csv)'}
          <input
            hidden
            type="file"
            accept=".csv,.zip,.json,text/csv,application/zip,application/json"
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
      {report && report.skipped > 0 && (
        <Skipped rows={report.skipped_rows} total={report.skipped} showFile={several} />
      )}
      {report && report.unmatched_rows.length > 0 && (
        <Stack spacing={1}>
          <Typography variant="subtitle2">
            Not found — pick the right film to rate it, or leave it
          </Typography>
          {report.unmatched_rows.map((row) => (
            <Unmatched key={`${row.file}:${row.line}`} row={row} showFile={several} />
          ))}
        </Stack>
      )}
    </Stack>
  );
}
