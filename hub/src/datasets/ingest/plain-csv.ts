/**
 * A fast CSV/TSV reader for the common shape of a file — one record delimiter throughout (LF or
 * CRLF), fields either unquoted or quoted from their first character with `""` for a quote —
 * yielding exactly the records, cells and line numbers csv-parse yields with the options of
 * {@link csvRecords} (records.ts). Lines without a quote are split with `String#split`; a record
 * holding quotes is read character by character.
 *
 * Anything outside that shape (a lone CR, a quote inside an unquoted field, text after a closing
 * quote, an unclosed quote, a record near the size limit) throws {@link NotPlainCsv} before the
 * record it is in is yielded: every record yielded so far is what csv-parse yields too, so the
 * caller hands the rest of the file to csv-parse, which decides (and words any error) as before.
 *
 * The file's UTF-8 bytes are read one per character (`latin1`): every character the reader looks
 * for is ASCII, and no byte of a multi-byte UTF-8 sequence is, so records and cells split where
 * they would in the decoded text. Decoding as UTF-8 made each 64 KiB chunk of a file with any
 * non-ASCII character a two-byte string (twice the memory, and the decoding itself a tenth of the
 * hub's CPU in the ingest benchmark); a record's cells are decoded only when asked for
 * (raw-record.ts), and the load sends a record taken as written as the bytes it read.
 */
import { utf8Stream, type SourceFile } from './decode.js';
import { LineRecord, QuotedRecord, type RawRecord } from './raw-record.js';

/** The reader met something only csv-parse decides; `records` were yielded before it. */
export class NotPlainCsv extends Error {}

/** Records per yielded batch (fewer awaits per row). */
const BATCH = 1024;
// Larger chunks make each decoded string a large object: far more (and full) garbage collections.
const READ_CHUNK = 64 * 1024;
const LF = 10;
const CR = 13;
const QUOTE = 34;

/** Well under csv-parse's record size limit (16 MiB of UTF-8; the text here is bytes). */
const MAX_PLAIN_CHARS = Math.floor((16 * 1024 * 1024) / 3);
/** The UTF-8 byte order mark, one character per byte. */
const BOM = '\xEF\xBB\xBF';

type Mode = 'unknown' | 'lf' | 'crlf';
const LF_AT = 0;
const CR_AT = 1;
const QUOTE_AT = 2;
const DELIMITER_AT = 3;
/** A record that needs bytes not read yet. */
const MORE = Symbol('more');

interface Parsed {
  cells: string[];
  /** Where the record's text ends (before its record delimiter). */
  end: number;
  /** Position after the record delimiter (or the end of the text). */
  next: number;
  /** CR and LF characters inside quoted fields: csv-parse counts each as a line. */
  innerBreaks: number;
  /** False for an empty line, which csv-parse skips. */
  isRecord: boolean;
}

