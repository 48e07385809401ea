import Button from '@mui/material/Button';
import MovieFilterOutlinedIcon from '@mui/icons-material/MovieFilterOutlined';
import { EmptyState } from './EmptyState';

/** What a page shows for an id the catalogue does not hold (a 404, or an id that cannot be
 * one): says so, and offers the catalogue, instead of an error to retry. */
export function NoSuchPage({ what, children }: { what: string; children: string }) {
  return (
    <EmptyState
      icon={<MovieFilterOutlinedIcon />}
      title={`No such ${what}`}
      action={
        <Button href="/browse" variant="contained">
          Browse the catalogue
        </Button>
      }
    >
      {children}
    </EmptyState>
  );
}
