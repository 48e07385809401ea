import Button from '@mui/material/Button';
import Snackbar from '@mui/material/Snackbar';
import { useRemoveFromListMutation } from '../../api/lists';
import { useAppDispatch, useAppSelector } from '../../app/hooks';
import { undoClosed } from './undoSlice';

/** "Not interested in X · Undo" for a few seconds after a film is turned down from a card. */
export function UndoBar() {
  const dispatch = useAppDispatch();
  const dismissal = useAppSelector((state) => state.undo.dismissal);
  const [remove] = useRemoveFromListMutation();
  const close = () => dispatch(undoClosed());
  return (
    <Snackbar
      open={dismissal !== null}
      autoHideDuration={8000}
      onClose={(_event, reason) => reason !== 'clickaway' && close()}
      message={dismissal ? `Not interested in ${dismissal.title}` : ''}
      key={dismissal?.movieId}
      action={
        dismissal && (
          <Button
            color="secondary"
            size="small"
            onClick={() => {
              void remove({ list: 'dismissed', id: dismissal.movieId });
              close();
            }}
          >
            Undo
          </Button>
        )
      }
    />
  );
}
