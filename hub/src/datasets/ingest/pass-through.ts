/**
 * Records loaded as written. Most records of most files hold only cells the load would store
 * unchanged — nothing to trim, no null token, numbers, dates and timestamps already in a form
 * PostgreSQL reads as their canonical text — and such a record, as the fast reader read it
 * (`RawRecord.text`), is already a line of `COPY … (FORMAT csv)`: the loader sends it after its
 * row number, without splitting it into cells or writing them again (loader.ts). Every other
 * record takes the general path (ingest.ts: trim, null tokens, parsing, widening), and what the
 * table holds is the same either way (`hub/src/datasets/__tests__/pass-through.test.ts` loads
 * random files both ways and compares).
 *
 * A cell is taken as written when, after the same checks as the general path's:
 * - it is empty (NULL; `COPY` reads an unquoted empty field as NULL, and a quoted one too with
 *   `FORCE_NULL`), or
 * - it has no leading or trailing white space (as `String#trim` sees it), is no null token, and
 *   - text and categorical: anything;
 *   - integer: a canonical bigint (`plainInteger` of cells.ts);
 *   - float: a plain decimal (what `loadParsers` sends as written);
 *   - boolean: `true` or `false`;
 *   - date: `YYYY-MM-DD`, a real day;
 *   - timestamp: `YYYY-MM-DDTHH:MM:SSZ` (the general path writes `YYYY-MM-DD HH:MM:SS+00:00`, the
 *     same instant for PostgreSQL).
 * Only under the default number format and date order; with any other, every record takes the
 * general path.
 */
import { ColumnType } from '../dataset-version.entity.js';
import { DEFAULT_NUMBER_FORMAT, plainDecimalAt, validDate, type NumberFormat } from './cells.js';
import { LineRecord, type RawRecord } from './raw-record.js';

const NOT = 0;
const VALUE = 1;
const NULL = 2;

export interface PassThrough {
  /** Whether the record (read by the fast reader, with one cell per column) is loaded as written. */
  accepts(record: RawRecord): boolean;
  /** After `accepts` said yes: the columns of its empty cells, `nullColumns[0 … nulls)`. */
  nulls: number;
  readonly nullColumns: Int32Array;
}

/**
 * `columns` is read at every record: a column widened during the load is checked as its new type.
 * Undefined when no record can be loaded as written (another number format or date order, a
 * delimiter `COPY` cannot take as it is).
 */
export function passThrough(
  columns: readonly { type: ColumnType }[],
  delimiter: string,
  nullTokens: readonly string[],
  format: NumberFormat = DEFAULT_NUMBER_FORMAT,
): PassThrough | undefined {
  if (!copyDelimiterAsWritten(delimiter)) return undefined;
  if (format.decimal !== '.' || format.thousands !== '' || (format.dateOrder && format.dateOrder !== 'YMD')) return undefined;
  const tokens = [...new Set(nullTokens.map((t) => t.trim().toLowerCase()))].filter((t) => t !== '');
  const longest = tokens.reduce((m, t) => Math.max(m, t.length), 0);
  const isToken = tokenMatcher(tokens);
  const delim = delimiter;
  // TSV has no quoting in the file, but COPY's CSV reading does: a " in a TSV record is not as written.
  const quoting = delimiter !== '\t';
  const width = columns.length;
  const nullColumns = new Int32Array(width);

  const cell = (type: ColumnType, s: string, a: number, b: number): number => {
    if (a === b) return NULL;
    if (trimmable(s.charCodeAt(a)) || trimmable(s.charCodeAt(b - 1))) return NOT;
    if (b - a <= longest && isToken(s, a, b)) return NOT;
    switch (type) {
      case ColumnType.INTEGER:
        return plainIntegerAt(s, a, b) ? VALUE : NOT;
      case ColumnType.FLOAT:
        return plainDecimalAt(s, a, b) ? VALUE : NOT;
      case ColumnType.BOOLEAN:
        return s.startsWith('true', a) ? (b - a === 4 ? VALUE : NOT) : s.startsWith('false', a) && b - a === 5 ? VALUE : NOT;
      case ColumnType.DATE:
        return b - a === 10 && isoDateAt(s, a) ? VALUE : NOT;
      case ColumnType.TIMESTAMP:
        return utcSecondsAt(s, a, b) ? VALUE : NOT;
      default:
        return VALUE;
    }
  };

  const self: PassThrough = {
    nulls: 0,
    nullColumns,
    accepts(record) {
      const text = record.text;
      if (text === undefined) return false;
      let nulls = 0;
      if (record instanceof LineRecord) {
        if (!quoting && text.includes('"')) return false;
        const n = text.length;
        let a = 0;
        let c = 0;
        for (;;) {
          let b = text.indexOf(delim, a);
          if (b === -1) b = n;
          if (c >= width) return false;
          const verdict = cell(columns[c].type, text, a, b);
          if (verdict === NOT) return false;
          if (verdict === NULL) nullColumns[nulls++] = c;
          c++;
          if (b === n) break;
          a = b + 1;
        }
        if (c !== width) return false;
      } else {
        const cells = record.cells;
        if (cells.length !== width) return false;
        for (let c = 0; c < width; c++) {
          const value = cells[c];
          const verdict = cell(columns[c].type, value, 0, value.length);
          if (verdict === NOT) return false;
          if (verdict === NULL) nullColumns[nulls++] = c;
        }
      }
      self.nulls = nulls;
      return true;
    },
  };
  return self;
}

