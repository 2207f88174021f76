/**
 * Second and third passes over a spooled upload: sniff, sample and infer types, then stream every
 * record through cleaning (trim, null tokens, typed parsing) into the version's table. Runs on
 * the upload transaction's connection; any throw rolls the whole upload back (no table, no
 * version). Returns the columns and the ingest report.
 *
 * It may start before the whole body is in (spool.ts): from the head alone, reading the file as it
 * arrives. What only the whole body tells is checked when the load has read to its end — a NUL
 * byte past the head, and whether the file was UTF-8 throughout: read as UTF-8 and found not to be,
 * it throws ReadAgainWhole and the upload starts again on the whole file.
 */
import type { QueryRunner } from 'typeorm';
import { badInput, type AppError } from '../../errors.js';
import { ColumnType, SQL_TYPES, type DatasetColumn } from '../dataset-version.entity.js';
import { protectDatasetTable } from '../sandbox-read-policy.js';
import { cellParsers, loadParsers, nullMatcher, type NumberFormat } from './cells.js';
import { normaliseHeaders } from './headers.js';
import { inferType, widerType } from './infer.js';
import { openParquet } from './parquet.js';
import { passThrough } from './pass-through.js';
import { copyLoader, insertLoader, type RowLoader } from './loader.js';
import { batched, csvRecordBatches, jsonCell, jsonRecords, type RawRecord } from './records.js';
import type { SourceFile } from './decode.js';
import { ReadAgainWhole, sniffDelimiter, type SpoolHead, type Spooled } from './spool.js';

export type UploadFormat = 'csv' | 'tsv' | 'jsonl' | 'parquet';
export type RaggedPolicy = 'reject' | 'pad';

export interface IngestOptions {
  format: UploadFormat;
  /** CSV only; sniffed from the first line when absent. */
  delimiter?: string;
  nullTokens: string[];
  /** Decimal mark and thousands separator of the numbers in the file. */
  numberFormat?: NumberFormat;
  raggedRows: RaggedPolicy;
  /** Rows sampled for type inference. */
  inferRows: number;
  maxRows: number;
  maxColumns: number;
  /** AIMASS_DATASET_MAX_BYTES: also bounds what a Parquet file declares uncompressed. */
  maxBytes: number;
}

export interface ColumnReport {
  name: string;
  originalName: string;
  type: ColumnType;
  nullCount: number;
  /** Cells that did not parse as the column's type and were stored as NULL. */
  invalidCount: number;
  invalidSamples: string[];
  /** Present when the sample's guess was widened during the load (see infer.ts): the type guessed, and the line of the first cell only the wider type held. */
  widenedFrom?: ColumnType;
  widenedAtLine?: number;
}

export interface IngestReport {
  format: UploadFormat;
  encoding: 'utf-8' | 'utf-8-bom' | 'latin-1';
  delimiter: string | null;
  bytes: number;
  rows: number;
  nullTokens: string[];
  numberFormat: NumberFormat;
  sampledRows: number;
  columns: ColumnReport[];
  renamedColumns: { from: string; to: string }[];
  raggedRows: { policy: RaggedPolicy; count: number; lines: number[]; padded: number; truncated: number };
  /** JSON Lines: keys seen after the sample that are not columns (their values are not stored). */
  ignoredKeys: string[];
}

const MAX_LISTED_LINES = 20;
const MAX_SAMPLES = 5;

interface Source {
  header: string[];
  /** Data records only (the header is skipped), in batches. */
  records(): AsyncGenerator<RawRecord[]>;
  ignoredKeys: Set<string>;
}

