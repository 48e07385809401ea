import type { ReactNode } from 'react';
import Paper from '@mui/material/Paper';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableContainer from '@mui/material/TableContainer';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import { ErrorState } from '../../components/ErrorState';
import { EmptyRow, SkeletonRows } from './TableStates';
import { TablePager } from './TablePager';
import type { TablePaging } from './useTablePaging';

export interface Column {
  label: string;
  align?: 'right';
}

interface Props<T> {
  /** What the table lists, capitalised: its label, and its messages in lower case. */
  name: string;
  /** The page query's state (an RTK Query result). */
  query: { error?: unknown; isFetching: boolean; refetch: () => void };
  /** The page shown: the current one, or the last while the next loads. */
  data?: { results: T[]; count: number; pages: number };
  paging: TablePaging;
  columns: Column[];
  /** Above the table: search and filters. */
  filters: ReactNode;
  /** One `<TableRow>` per item. */
  row: (item: T) => ReactNode;
  /** After the pager: the table's dialogs. */
  children?: ReactNode;
}

/**
 * An admin table: its filters, a failure with a retry, the header, placeholder rows while the
 * first page loads, a row saying nothing matches, the rows, and the pager.
 */
export function AdminTable<T>(props: Props<T>) {
  const { name, query, data, paging, columns, filters, row, children } = props;
  const noun = name.toLowerCase();
  return (
    <Paper variant="outlined">
      {filters}
      {query.error !== undefined && !query.isFetching && (
        <ErrorState
          error={query.error as Parameters<typeof ErrorState>[0]['error']}
          title={`Could not load ${noun}`}
          onRetry={query.refetch}
        />
      )}
      <TableContainer>
        <Table size="small" aria-label={name}>
          <TableHead>
            <TableRow>
              {columns.map((c) => (
                <TableCell key={c.label} align={c.align}>
                  {c.label}
                </TableCell>
              ))}
            </TableRow>
          </TableHead>
          <TableBody sx={{ opacity: query.isFetching && data ? 0.6 : 1 }}>
            {!data && query.isFetching && <SkeletonRows columns={columns.length} />}
            {data && data.results.length === 0 && (
              <EmptyRow columns={columns.length} text={`No ${noun} match.`} />
            )}
            {data?.results.map(row)}
          </TableBody>
        </Table>
      </TableContainer>
      <TablePager data={data} paging={paging} />
      {children}
    </Paper>
  );
}
