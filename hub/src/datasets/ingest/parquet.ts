/**
 * Parquet files as a record source for the same cleaning, typing and loading as CSV: the header
 * is the top-level schema's column names, and rows are read one row group at a time (hyparquet,
 * pure JavaScript) so memory stays bounded by the largest row group, not the file. Values become
 * the text the cell parsers read: numbers and bigints as decimal text, booleans as true/false,
 * dates and timestamps as ISO 8601, nested values as JSON, null as an empty (null) cell.
 */
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects, parquetSchema, type FileMetaData } from 'hyparquet';
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

/** The limits a file's metadata is held to before anything is decoded (the upload's own limits). */
export interface ParquetLimits {
  /** AIMASS_DATASET_MAX_ROWS */
  maxRows: number;
  /** AIMASS_DATASET_MAX_BYTES: the data, uncompressed, may be no larger than an upload may be. */
  maxBytes: number;
  /** The file's own size: no column chunk can be larger than the file holding it. */
  fileBytes: number;
}

const asNumber = (value: bigint | number | undefined) => Number(value ?? 0);

/**
 * Checks what the footer declares — rows, row groups, uncompressed and compressed sizes — against
 * the limits, so a small file that claims billions of rows or a row group of terabytes is refused
 * before a row group is decoded (decoding allocates by these numbers).
 */
export function checkParquetMetadata(metadata: FileMetaData, limits: ParquetLimits): void {
  const rows = asNumber(metadata.num_rows);
  if (!Number.isSafeInteger(rows) || rows < 0) throw badInput('body', `The Parquet file declares an impossible row count (${metadata.num_rows})`);
  if (rows > limits.maxRows) throw badInput('body', `The Parquet file declares ${rows} rows; at most ${limits.maxRows} are allowed (AIMASS_DATASET_MAX_ROWS)`);
  let groupRows = 0;
  let uncompressed = 0;
  metadata.row_groups.forEach((group, g) => {
    const n = asNumber(group.num_rows);
    if (!Number.isSafeInteger(n) || n < 0) throw badInput('body', `Parquet row group ${g} declares an impossible row count (${group.num_rows})`);
    groupRows += n;
    if (groupRows > rows) throw badInput('body', `The Parquet row groups declare more rows than the file (${rows}); the file is corrupt`);
    let groupBytes = 0;
    for (const chunk of group.columns) {
      const meta = chunk.meta_data;
      if (!meta) continue;
      const compressed = asNumber(meta.total_compressed_size);
      const size = asNumber(meta.total_uncompressed_size);
      if (!(compressed >= 0 && compressed <= limits.fileBytes)) {
        throw badInput('body', `Parquet row group ${g} declares a column chunk of ${compressed} bytes in a file of ${limits.fileBytes}; the file is corrupt`);
      }
      if (!(size >= 0)) throw badInput('body', `Parquet row group ${g} declares an impossible size`);
      groupBytes += size;
    }
    groupBytes = Math.max(groupBytes, asNumber(group.total_byte_size));
    if (groupBytes > limits.maxBytes) {
      throw badInput('body', `Parquet row group ${g} declares ${groupBytes} bytes uncompressed; at most ${limits.maxBytes} are allowed (AIMASS_DATASET_MAX_BYTES)`);
    }
    uncompressed += groupBytes;
  });
  if (uncompressed > limits.maxBytes) {
    throw badInput('body', `The Parquet file declares ${uncompressed} bytes uncompressed; at most ${limits.maxBytes} are allowed (AIMASS_DATASET_MAX_BYTES)`);
  }
}

export async function openParquet(file: string, limits: ParquetLimits): Promise<ParquetSource> {
  const buffer = await asyncBufferFromFile(file);
  let metadata;
  try {
    metadata = await parquetMetadataAsync(buffer);
  } catch (error) {
    throw badInput('body', `The file is not a readable Parquet file (${(error as Error).message})`);
  }
  checkParquetMetadata(metadata, limits);
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