async function openSource(
  file: SourceFile,
  head: SpoolHead,
  encoding: 'utf8' | 'latin1',
  whole: Promise<Spooled>,
  options: IngestOptions,
): Promise<{ source: Source; delimiter: string | null }> {
  if (options.format === 'parquet') {
    // Read from its footer: the whole file first.
    const { bytes } = await whole;
    const parquet = await openParquet(typeof file === 'string' ? file : file.path, { maxRows: options.maxRows, maxBytes: options.maxBytes, fileBytes: bytes });
    return { delimiter: null, source: { header: parquet.header, ignoredKeys: new Set(), records: () => batched(parquet.records()) } };
  }
  if (options.format === 'jsonl') {
    const keys: string[] = [];
    const seen = new Set<string>();
    let n = 0;
    for await (const { object } of jsonRecords(file, encoding)) {
      for (const key of Object.keys(object)) if (!seen.has(key)) (seen.add(key), keys.push(key));
      if (++n >= options.inferRows) break;
    }
    const ignoredKeys = new Set<string>();
    return {
      delimiter: null,
      source: {
        header: keys,
        ignoredKeys,
        records: () =>
          batched(
            (async function* () {
              for await (const { line, object } of jsonRecords(file, encoding)) {
                for (const key of Object.keys(object)) if (!seen.has(key) && ignoredKeys.size < 100) ignoredKeys.add(key);
                yield { line, cells: keys.map((k) => jsonCell(object[k])) };
              }
            })(),
          ),
      },
    };
  }
  let delimiter = options.format === 'tsv' ? '\t' : options.delimiter;
  if (!delimiter) {
    const text = head.head.toString(encoding === 'utf8' ? 'utf8' : 'latin1').replace(/^\uFEFF/, '');
    delimiter = sniffDelimiter(text.split(/\r?\n/, 1)[0] ?? '');
  }
  let header: string[] | undefined;
  for await (const batch of csvRecordBatches(file, delimiter, encoding)) {
    header = batch[0]?.cells;
    break;
  }
  const d = delimiter;
  return {
    delimiter: d,
    source: {
      header: header ?? [],
      ignoredKeys: new Set(),
      async *records() {
        let first = true;
        for await (const batch of csvRecordBatches(file, d, encoding)) {
          if (first) {
            first = false;
            batch.shift();
            if (batch.length === 0) continue;
          }
          yield batch;
        }
      },
    },
  };
}

/**
 * What makes a body no dataset at all, from its head or (with `Spooled`) the whole of it: empty,
 * or binary. Such a body gets this answer whatever else a read of it ran into.
 */
export function bodyFault(body: SpoolHead | Spooled, options: IngestOptions): AppError | undefined {
  if (body.ended && body.head.length === 0) return badInput('body', 'The file is empty');
  if (options.format !== 'parquet' && (body.hasNul || body.controlShare > 0.05)) return badInput('body', 'The file does not look like text (it holds binary data)');
  return undefined;
}

