import TablePagination from '@mui/material/TablePagination';
import { ROWS_PER_PAGE } from './useTablePaging';

interface Props {
  /** The list as the API paged it (absent while loading). */
  data?: { count: number; pages: number };
  /** Zero-based, as MUI counts pages. */
  page: number;
  setPage: (page: number) => void;
  rowsPerPage: number;
  /** Expected to go back to the first page as well. */
  setRowsPerPage: (rows: number) => void;
}

/** The pagination bar under an admin table; a page past the end shows as the first one. */
export function TablePager({ data, page, setPage, rowsPerPage, setRowsPerPage }: Props) {
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
