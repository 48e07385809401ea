import Box from '@mui/material/Box';
import Paper from '@mui/material/Paper';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableContainer from '@mui/material/TableContainer';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import type { ModelTuning, TuningReport } from '../../api/types';

const MODEL_NAMES: Record<string, string> = {
  ease: 'Ranking model (EASE)',
  ials: 'Ranking model (iALS)',
  blend: 'Ranking model: EASE + iALS blend (weight 0: EASE alone)',
  als: 'Predicted stars (explicit ALS)',
  similar: 'Similar movies (the weights of each list)',
};

const METRIC_NAMES: Record<string, string> = {
  ndcg_at_10: 'NDCG@10 (higher is better)',
  net_ndcg_at_10:
    'NDCG@10 less the same gains for films the user rated 2★ or less (higher is better)',
  rmse: 'RMSE (lower is better)',
  hit_rate_at_10_within_goals:
    'share of liked films whose top 10 holds one the user went on to like, among lists a fan would accept (higher is better)',
};

function score(x: number | null | undefined): string {
  return x === null || x === undefined ? '—' : x.toFixed(4);
}

function grid(values: number[]): string {
  return values.map((v) => String(v)).join(' · ');
}

function Summary({ t }: { t: TuningReport }) {
  const parts = [
    `${t.seconds.toFixed(1)} s of a ${t.budget_seconds.toFixed(1)} s budget`,
    `${t.validation_pairs.toLocaleString()} validation ratings`,
  ];
  if (t.sampled_users) parts.push(`on a sample of ${t.sampled_users.toLocaleString()} users`);
  if (t.out_of_budget) parts.push('stopped at its budget (the best values so far were kept)');
  return (
    <Typography variant="body2" sx={{ color: 'text.secondary' }}>
      {t.method}: {parts.join(' · ')}.
    </Typography>
  );
}

function ModelRows({ m }: { m: ModelTuning }) {
  const took = m.seconds ? ` in ${m.seconds.toFixed(1)} s` : '';
  const passed = m.passed_over
    ? `; ${m.passed_over === 1 ? 'the best setting was' : `the ${m.passed_over} best settings were`} passed over, their lists made from all the ratings being outside the fan goals`
    : '';
  const verdict =
    m.default_score === null || m.default_score === undefined
      ? 'not tuned: the defaults as they are'
      : m.defaults
        ? `the defaults held (${score(m.default_score)}) after ${m.trials} fits${took}${passed}`
        : `${score(m.default_score)} with the defaults → ${score(m.best_score)} after ${m.trials} fits${took}${passed}`;
  return (
    <>
      <TableRow>
        <TableCell colSpan={4} sx={{ bgcolor: 'action.hover' }}>
          <strong>{MODEL_NAMES[m.model] ?? m.model}</strong> · {METRIC_NAMES[m.metric] ?? m.metric}{' '}
          on validation: {verdict}
        </TableCell>
      </TableRow>
      {m.space.map((d) => (
        <TableRow key={`${m.model}-${d.name}`}>
          <TableCell sx={{ fontFamily: 'monospace', whiteSpace: 'nowrap' }}>{d.name}</TableCell>
          <TableCell align="right" sx={{ fontWeight: 700 }}>
            {m.chosen[d.name] ?? '—'}
          </TableCell>
          <TableCell>{d.about}</TableCell>
          <TableCell sx={{ color: 'text.secondary', fontSize: '0.8rem' }}>
            {grid(d.values)}
          </TableCell>
        </TableRow>
      ))}
    </>
  );
}

/** How the model in service chose its hyper-parameters, one line per parameter. */
export function TuningCard({ tuning }: { tuning: TuningReport | null | undefined }) {
  if (!tuning) return null;
  return (
    <Paper variant="outlined" sx={{ p: 2.5 }} data-testid="tuning">
      <Typography variant="h6" component="h2">
        How the current model was tuned
      </Typography>
      <Summary t={tuning} />
      {tuning.models.length > 0 && (
        <TableContainer sx={{ mt: 1 }}>
          <Table size="small" aria-label="Tuned parameters">
            <TableHead>
              <TableRow>
                <TableCell>Parameter</TableCell>
                <TableCell align="right">Chosen</TableCell>
                <TableCell>What it does</TableCell>
                <TableCell>Searched</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {tuning.models.map((m) => (
                <ModelRows key={m.model} m={m} />
              ))}
            </TableBody>
          </Table>
        </TableContainer>
      )}
      {tuning.models.length === 0 && (
        <Box sx={{ mt: 1 }}>
          <Typography variant="body2">
            Not tuned: this version uses the default parameters.
          </Typography>
        </Box>
      )}
    </Paper>
  );
}