/**
 * A delimiter `COPY … (FORMAT csv)` reads as the file does, and that goes into its statement as
 * a plain literal: a tab or a printable ASCII character other than the quote, the apostrophe and
 * the backslash.
 */
export function copyDelimiterAsWritten(delimiter: string): boolean {
  if (delimiter === '\t') return true;
  if (delimiter.length !== 1) return false;
  const ch = delimiter.charCodeAt(0);
  return ch >= 32 && ch < 127 && delimiter !== '"' && delimiter !== "'" && delimiter !== '\\';
}

/** Whether `String#trim` removes this UTF-16 unit (conservative below space: control characters are left to the general path). */
function trimmable(ch: number): boolean {
  if (ch <= 32) return true;
  if (ch < 0xa0) return false;
  return ch === 0xa0 || ch === 0x1680 || (ch >= 0x2000 && ch <= 0x200a) || ch === 0x2028 || ch === 0x2029 || ch === 0x202f || ch === 0x205f || ch === 0x3000 || ch === 0xfeff;
}

/** Case-insensitive match of s[a, b) against the (lower-cased) tokens, as `nullMatcher` decides, without a new string for ASCII cells. */
function tokenMatcher(tokens: readonly string[]): (s: string, a: number, b: number) => boolean {
  // The ASCII characters a token starts with, lower-cased: most short cells start otherwise.
  const starts = new Uint8Array(128);
  let nonAscii = false;
  for (const token of tokens) {
    const first = token.charCodeAt(0);
    if (first < 128) starts[first] = 1;
    else nonAscii = true;
  }
  return (s, a, b) => {
    const first = s.charCodeAt(a);
    if (first < 128 && !nonAscii && !starts[first >= 65 && first <= 90 ? first + 32 : first]) {
      // Lower-casing a non-ASCII character can give an ASCII one (K, the Kelvin sign, is k), so
      // only an ASCII first character rules a cell out.
      return false;
    }
    const length = b - a;
    for (let k = a; k < b; k++) {
      if (s.charCodeAt(k) >= 128) return tokens.includes(s.slice(a, b).toLowerCase());
    }
    next: for (const token of tokens) {
      if (token.length !== length) continue;
      for (let k = 0; k < length; k++) {
        let ch = s.charCodeAt(a + k);
        if (ch >= 65 && ch <= 90) ch += 32;
        if (ch !== token.charCodeAt(k)) continue next;
      }
      return true;
    }
    return false;
  };
}

const isDigit = (ch: number) => ch >= 48 && ch <= 57;

/** plainInteger (cells.ts) of s[a, b): an optional minus, 1 to 15 digits, no leading zero. */
function plainIntegerAt(s: string, a: number, b: number): boolean {
  const start = s.charCodeAt(a) === 45 ? a + 1 : a;
  const digits = b - start;
  if (digits < 1 || digits > 15) return false;
  const lead = s.charCodeAt(start);
  if (lead === 48) return digits === 1 && start === a;
  for (let k = start; k < b; k++) if (!isDigit(s.charCodeAt(k))) return false;
  return true;
}

/** Whether s[a, a + n) are all ASCII digits. */
function digitsAt(s: string, a: number, n: number): boolean {
  for (let k = a; k < a + n; k++) if (!isDigit(s.charCodeAt(k))) return false;
  return true;
}

const number = (s: string, a: number, b: number): number => {
  let value = 0;
  for (let k = a; k < b; k++) value = value * 10 + (s.charCodeAt(k) - 48);
  return value;
};

/** `YYYY-MM-DD` at s[a], a real day (as the DATE parser of cells.ts decides). */
function isoDateAt(s: string, a: number): boolean {
  if (s.charCodeAt(a + 4) !== 45 || s.charCodeAt(a + 7) !== 45) return false;
  if (!digitsAt(s, a, 4) || !digitsAt(s, a + 5, 2) || !digitsAt(s, a + 8, 2)) return false;
  return validDate(number(s, a, a + 4), number(s, a + 5, a + 7), number(s, a + 8, a + 10));
}

/** `YYYY-MM-DDTHH:MM:SSZ` in s[a, b), valid as the TIMESTAMP parser of cells.ts decides. */
function utcSecondsAt(s: string, a: number, b: number): boolean {
  if (b - a !== 20 || !isoDateAt(s, a)) return false;
  if (s.charCodeAt(a + 10) !== 84 || s.charCodeAt(a + 13) !== 58 || s.charCodeAt(a + 16) !== 58 || s.charCodeAt(a + 19) !== 90) return false;
  if (!digitsAt(s, a + 11, 2) || !digitsAt(s, a + 14, 2) || !digitsAt(s, a + 17, 2)) return false;
  return number(s, a + 11, a + 13) <= 23 && number(s, a + 14, a + 16) <= 59 && number(s, a + 17, a + 19) <= 59;
}
