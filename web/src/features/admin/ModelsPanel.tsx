import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import LinearProgress from '@mui/material/LinearProgress';
import Paper from '@mui/material/Paper';
import Skeleton from '@mui/material/Skeleton';
import Stack from '@mui/material/Stack';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableContainer from '@mui/material/TableContainer';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import ModelTrainingIcon from '@mui/icons-material/ModelTraining';
import { adminApi, useGetModelsQuery, useRetrainMutation } from '../../api/admin';
import { errorCode, errorMessage } from '../../api/errors';
import type { ModelVersion, Models } from '../../api/types';
import { formatAge, formatDateTime } from '../../app/format';
import { useAppSelector } from '../../app/hooks';
import { ErrorState } from '../../components/ErrorState';
import { EmptyRow } from './TableStates';
import { TuningCard } from './TuningCard';

const POLL_MS = 2000;

const VALUES_SX = { fontSize: '0.8rem', color: 'text.secondary', maxWidth: 320 };

function metric(value: number | null | undefined, digits = 3): string {
  return value === null || value === undefined ? '—' : value.toFixed(digits);
}

/** `key=value` lines, nested records flattened (`ranking.ease_lambda=200`), nulls left out. */
export function pairs(record: Record<string, unknown> | null, prefix = ''): string[] {
  const flat: string[] = [];
  for (const [k, v] of Object.entries(record ?? {})) {
    // How the values were tuned has a card of its own.
    if (v === null || v === undefined || (prefix === '' && k === 'tuning')) continue;
    if (typeof v === 'object' && !Array.isArray(v))
      flat.push(...pairs(v as Record<string, unknown>, `${prefix}${k}.`));
    else flat.push(`${prefix}${k}=${Array.isArray(v) ? v.join('/') : String(v)}`);
  }
  return flat;
}

/** A version's values, folded away until asked for: they would make every row tall. */
function Values({ record, what }: { record: Record<string, unknown> | null; what: string }) {
  const lines = pairs(record);
  if (lines.length === 0) return <>—</>;
  return (
    <details>
      <summary style={{ cursor: 'pointer', whiteSpace: 'nowrap' }}>
        {lines.length} {what}
      </summary>
      <Box
        component="ul"
        sx={{ m: 0, mt: 0.5, pl: 2, overflowWrap: 'anywhere', fontFamily: 'monospace' }}
      >
        {lines.map((line) => (
          <li key={line}>{line}</li>
        ))}
      </Box>
    </details>
  );
}

function isCurrent(models: Models, v: ModelVersion): boolean {
  return v.active || (models.current !== null && String(models.current) === String(v.version));
}

/** The ALS model versions with their metrics, and retraining with live progress. */
/** What each column of scores means, scored on a held-out 10 % of the ratings. */
const METRICS: [string, string][] = [
  ['RMSE', 'rating model: root-mean-square error of predicted stars (lower is better)'],
  ['MAE', 'rating model: mean absolute error of predicted stars (lower is better)'],
  ['P@10', 'lists: share of each top 10 that the user rated 4★ or more in the held-out part'],
  ['NDCG@10', 'lists: the same hits weighted by their place in the top 10 (1 is perfect)'],
  ['Coverage', 'lists: share of the catalogue that appears in anyone’s top 10'],
];

