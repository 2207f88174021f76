/**
 * Loading typed rows into a version's table, on the connection of the upload's transaction.
 *
 * PostgreSQL: `COPY … FROM STDIN (FORMAT csv)` through pg-copy-streams, with backpressure, with
 * the file's own delimiter when COPY can take it: a record the load takes as written
 * (pass-through.ts) goes as it was read, after its row number; every other row is written from
 * its values. An unquoted empty field is NULL, and a quoted one too (`FORCE_NULL`: a file's `""`
 * is NULL as every empty cell is); a value holding the delimiter, a quote or a line break is
 * quoted.
 * PGlite: COPY FROM STDIN does not work through pglite-socket (tried with pg-copy-streams 7 and
 * pglite-socket 0.2.17: the server answers "protocol synchronization was lost" and drops the
 * connection), so there the rows go in as batched multi-row INSERTs with bound parameters.
 */
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { QueryRunner } from 'typeorm';
import { copyDelimiterAsWritten } from './pass-through.js';

export interface RowLoader {
  /** One row, buffered: the row number, then one canonical value (or null) per column (an array the loader may reuse). */
  add(row: number, values: (string | null)[]): void;
  /** One row as the file wrote it (`RawRecord.text` of a record pass-through.ts accepted: its UTF-8 bytes, one per character), buffered; only where `delimiter` is the file's. */
  addAsWritten?(row: number, text: string): void;
  /** The delimiter of the CSV the loader sends (undefined: it sends none). */
  readonly delimiter?: string;
  /** Waits while the database is behind (rows are sent as buffers fill). */
  flush(): Promise<void>;
  /** Sends everything buffered and ends the load. */
  finish(): Promise<void>;
  abort(): void;
}

const COPY_CHUNK = 256 * 1024;

/** `columns`: quoted identifiers, `_row` first. `fileDelimiter`: the upload's, which COPY uses when it can (else a comma). */
export async function copyLoader(qr: QueryRunner, table: string, columns: string[], fileDelimiter: string | null): Promise<RowLoader> {
  const delimiter = fileDelimiter !== null && copyDelimiterAsWritten(fileDelimiter) ? fileDelimiter : ',';
  const client = (await qr.connect()) as PoolClient;
  const stream = client.query(
    copyFrom(`COPY ${table} (${columns.join(', ')}) FROM STDIN (FORMAT csv, FREEZE, DELIMITER '${delimiter}', FORCE_NULL (${columns.slice(1).join(', ')}))`),
  );
  let failure: Error | undefined;
  stream.on('error', (error) => (failure ??= error));
  const special = new RegExp(`[${delimiter.replace(/[-\\\]^]/g, '\\$&')}"\r\n]`);
  const field = (value: string | null): string => (value === null ? '' : special.test(value) ? `"${value.replaceAll('"', '""')}"` : value);
  const delimiterCode = delimiter.charCodeAt(0);
  // Rows are written straight into a buffer as UTF-8 (no string per row joined and encoded
  // again); a full buffer is handed to the stream and a new one taken.
  let chunk = Buffer.allocUnsafe(COPY_CHUNK);
  let used = 0;
  let behind = false;
  const ship = () => {
    if (used === 0) return;
    if (!stream.write(chunk.subarray(0, used))) behind = true;
    chunk = Buffer.allocUnsafe(COPY_CHUNK);
    used = 0;
  };
  /** `fields` as text (`utf8`), or as its UTF-8 bytes one per character (`latin1`). */
  const putRow = (row: number, fields: string, encoding: 'utf8' | 'latin1') => {
    // At most 3 bytes of UTF-8 per UTF-16 unit, 16 digits of row number, delimiter, newline.
    const most = (encoding === 'utf8' ? 3 : 1) * fields.length + 18;
    if (used + most > chunk.length) {
      ship();
      if (most > chunk.length) chunk = Buffer.allocUnsafe(most);
    }
    let digits = 1;
    for (let n = row; n >= 10; n = Math.floor(n / 10)) digits++;
    for (let k = digits - 1, n = row; k >= 0; k--, n = Math.floor(n / 10)) chunk[used + k] = 48 + (n % 10);
    used += digits;
    chunk[used++] = delimiterCode;
    used += chunk.write(fields, used, encoding);
    chunk[used++] = 10;
  };
  return {
    delimiter,
    add(row, values) {
      // The values array is the caller's, made for this row: it takes the CSV fields in place.
      for (let c = 0; c < values.length; c++) values[c] = field(values[c]);
      putRow(row, values.join(delimiter), 'utf8');
    },
    addAsWritten: (row, text) => putRow(row, text, 'latin1'),
    async flush() {
      if (failure) throw failure;
      if (!behind) return;
      // Whichever comes first; the other listener is removed (a listener per wait would pile up).
      const done = new AbortController();
      await Promise.race([once(stream, 'drain', { signal: done.signal }), once(stream, 'error', { signal: done.signal })]).catch(() => undefined);
      done.abort();
      behind = false;
      if (failure) throw failure;
    },
    async finish() {
      if (failure) throw failure;
      ship();
      stream.end();
      await finished(stream);
      if (failure) throw failure;
    },
    abort() {
      stream.destroy();
    },
  };
}

/** Bind parameters per statement stay well under PostgreSQL's 65535. */
const MAX_PARAMS = 30_000;

export function insertLoader(qr: QueryRunner, table: string, columns: string[], sqlTypes: string[]): RowLoader {
  const types = ['bigint', ...sqlTypes];
  const perRow = types.length;
  const batchRows = Math.max(1, Math.min(1000, Math.floor(MAX_PARAMS / perRow)));
  let pending: (string | null)[][] = [];
  const insert = async (batch: (string | null)[][]) => {
    const tuples: string[] = [];
    for (let r = 0; r < batch.length; r++) tuples.push(`(${types.map((t, c) => `$${r * perRow + c + 1}::${t}`).join(', ')})`);
    await qr.query(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${tuples.join(', ')}`, batch.flat());
  };
  const send = async (all: boolean) => {
    while (pending.length >= batchRows || (all && pending.length > 0)) {
      const batch = pending.slice(0, batchRows);
      pending = pending.slice(batch.length);
      await insert(batch);
    }
  };
  return {
    add(row, values) {
      pending.push([String(row), ...values]);
    },
    flush: () => send(false),
    finish: () => send(true),
    abort() {
      pending = [];
    },
  };
}
