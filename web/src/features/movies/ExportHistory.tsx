import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import DownloadIcon from '@mui/icons-material/Download';
import { useExportHistoryMutation } from '../../api/lists';

/** Downloads the caller's ratings, watchlist and "not interested" films as a zip. */
export function ExportHistory() {
  const [exportHistory, state] = useExportHistoryMutation();
  const download = async () => {
    const result = await exportHistory();
    if (!('data' in result) || !result.data) return;
    const link = document.createElement('a');
    link.href = result.data;
    link.download = `nextflex-${new Date().toISOString().slice(0, 10)}.zip`;
    link.click();
    setTimeout(() => URL.revokeObjectURL(result.data), 10_000);
  };
  return (
    <Stack spacing={1.5} sx={{ alignItems: 'flex-start' }}>
      <Typography sx={{ color: 'text.secondary' }}>
        Your ratings, watchlist, films seen and the films you are not interested in, as a zip: its
        ratings.csv, watchlist.csv and watched.csv use Letterboxd&rsquo;s columns with TMDB and IMDb
        ids, so Letterboxd&rsquo;s importer and NextFlex&rsquo;s read them back (NextFlex reads back
        the films you are not interested in, too).
      </Typography>
      <Button
        variant="outlined"
        startIcon={<DownloadIcon />}
        onClick={() => void download()}
        disabled={state.isLoading}
      >
        {state.isLoading ? 'Preparing…' : 'Download my films'}
      </Button>
      {state.isError && (
        <Alert severity="error">Could not prepare your export; please try again.</Alert>
      )}
    </Stack>
  );
}