export function ModelsPanel() {
  const running = useAppSelector(
    (state) => adminApi.endpoints.getModels.select()(state).data?.training.state === 'running',
  );
  // Poll every 2 s while a training runs.
  const models = useGetModelsQuery(undefined, {
    pollingInterval: running ? POLL_MS : 0,
    skipPollingIfUnfocused: false,
  });
  const [retrain, retraining] = useRetrainMutation();

  if (models.isLoading)
    return <Skeleton variant="rounded" height={260} aria-label="Loading models" />;
  if (!models.data)
    return (
      <ErrorState error={models.error} title="Could not load the models" onRetry={models.refetch} />
    );
  const m = models.data;
  const t = m.training;
  // This replica's version (the one answering), with its age.
  const served = m.versions.find((v) => String(v.version) === String(m.current));
  const alreadyRunning = errorCode(retraining.error) === 'training_running';

  return (
    <Stack spacing={2}>
      <Paper variant="outlined" sx={{ p: 2.5 }} data-testid="training-status">
        <Stack
          direction={{ xs: 'column', sm: 'row' }}
          spacing={2}
          sx={{ justifyContent: 'space-between', alignItems: { sm: 'center' } }}
        >
          <Box>
            <Typography variant="h6" component="h2">
              Training
            </Typography>
            <Typography component="div" sx={{ color: 'text.secondary' }}>
              Current model: <strong>{m.current ?? 'none'}</strong>
              {served?.created_at != null && (
                <span data-testid="served-age"> (created {formatAge(served.created_at)} ago)</span>
              )}{' '}
              ·{' '}
              <Chip
                size="small"
                label={t.state}
                color={t.state === 'running' ? 'info' : t.state === 'failed' ? 'error' : 'default'}
                data-testid="training-state"
              />
            </Typography>
            <Typography
              variant="body2"
              sx={{ color: 'text.secondary', mt: 0.5 }}
              data-testid="search-mode"
            >
              {m.search === 'meaning'
                ? 'Search: titles, words and meaning (the text model is loaded)'
                : 'Search: titles and words (no text model: set NEXTFLEX_TEXT_MODEL to search by meaning)'}
            </Typography>
          </Box>
          <Button
            variant="contained"
            startIcon={<ModelTrainingIcon />}
            disabled={t.state === 'running' || retraining.isLoading}
            onClick={() => void retrain()}
          >
            {t.state === 'running' ? 'Training…' : 'Retrain'}
          </Button>
        </Stack>
        {t.state === 'running' && (
          <Box sx={{ mt: 2 }} aria-live="polite">
            <Typography variant="body2" sx={{ mb: 0.5 }}>
              {t.stage ?? 'Working'}
              {t.progress !== null ? ` · ${Math.round(t.progress * 100)}%` : ''}
              {t.started_at ? ` · started ${formatDateTime(t.started_at)}` : ''}
            </Typography>
            <LinearProgress
              variant={t.progress !== null ? 'determinate' : 'indeterminate'}
              value={(t.progress ?? 0) * 100}
              aria-label="Training progress"
            />
          </Box>
        )}
        {t.state === 'failed' && (
          <Alert severity="error" sx={{ mt: 2 }}>
            The last training failed{t.error ? `: ${t.error}` : '.'}
          </Alert>
        )}
        {retraining.error && (
          <Alert severity={alreadyRunning ? 'info' : 'error'} sx={{ mt: 2 }}>
            {alreadyRunning ? 'A training is already running.' : errorMessage(retraining.error)}
          </Alert>
        )}
      </Paper>
      <TuningCard tuning={m.tuning} />
      <Paper variant="outlined">
        <Box
          component="dl"
          data-testid="metric-legend"
          sx={{ m: 0, px: 2, pt: 1.5, fontSize: '0.8rem', color: 'text.secondary' }}
        >
          {METRICS.map(([name, meaning]) => (
            <Box key={name} sx={{ display: 'flex', gap: 1 }}>
              <Box component="dt" sx={{ fontWeight: 700, minWidth: 72 }}>
                {name}
              </Box>
              <Box component="dd" sx={{ m: 0 }}>
                {meaning}
              </Box>
            </Box>
          ))}
        </Box>
        <TableContainer>
          <Table size="small" aria-label="Model versions">
            <TableHead>
              <TableRow>
                <TableCell>Version</TableCell>
                <TableCell>Status</TableCell>
                <TableCell>Created</TableCell>
                <TableCell>Finished</TableCell>
                <TableCell align="right">RMSE</TableCell>
                <TableCell align="right">MAE</TableCell>
                <TableCell align="right">P@10</TableCell>
                <TableCell align="right">NDCG@10</TableCell>
                <TableCell align="right">Coverage</TableCell>
                <TableCell>Parameters</TableCell>
                <TableCell>Data</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {m.versions.length === 0 && (
                <EmptyRow columns={11} text="No model has been trained yet." />
              )}
              {m.versions.map((v) => (
                <TableRow
                  key={String(v.version)}
                  hover
                  selected={isCurrent(m, v)}
                  data-testid={`model-${v.version}`}
                >
                  <TableCell sx={{ whiteSpace: 'nowrap', fontWeight: 600 }}>
                    {v.version}{' '}
                    {isCurrent(m, v) && (
                      <Chip size="small" color="primary" label="current" sx={{ ml: 1 }} />
                    )}
                  </TableCell>
                  <TableCell>
                    {v.status}
                    {v.trained_by && (
                      <Typography
                        variant="caption"
                        sx={{ display: 'block', color: 'text.secondary' }}
                      >
                        by {v.trained_by}
                      </Typography>
                    )}
                    {v.error && (
                      <Typography variant="caption" sx={{ display: 'block', color: 'error.main' }}>
                        {v.error}
                      </Typography>
                    )}
                  </TableCell>
                  <TableCell sx={{ whiteSpace: 'nowrap' }}>
                    {formatDateTime(v.created_at)}
                  </TableCell>
                  <TableCell sx={{ whiteSpace: 'nowrap' }}>
                    {formatDateTime(v.finished_at)}
                  </TableCell>
                  <TableCell align="right">{metric(v.metrics?.rmse)}</TableCell>
                  <TableCell align="right">{metric(v.metrics?.mae)}</TableCell>
                  <TableCell align="right">{metric(v.metrics?.precision_at_10)}</TableCell>
                  <TableCell align="right">{metric(v.metrics?.ndcg_at_10)}</TableCell>
                  <TableCell align="right">{metric(v.metrics?.coverage)}</TableCell>
                  <TableCell sx={VALUES_SX}>
                    <Values record={v.params} what="parameters" />
                  </TableCell>
                  <TableCell sx={VALUES_SX}>
                    <Values record={v.data_sizes} what="figures" />
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </TableContainer>
      </Paper>
    </Stack>
  );
}
