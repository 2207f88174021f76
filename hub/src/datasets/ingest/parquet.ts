/**
 * Parquet files as a record source for the same cleaning, typing and loading as CSV: the header
 * is the top-level schema's column names, and rows are read one row group at a time (hyparquet,
 * pure JavaScript) so memory stays bounded by the largest row group, not the file. Values become
 * the text the cell parsers read: numbers and bigints as decimal text, booleans as true/false,
 * dates and timestamps as ISO 8601, nested values as JSON, null as an empty (null) cell.
 */
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects, parquetSchema } from 'hyparquet';
import { badInput } from '../../errors.js';

export interface ParquetSource {
  header: string[];
  rowCount: number;
  records(): AsyncGenerator<{ line: number; cells: string[] }>;
}

function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? '' : value.toISOString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  return JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? String(v) : v));
}

export async function openParquet(file: string): Promise<ParquetSource> {
  const buffer = await asyncBufferFromFile(file);
  let metadata;
  try {
    metadata = await parquetMetadataAsync(buffer);
  } catch (error) {
    throw badInput('body', `The file is not a readable Parquet file (${(error as Error).message})`);
  }
  const header = parquetSchema(metadata).children.map((child) => child.element.name);
  return {
    header,
    rowCount: Number(metadata.num_rows),
    async *records() {
      let start = 0;
      for (const group of metadata.row_groups) {
        const end = start + Number(group.num_rows);
        const rows = await parquetReadObjects({ file: buffer, metadata, rowStart: start, rowEnd: end });
        for (let i = 0; i < rows.length; i++) yield { line: start + i + 1, cells: header.map((name) => cellText(rows[i][name])) };
        start = end;
      }
    },
  };
}
