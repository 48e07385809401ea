import Button from '@mui/material/Button';
import TravelExploreOutlinedIcon from '@mui/icons-material/TravelExploreOutlined';
import { usePageTitle } from '../app/usePageTitle';
import { EmptyState } from '../components/EmptyState';

export default function NotFoundPage() {
  usePageTitle('Page not found');
  return (
    <EmptyState
      icon={<TravelExploreOutlinedIcon />}
      title="This page does not exist"
      action={
        <Button href="/" variant="contained">
          Go home
        </Button>
      }
    >
      The address may be mistyped, or the page may have moved.
    </EmptyState>
  );
}
