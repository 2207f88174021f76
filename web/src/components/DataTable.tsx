/**
 * A table of rows, one column per `columns` entry, or a sentence when there are no rows. Rows
 * carry what `rowAttributes` gives them (test ids, data-* for finding a row by name).
 */
import type { HTMLAttributes, ReactNode } from 'react';

export interface Column<T> {
  header: string;
  /** Say the header to screen readers only (e.g. "Actions"). */
  hideHeader?: boolean;
  className?: string;
  cell(row: T): ReactNode;
}

type RowAttributes = HTMLAttributes<HTMLTableRowElement> & { [data: `data-${string}`]: string | undefined };

export interface DataTableProps<T> {
  rows: readonly T[];
  /** Falsy entries are left out (a column shown only sometimes). */
  columns: readonly (Column<T> | false | null | undefined)[];
  rowKey(row: T): string;
  rowAttributes?(row: T): RowAttributes;
  caption: string;
  testId: string;
  /** Said instead of the table when there are no rows. */
  empty: ReactNode;
  emptyTestId?: string;
}

export function DataTable<T>({ rows, columns, rowKey, rowAttributes, caption, testId, empty, emptyTestId }: DataTableProps<T>) {
  if (rows.length === 0) {
    return (
      <p className="muted" data-testid={emptyTestId}>
        {empty}
      </p>
    );
  }
  const shown = columns.filter((column): column is Column<T> => Boolean(column));
  return (
    <div className="table-wrap">
      <table data-testid={testId}>
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            {shown.map((column) => (
              <th key={column.header} scope="col">
                {column.hideHeader ? <span className="visually-hidden">{column.header}</span> : column.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={rowKey(row)} {...rowAttributes?.(row)}>
              {shown.map((column) => (
                <td key={column.header} className={column.className}>
                  {column.cell(row)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
