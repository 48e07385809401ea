import TablePagination from '@mui/material/TablePagination';
import { ROWS_PER_PAGE, type TablePaging } from './useTablePaging';

interface Props {
  /** The list as the API paged it (absent while loading). */
  data?: { count: number; pages: number };
  /** The table's paging state (`useTablePaging`). */
  paging: TablePaging;
}

/** The pagination bar under an admin table; a page past the end shows as the first one. */
export function TablePager({ data, paging }: Props) {
  const { page, setPage, rowsPerPage, setRowsPerPage } = paging;
  return (
    <TablePagination
      component="div"
      count={data?.count ?? 0}
      page={data && page < Math.max(data.pages, 1) ? page : 0}
      onPageChange={(_e, p) => setPage(p)}
      rowsPerPage={rowsPerPage}
      rowsPerPageOptions={ROWS_PER_PAGE}
      onRowsPerPageChange={(e) => setRowsPerPage(Number(e.target.value))}
    />
  );
}
