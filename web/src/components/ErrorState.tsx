import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import Button from '@mui/material/Button';
import type { SerializedError } from '@reduxjs/toolkit';
import type { FetchBaseQueryError } from '@reduxjs/toolkit/query';
import { errorMessage } from '../api/errors';

export interface ErrorStateProps {
  error: FetchBaseQueryError | SerializedError | undefined;
  title?: string;
  onRetry?: () => void;
}

/** A failed request, said plainly, with a way to try again. */
export function ErrorState({ error, title = 'Could not load this', onRetry }: ErrorStateProps) {
  return (
    <Alert
      severity="error"
      variant="outlined"
      role="alert"
      action={
        onRetry ? (
          <Button color="inherit" size="small" onClick={onRetry}>
            Retry
          </Button>
        ) : undefined
      }
      sx={{ my: 2 }}
    >
      <AlertTitle>{title}</AlertTitle>
      {errorMessage(error)}
    </Alert>
  );
}
