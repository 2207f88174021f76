/**
 * Loading typed rows into a version's table, on the connection of the upload's transaction.
 *
 * PostgreSQL: `COPY … FROM STDIN` (text format) through pg-copy-streams, with backpressure.
 * PGlite: COPY FROM STDIN does not work through pglite-socket (tried with pg-copy-streams 7 and
 * pglite-socket 0.2.17: the server answers "protocol synchronization was lost" and drops the
 * connection), so there the rows go in as batched multi-row INSERTs with bound parameters.
 */
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { QueryRunner } from 'typeorm';

export interface RowLoader {
  /** One row, buffered: the row number, then one canonical value (or null) per column (an array the loader may reuse). */
  add(row: number, values: (string | null)[]): void;
  /** Sends what is buffered once there is enough of it, waiting while the database is behind. */
  flush(): Promise<void>;
  /** Sends everything buffered and ends the load. */
  finish(): Promise<void>;
  abort(): void;
}

const ESCAPED = /[\\\t\n\r]/;

/** COPY text format: backslash escapes for \, tab, newline and CR; \N is NULL. */
function copyText(value: string | null): string {
  if (value === null) return '\\N';
  if (!ESCAPED.test(value)) return value;
  return value.replace(/[\\\t\n\r]/g, (ch) => (ch === '\\' ? '\\\\' : ch === '\t' ? '\\t' : ch === '\n' ? '\\n' : '\\r'));
}

const COPY_CHUNK = 256 * 1024;

/**
 * `textual[c]`: whether column c (after `_row`) holds text. The other columns' canonical values
 * (numbers, booleans, dates, timestamps) never hold a character COPY escapes.
 */
export async function copyLoader(qr: QueryRunner, table: string, columns: string[], textual: boolean[]): Promise<RowLoader> {
  const client = (await qr.connect()) as PoolClient;
  const stream = client.query(copyFrom(`COPY ${table} (${columns.join(', ')}) FROM STDIN`));
  let failure: Error | undefined;
  stream.on('error', (error) => (failure ??= error));
  // Whole rows of COPY text, joined into one string per write.
  let rows: string[] = [];
  let size = 0;
  const send = async () => {
    if (failure) throw failure;
    if (rows.length === 0) return;
    const ok = stream.write(rows.join(''));
    rows = [];
    size = 0;
    if (!ok) {
      // Whichever comes first; the other listener is removed (a listener per wait would pile up).
      const done = new AbortController();
      await Promise.race([once(stream, 'drain', { signal: done.signal }), once(stream, 'error', { signal: done.signal })]).catch(() => undefined);
      done.abort();
    }
    if (failure) throw failure;
  };
  return {
    add(row, values) {
      // The values array is the caller's, made for this row: it takes the COPY text in place.
      for (let c = 0; c < values.length; c++) {
        const value = values[c];
        values[c] = value === null ? '\\N' : textual[c] ? copyText(value) : value;
      }
      const line = `${row}\t${values.join('\t')}\n`;
      rows.push(line);
      size += line.length;
    },
    async flush() {
      if (size >= COPY_CHUNK || failure) await send();
    },
    async finish() {
      await send();
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