export async function* plainCsvBatches(file: SourceFile, delimiter: string, encoding: 'utf8' | 'latin1'): AsyncGenerator<RawRecord[]> {
  if (delimiter.length !== 1 || delimiter === '"' || delimiter === '\r' || delimiter === '\n') throw new NotPlainCsv();
  const quoting = delimiter !== '\t';
  const delim = delimiter.charCodeAt(0);
  const input = utf8Stream(file, encoding, READ_CHUNK);
  let mode: Mode = 'unknown';
  let line = 1;
  let text = '';
  let first = true;
  let batch: RawRecord[] = [];

  // Where the next LF, CR, quote and delimiter are in `text` (-1: none from where it was looked for on; -2:
  // not looked for), so a field looks each up once per occurrence, not once per field.
  const found = [-2, -2, -2, -2];
  const nextIndex = (slot: number, ch: string, from: number): number => {
    const at = found[slot];
    if (at === -1 || at >= from) return at;
    return (found[slot] = text.indexOf(ch, from));
  };

  /**
   * CR and LF characters in text[from, to), from the remembered next positions: a quoted field
   * without a line break costs no search (a file without CR would otherwise be searched to the
   * end of the text for one at every quoted field).
   */
  const breaksBefore = (from: number, to: number): number => {
    let count = 0;
    for (let k = nextIndex(LF_AT, '\n', from); k !== -1 && k < to; k = nextIndex(LF_AT, '\n', k + 1)) count++;
    for (let k = nextIndex(CR_AT, '\r', from); k !== -1 && k < to; k = nextIndex(CR_AT, '\r', k + 1)) count++;
    return count;
  };

  /** One record from `pos`, field by field; sets the record delimiter when first met. */
  const parseRecord = (pos: number, eof: boolean): Parsed | typeof MORE => {
    const cells: string[] = [];
    let innerBreaks = 0;
    let i = pos;
    const n = text.length;
    for (;;) {
      // At the start of a field.
      if (quoting && i < n && text.charCodeAt(i) === QUOTE) {
        let value = '';
        let j = i + 1;
        for (;;) {
          const q = text.indexOf('"', j);
          if (q === -1) {
            if (eof) throw new NotPlainCsv();
            return MORE;
          }
          innerBreaks += breaksBefore(j, q);
          if (q + 1 >= n && !eof) return MORE;
          if (text.charCodeAt(q + 1) === QUOTE) {
            value += text.slice(j, q + 1);
            j = q + 2;
            continue;
          }
          value += text.slice(j, q);
          i = q + 1;
          break;
        }
        cells.push(value);
        if (i >= n) {
          if (!eof) return MORE;
          return { cells, end: i, next: i, innerBreaks, isRecord: true };
        }
        const ch = text.charCodeAt(i);
        if (ch === delim) {
          i++;
          continue;
        }
        if (ch === LF || ch === CR) {
          const end = recordEnd(i, eof);
          if (end === MORE) return MORE;
          return { cells, end: i, next: end, innerBreaks, isRecord: true };
        }
        throw new NotPlainCsv();
      }
      // An unquoted field: up to the first delimiter, LF or CR; a quote inside it is csv-parse's to refuse.
      let j = nextIndex(DELIMITER_AT, delimiter, i);
      if (j === -1) j = n;
      const lf = nextIndex(LF_AT, '\n', i);
      if (lf !== -1 && lf < j) j = lf;
      const cr = nextIndex(CR_AT, '\r', i);
      if (cr !== -1 && cr < j) j = cr;
      if (quoting) {
        const quote = nextIndex(QUOTE_AT, '"', i);
        if (quote !== -1 && quote < j) throw new NotPlainCsv();
      }
      if (j >= n) {
        if (!eof) return MORE;
        cells.push(text.slice(i, j));
        return { cells, end: j, next: j, innerBreaks, isRecord: !(cells.length === 1 && cells[0] === '') };
      }
      const ch = text.charCodeAt(j);
      cells.push(text.slice(i, j));
      if (ch === delim) {
        i = j + 1;
        continue;
      }
      const end = recordEnd(j, eof);
      if (end === MORE) return MORE;
      return { cells, end: j, next: end, innerBreaks, isRecord: !(cells.length === 1 && cells[0] === '') };
    }
  };

  /** At a CR or LF outside quotes: where the record delimiter ends, fixing the mode when first met. */
  const recordEnd = (i: number, eof: boolean): number | typeof MORE => {
    const ch = text.charCodeAt(i);
    if (ch === CR) {
      if (i + 1 >= text.length && !eof) return MORE;
      if (text.charCodeAt(i + 1) !== LF) throw new NotPlainCsv();
      if (mode === 'unknown') mode = 'crlf';
      if (mode !== 'crlf') throw new NotPlainCsv();
      return i + 2;
    }
    if (mode === 'unknown') mode = 'lf';
    if (mode !== 'lf') throw new NotPlainCsv();
    return i + 1;
  };

  /** Every whole record in `text`; returns where the unread rest starts. */
  const consume = (eof: boolean): number => {
    let pos = 0;
    const n = text.length;
    while (pos < n) {
      if (mode !== 'unknown') {
        const nl = text.indexOf('\n', pos);
        if (nl === -1 && !eof) break;
        const stop = nl === -1 ? n : nl;
        let end = stop;
        if (mode === 'crlf' && nl !== -1) {
          if (text.charCodeAt(nl - 1) !== CR || nl - 1 < pos) throw new NotPlainCsv();
          end = nl - 1;
        }
        const lineText = text.slice(pos, end);
        if (!(quoting && lineText.includes('"'))) {
          if (lineText.includes('\r')) throw new NotPlainCsv();
          if (lineText.length > MAX_PLAIN_CHARS) throw new NotPlainCsv();
          if (lineText.length > 0) batch.push(new LineRecord(line, lineText, delimiter));
          line++;
          pos = nl === -1 ? n : nl + 1;
          continue;
        }
      }
      const parsed = parseRecord(pos, eof);
      if (parsed === MORE) break;
      if (parsed.next - pos > MAX_PLAIN_CHARS) throw new NotPlainCsv();
      line += parsed.innerBreaks;
      if (parsed.isRecord) batch.push(new QuotedRecord(line, text.slice(pos, parsed.end), parsed.cells));
      // The record delimiter, unless the file ended without one.
      if (parsed.next <= n && (parsed.next < n || isBreak(text.charCodeAt(parsed.next - 1)))) line++;
      pos = parsed.next;
    }
    return pos;
  };

  try {
    for await (const chunk of input as AsyncIterable<Buffer>) {
      let decoded = chunk.toString('latin1');
      if (first) {
        first = false;
        if (decoded.startsWith(BOM)) decoded = decoded.slice(BOM.length);
      }
      text = text.length ? text + decoded : decoded;
      found.fill(-2);
      const pos = consume(false);
      text = text.slice(pos);
      found.fill(-2);
      if (text.length > MAX_PLAIN_CHARS) throw new NotPlainCsv();
      if (batch.length >= BATCH) {
        yield batch;
        batch = [];
      }
    }
    found.fill(-2);
    consume(true);
    if (batch.length) yield batch;
  } finally {
    input.destroy();
  }
}

const isBreak = (ch: number) => ch === LF || ch === CR;
