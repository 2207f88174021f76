/**
 * Reads the spooled file as records — arrays of raw cells with the line each ended on — for CSV,
 * TSV (csv-parse, streaming) and JSON Lines. The first record of CSV/TSV is the header; JSON Lines
 * has none (the caller derives columns from the keys it sees).
 */
import { StringDecoder } from 'node:string_decoder';
import { CsvError, parse } from 'csv-parse';
import { AppError, badInput } from '../../errors.js';
import { utf8Stream, type SourceFile } from './decode.js';
import { NotPlainCsv, plainCsvBatches } from './plain-csv.js';
import type { RawRecord } from './raw-record.js';

/** One record (CSV) or line (JSON Lines) may hold at most this many characters: memory stays bounded. */
export const MAX_RECORD_CHARS = 16 * 1024 * 1024;

export type { RawRecord } from './raw-record.js';

export async function* csvRecords(file: SourceFile, delimiter: string, encoding: 'utf8' | 'latin1'): AsyncGenerator<RawRecord> {
  const source = utf8Stream(file, encoding);
  const parser = source.pipe(
    parse({
      delimiter,
      // TSV has no quoting: a " is part of the cell.
      quote: delimiter === '\t' ? false : '"',
      bom: true,
      relax_column_count: true,
      skip_empty_lines: true,
      info: true,
      max_record_size: MAX_RECORD_CHARS,
    }),
  );
  // pipe() does not pass the source's failure on (a spooled body cut off, or a read told to wait for it whole).
  source.on('error', (error: Error) => parser.destroy(error));
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      yield { line: info.lines, cells: record };
    }
  } catch (error) {
    if (error instanceof CsvError) {
      const line = (error as CsvError & { lines?: number }).lines;
      throw new AppError('BAD_USER_INPUT', `The file is not valid ${delimiter === '\t' ? 'TSV' : 'CSV'}${line ? ` at line ${line}` : ''}: ${error.message}`, [
        { field: 'body', message: error.message },
      ]);
    }
    throw error;
  } finally {
    parser.destroy();
    source.destroy();
  }
}

const BATCH = 1024;

/**
 * The records of {@link csvRecords}, in batches: read by the fast reader (plain-csv.ts) while the
 * file keeps to the shape it reads, then by csv-parse from the first record it does not (csv-parse
 * reads the file again from the start and its records already yielded are skipped).
 */
export async function* csvRecordBatches(file: SourceFile, delimiter: string, encoding: 'utf8' | 'latin1'): AsyncGenerator<RawRecord[]> {
  let yielded = 0;
  try {
    for await (const batch of plainCsvBatches(file, delimiter, encoding)) {
      yielded += batch.length;
      yield batch;
    }
    return;
  } catch (error) {
    if (!(error instanceof NotPlainCsv)) throw error;
  }
  let batch: RawRecord[] = [];
  for await (const record of csvRecords(file, delimiter, encoding)) {
    if (yielded > 0) {
      yielded--;
      continue;
    }
    batch.push(record);
    if (batch.length >= BATCH) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length) yield batch;
}

/** Any record stream in batches of up to `size`. */
export async function* batched<T>(items: AsyncIterable<T>, size = BATCH): AsyncGenerator<T[]> {
  let batch: T[] = [];
  for await (const item of items) {
    batch.push(item);
    if (batch.length >= size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length) yield batch;
}

export interface JsonRecord {
  line: number;
  object: Record<string, unknown>;
}

/** JSON Lines: one JSON object per non-blank line; anything else is refused with its line number. */
export async function* jsonRecords(file: SourceFile, encoding: 'utf8' | 'latin1'): AsyncGenerator<JsonRecord> {
  const input = utf8Stream(file, encoding);
  let line = 0;
  try {
    for await (let text of splitLines(input)) {
      line++;
      if (line === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      if (text.trim() === '') continue;
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        throw badInput('body', `line ${line} is not valid JSON`);
      }
      if (typeof value !== 'object' || value === null || Array.isArray(value)) throw badInput('body', `line ${line} is not a JSON object`);
      yield { line, object: value as Record<string, unknown> };
    }
  } finally {
    input.destroy();
  }
}

/** Lines of a text stream (LF or CRLF), refusing one longer than {@link MAX_RECORD_CHARS}. */
async function* splitLines(chunks: AsyncIterable<Buffer>): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8');
  let pending = '';
  let line = 0;
  for await (const chunk of chunks) {
    pending += decoder.write(chunk);
    let start = 0;
    for (let end = pending.indexOf('\n'); end !== -1; end = pending.indexOf('\n', start)) {
      line++;
      yield pending.slice(start, end).replace(/\r$/, '');
      start = end + 1;
    }
    pending = pending.slice(start);
    if (pending.length > MAX_RECORD_CHARS) throw badInput('body', `line ${line + 1} is longer than ${MAX_RECORD_CHARS} characters`);
  }
  pending += decoder.end();
  if (pending) yield pending.replace(/\r$/, '');
}

/** A JSON value as a cell: null stays null (→ ''), strings as they are, everything else as JSON text. */
export function jsonCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}
