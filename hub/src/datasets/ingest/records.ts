/**
 * Reads the spooled file as records — arrays of raw cells with the line each ended on — for CSV,
 * TSV (csv-parse, streaming) and JSON Lines. The first record of CSV/TSV is the header; JSON Lines
 * has none (the caller derives columns from the keys it sees).
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { CsvError, parse } from 'csv-parse';
import { AppError, badInput } from '../../errors.js';

export interface RawRecord {
  /** 1-based line number in the file where the record ends. */
  line: number;
  cells: string[];
}

export async function* csvRecords(file: string, delimiter: string, encoding: 'utf8' | 'latin1'): AsyncGenerator<RawRecord> {
  const parser = createReadStream(file).pipe(
    parse({ delimiter, encoding, bom: true, relax_column_count: true, skip_empty_lines: true, info: true }),
  );
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
  }
}

export interface JsonRecord {
  line: number;
  object: Record<string, unknown>;
}

/** JSON Lines: one JSON object per non-blank line; anything else is refused with its line number. */
export async function* jsonRecords(file: string, encoding: 'utf8' | 'latin1'): AsyncGenerator<JsonRecord> {
  const input = createReadStream(file, { encoding });
  const lines = createInterface({ input, crlfDelay: Infinity });
  let line = 0;
  try {
    for await (let text of lines) {
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
    lines.close();
    input.destroy();
  }
}

/** A JSON value as a cell: null stays null (→ ''), strings as they are, everything else as JSON text. */
export function jsonCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}
