import Alert from '@mui/material/Alert';
import Collapse from '@mui/material/Collapse';
import LinearProgress from '@mui/material/LinearProgress';
import { useAppSelector } from '../app/hooks';

/** Shown while the server answers "warming up" (its recommenders are still being built). */
export function WarmingUpNotice() {
  const warmingUp = useAppSelector((state) => state.status.warmingUp);
  return (
    <Collapse in={warmingUp} unmountOnExit>
      <Alert
        severity="info"
        variant="filled"
        role="status"
        sx={{ borderRadius: 0 }}
        data-testid="warming-up"
      >
        NextFlex is warming up its recommenders — this takes a few seconds after a restart. We'll
        keep trying.
      </Alert>
      <LinearProgress color="info" aria-label="Waiting for the server" />
    </Collapse>
  );
}
