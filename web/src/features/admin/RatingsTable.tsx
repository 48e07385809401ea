import IconButton from '@mui/material/IconButton';
import Link from '@mui/material/Link';
import Rating from '@mui/material/Rating';
import Stack from '@mui/material/Stack';
import TableCell from '@mui/material/TableCell';
import TableRow from '@mui/material/TableRow';
import Tooltip from '@mui/material/Tooltip';
import DeleteOutlinedIcon from '@mui/icons-material/DeleteOutlined';
import { useDeleteAdminRatingMutation, useGetAdminRatingsQuery } from '../../api/admin';
import type { AdminRating } from '../../api/types';
import { formatDateTime } from '../../app/format';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { TableSearch } from './TableSearch';
import { useDeleteConfirmation } from './useDeleteConfirmation';
import { useTablePaging } from './useTablePaging';
import { AdminTable } from './AdminTable';

/** Every rating app users gave: search by email or title, page, delete. */
export function RatingsTable() {
  const paging = useTablePaging(25);
  const ratings = useGetAdminRatingsQuery(paging.query);
  const [deleteRating, deletion] = useDeleteAdminRatingMutation();
  const deleting = useDeleteConfirmation(
    (r: AdminRating) => deleteRating({ userId: r.user.id, movieId: r.movie.id }),
    deletion,
  );
  const data = ratings.currentData ?? ratings.data;
  return (
    <AdminTable
      name="Ratings"
      query={ratings}
      data={data}
      paging={paging}
      columns={[
        { label: 'User' },
        { label: 'Movie' },
        { label: 'Rating' },
        { label: 'Rated at' },
        { label: 'Actions', align: 'right' },
      ]}
      filters={
        <Stack sx={{ p: 2 }}>
          <TableSearch
            label="Search by email or movie title"
            value={paging.search}
            onChange={paging.setSearch}
          />
        </Stack>
      }
      row={(r) => (
        <TableRow key={`${r.user.id}-${r.movie.id}`} hover>
          <TableCell>{r.user.email}</TableCell>
          <TableCell>
            <Link href={`/movies/${r.movie.id}`}>{r.movie.title}</Link>
          </TableCell>
          <TableCell sx={{ whiteSpace: 'nowrap' }}>
            <Stack direction="row" spacing={1} sx={{ alignItems: 'center' }}>
              <Rating
                value={r.rating}
                precision={0.5}
                readOnly
                size="small"
                getLabelText={(v) => `${v} out of 5 stars`}
              />
              <span>{r.rating}</span>
            </Stack>
          </TableCell>
          <TableCell>{formatDateTime(r.rated_at)}</TableCell>
          <TableCell align="right">
            <Tooltip title="Delete">
              <IconButton
                size="small"
                color="error"
                aria-label={`Delete the rating of ${r.movie.title} by ${r.user.email}`}
                onClick={() => deleting.ask(r)}
              >
                <DeleteOutlinedIcon fontSize="small" />
              </IconButton>
            </Tooltip>
          </TableCell>
        </TableRow>
      )}
    >
      <ConfirmDialog
        {...deleting.dialog(
          'Delete this rating?',
          (r) => `${r.user.email}'s rating of ${r.movie.title} (${r.rating}) will be deleted.`,
        )}
      />
    </AdminTable>
  );
}
