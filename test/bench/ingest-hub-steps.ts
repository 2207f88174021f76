/**
 * Section 5 of the ingest benchmark (ingest.bench.ts): the hub's own work over the uploaded file,
 * in the bench process, without a database.
 */
import { performance } from 'node:perf_hooks';
import type { ColumnType } from '../../hub/src/datasets/dataset-version.entity.js';
import { DEFAULT_NULL_TOKENS, nullMatcher, parsers } from '../../hub/src/datasets/ingest/cells.js';
import { passThrough } from '../../hub/src/datasets/ingest/pass-through.js';
import { csvRecordBatches, csvRecords } from '../../hub/src/datasets/ingest/records.js';

/**
 * The upload's CPU-bound steps redone here, without a database: csv-parse over the file (the
 * reader the hub used before, records.ts `csvRecords`), the hub's reader (`csvRecordBatches`: the
 * fast reader of plain-csv.ts, csv-parse past anything it does not read), then the hub's reader
 * plus the per-cell null-token match and type check (cells.ts), and the same checks over
 * csv-parse's records; then the hub's reader with each record checked as the load does (taken as
 * written when pass-through.ts accepts it, its cells checked otherwise). Tells how much of the
 * upload is parsing and checking.
 */
export interface HubSteps {
  parseSeconds: number;
  fastParseSeconds: number;
  checkSeconds: number;
  fastCheckSeconds: number;
  /** The hub's reader, each record checked as the load checks it: taken as written (pass-through.ts), or its cells checked. */
  asLoadedSeconds: number;
}

export async function hubSteps(file: string, columns: readonly { type: ColumnType }[]): Promise<HubSteps> {
  const records = (reader: 'csv-parse' | 'hub') =>
    reader === 'csv-parse' ? csvRecords(file, ',', 'utf8') : (async function* () {
      for await (const batch of csvRecordBatches(file, ',', 'utf8')) yield* batch;
    })();
  const parseOnly = async (reader: 'csv-parse' | 'hub') => {
    const t = performance.now();
    let n = 0;
    for await (const record of records(reader)) n += record.cells.length;
    if (n === 0) throw new Error('no cells parsed');
    return (performance.now() - t) / 1000;
  };
  const isNull = nullMatcher(DEFAULT_NULL_TOKENS);
  const check = columns.map((c) => parsers[c.type]);
  const parseAndCheck = async (reader: 'csv-parse' | 'hub') => {
    let invalid = 0;
    let header = true;
    const t = performance.now();
    for await (const { cells } of records(reader)) {
      if (header) {
        header = false;
        continue;
      }
      for (let c = 0; c < cells.length; c++) {
        const cell = cells[c].trim();
        if (!isNull(cell) && check[c](cell) === undefined) invalid++;
      }
    }
    if (invalid < 0) throw new Error('unreachable');
    return (performance.now() - t) / 1000;
  };
  const asLoaded = async () => {
    const asWritten = passThrough(columns, ',', DEFAULT_NULL_TOKENS)!;
    let taken = 0;
    let header = true;
    const t = performance.now();
    for await (const record of records('hub')) {
      if (header) {
        header = false;
        continue;
      }
      if (asWritten.accepts(record)) {
        taken++;
        continue;
      }
      const { cells } = record;
      for (let c = 0; c < cells.length; c++) {
        const cell = cells[c].trim();
        if (!isNull(cell)) check[c](cell);
      }
    }
    if (taken === 0) throw new Error('no record taken as written');
    return (performance.now() - t) / 1000;
  };
  return {
    parseSeconds: await parseOnly('csv-parse'),
    fastParseSeconds: await parseOnly('hub'),
    checkSeconds: await parseAndCheck('csv-parse'),
    fastCheckSeconds: await parseAndCheck('hub'),
    asLoadedSeconds: await asLoaded(),
  };
}
