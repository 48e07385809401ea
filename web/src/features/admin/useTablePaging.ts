import { useState } from 'react';
import { useDebouncedValue } from '../../app/useDebouncedValue';

export const ROWS_PER_PAGE = [10, 25, 50];

/** Search text (debounced) and server-side paging for an admin table. */
export function useTablePaging(initialRows = 10) {
  const [search, setSearchText] = useState('');
  const [page, setPage] = useState(0);
  const [rowsPerPage, setRowsPerPageState] = useState(initialRows);
  const q = useDebouncedValue(search.trim(), 300);
  const [lastQ, setLastQ] = useState(q);
  // A new search starts from the first page.
  if (q !== lastQ) {
    setLastQ(q);
    setPage(0);
  }
  return {
    search,
    setSearch: setSearchText,
    q,
    page,
    setPage,
    rowsPerPage,
    setRowsPerPage: (rows: number) => {
      setRowsPerPageState(rows);
      setPage(0);
    },
    /** The API's paging parameters (pages start at 1 there). */
    query: { q: q || undefined, page: page + 1, page_size: rowsPerPage },
  };
}

export type TablePaging = ReturnType<typeof useTablePaging>;