export async function ingest(params: {
  file: SourceFile;
  /** The head of the body; `whole` settles when all of it is in the file. */
  head: SpoolHead;
  whole: Promise<Spooled>;
  options: IngestOptions;
  qr: QueryRunner;
  backend: 'postgres' | 'pglite';
  table: string;
}): Promise<{ columns: DatasetColumn[]; report: IngestReport; rowCount: number }> {
  const { file, head, whole, options, qr, table } = params;
  const early = bodyFault(head, options);
  if (early) throw early;
  // Bytes that are not UTF-8 make the whole file single-byte text; found past the head, the load starts again.
  const encoding = head.utf8 ? 'utf8' : 'latin1';
  const { source, delimiter } = await openSource(file, head, encoding, whole, options);
  if (source.header.length === 0 || source.header.every((h) => h.trim() === '')) {
    throw badInput('body', options.format === 'jsonl' ? 'The file holds no JSON objects' : 'The file is empty (no header row)');
  }
  if (source.header.length > options.maxColumns) throw badInput('body', `The file has ${source.header.length} columns; at most ${options.maxColumns} are allowed`);
  const width = source.header.length;
  const names = normaliseHeaders(source.header);
  const isNull = nullMatcher(options.nullTokens);

  // Pass 2: sample for inference.
  const samples: string[][] = names.map(() => []);
  let sampled = 0;
  sample: for await (const batch of source.records()) {
    for (const { cells } of batch) {
      for (let c = 0; c < width; c++) {
        const cell = (cells[c] ?? '').trim();
        if (!isNull(cell)) samples[c].push(cell);
      }
      if (++sampled >= options.inferRows) break sample;
    }
  }
  if (sampled === 0) throw badInput('body', options.format === 'jsonl' ? 'The file holds no rows' : 'The file has a header but no rows');
  const parsers = cellParsers(options.numberFormat);
  const columns: DatasetColumn[] = names.map((n, c) => ({ ...n, type: inferType(samples[c], parsers) }));
  samples.length = 0;

  // Pass 3: create the table and load every row, verifying each cell against its column's type.
  // A cell that only a wider type holds widens its column (ALTER … TYPE between two loader runs:
  // the rows already loaded are cast, nothing is read twice).
  const sqlTypes = columns.map((c) => SQL_TYPES[c.type]);
  await qr.query(`CREATE TABLE ${table} (_row bigint NOT NULL, ${columns.map((c, i) => `"${c.name}" ${sqlTypes[i]}`).join(', ')})`);
  await protectDatasetTable(qr, table);
  const quoted = ['_row', ...columns.map((c) => `"${c.name}"`)];
  const openLoader = async (): Promise<RowLoader> =>
    params.backend === 'postgres'
      ? copyLoader(qr, table, quoted, delimiter)
      : insertLoader(qr, table, quoted, sqlTypes);
  let loader = await openLoader();
  const reports: ColumnReport[] = columns.map((c) => ({ ...c, nullCount: 0, invalidCount: 0, invalidSamples: [] }));
  const load = loadParsers(options.numberFormat);
  const parse = columns.map((c) => load[c.type]);
  const widen = async (c: number, type: ColumnType, line: number) => {
    await loader.finish();
    await qr.query(`ALTER TABLE ${table} ALTER COLUMN "${columns[c].name}" TYPE ${SQL_TYPES[type]}`);
    reports[c].widenedFrom ??= columns[c].type;
    reports[c].widenedAtLine ??= line;
    columns[c] = { ...columns[c], type };
    reports[c].type = type;
    sqlTypes[c] = SQL_TYPES[type];
    parse[c] = load[type];
    loader = await openLoader();
  };
  const ragged = { policy: options.raggedRows, count: 0, lines: [] as number[], padded: 0, truncated: 0 };
  let rows = 0;
  const reject = options.raggedRows === 'reject';
  // Records whose every cell is stored as written go to COPY as the file has them (pass-through.ts).
  const asWritten = delimiter !== null && loader.delimiter === delimiter ? passThrough(columns, delimiter, options.nullTokens, options.numberFormat) : undefined;
  try {
    for await (const batch of source.records()) {
      for (const record of batch) {
        if (asWritten?.accepts(record)) {
          if (ragged.count > 0 && reject) continue;
          if (rows >= options.maxRows) throw badInput('body', `The file has more than ${options.maxRows} rows`);
          for (let k = 0; k < asWritten.nulls; k++) reports[asWritten.nullColumns[k]].nullCount++;
          loader.addAsWritten!(++rows, record.text!);
          continue;
        }
        const { line, cells } = record;
        if (cells.length !== width) {
          ragged.count++;
          if (ragged.lines.length < MAX_LISTED_LINES) ragged.lines.push(line);
          if (reject) continue;
          if (cells.length < width) ragged.padded++;
          else ragged.truncated++;
        }
        if (ragged.count > 0 && reject) continue;
        const values: (string | null)[] = new Array(width);
        for (let c = 0; c < width; c++) {
          const raw = cells[c];
          const cell = raw === undefined ? '' : raw.trim();
          if (isNull(cell)) {
            values[c] = null;
            reports[c].nullCount++;
            continue;
          }
          let value = parse[c](cell);
          if (value === undefined) {
            const wider = widerType(columns[c].type, cell, parsers);
            if (wider !== undefined) {
              await widen(c, wider, line);
              value = parse[c](cell);
            }
          }
          if (value === undefined) {
            values[c] = null;
            const report = reports[c];
            report.invalidCount++;
            if (report.invalidSamples.length < MAX_SAMPLES && !report.invalidSamples.includes(cell)) report.invalidSamples.push(cell.slice(0, 200));
          } else {
            values[c] = value;
          }
        }
        if (rows >= options.maxRows) throw badInput('body', `The file has more than ${options.maxRows} rows`);
        loader.add(++rows, values);
      }
      await loader.flush();
    }
    if (ragged.count > 0 && options.raggedRows === 'reject') {
      throw badInput(
        'body',
        `${ragged.count} row(s) do not have ${width} cells (lines ${ragged.lines.join(', ')}${ragged.count > ragged.lines.length ? ', …' : ''}); fix them or upload with raggedRows=pad`,
      );
    }
    await loader.finish();
  } catch (error) {
    // End the COPY cleanly (the rollback discards what it loaded) so the connection stays usable.
    await loader.finish().catch(() => loader.abort());
    throw error;
  }
  // The load has read to the body's end: what only the whole body tells is known.
  const spooled = await whole;
  const fault = bodyFault(spooled, options);
  if (fault) throw fault;
  if (options.format !== 'parquet' && spooled.encoding !== encoding) throw new ReadAgainWhole('encoding');
  await qr.query(`ALTER TABLE ${table} ADD PRIMARY KEY (_row)`);

  const renamedColumns = columns.filter((c) => c.name !== c.originalName).map((c) => ({ from: c.originalName, to: c.name }));
  return {
    columns,
    rowCount: rows,
    report: {
      format: options.format,
      // Parquet strings are UTF-8 by definition; the bytes around them are not text.
      encoding: options.format === 'parquet' ? 'utf-8' : spooled.encoding === 'latin1' ? 'latin-1' : spooled.bom ? 'utf-8-bom' : 'utf-8',
      delimiter,
      bytes: spooled.bytes,
      rows,
      nullTokens: options.nullTokens,
      numberFormat: options.numberFormat ?? { decimal: '.', thousands: '', dateOrder: 'YMD' },
      sampledRows: sampled,
      columns: reports,
      renamedColumns,
      raggedRows: ragged,
      ignoredKeys: [...source.ignoredKeys],
    },
  };
}
