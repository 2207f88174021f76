/**
 * Records loaded as written. Most records of most files hold only cells the load would store
 * unchanged — nothing to trim, no null token, numbers, dates and timestamps already in a form
 * PostgreSQL reads as their canonical text — and such a record, as the fast reader read it
 * (`RawRecord.text`), is already a line of `COPY … (FORMAT csv)`: the loader sends it after its
 * row number, without splitting it into cells or writing them again (loader.ts). Every other
 * record takes the general path (ingest.ts: trim, null tokens, parsing, widening), and what the
 * table holds is the same either way (`test/ingest-as-written.test.ts` uploads random messy files
 * both ways and compares).
 *
 * The checks read the record's UTF-8 bytes (`text`, and `fields` for a record with quotes), one per
 * character, as the fast reader read them. A cell is taken as written when, after the same checks
 * as the general path's:
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
import { LineRecord, utf8Of, type RawRecord } from './raw-record.js';

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
  // In UTF-8 bytes: a cell of n UTF-16 units has at most 3n (and lower case never shortens a string).
  const longestBytes = 3 * tokens.reduce((m, t) => Math.max(m, t.length), 0);
  const isToken = tokenMatcher(tokens);
  const delim = delimiter;
  // TSV has no quoting in the file, but COPY's CSV reading does: a " in a TSV record is not as written.
  const quoting = delimiter !== '\t';
  const width = columns.length;
  const nullColumns = new Int32Array(width);

  const cell = (type: ColumnType, s: string, a: number, b: number): number => {
    if (a === b) return NULL;
    if (trimmableStart(s, a) || trimmableEnd(s, b)) return NOT;
    if (b - a <= longestBytes && isToken(s, a, b)) return NOT;
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
        const cells = record.fields;
        if (cells === undefined || cells.length !== width) return false;
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

/**
 * White space `String#trim` removes, as UTF-8 bytes: U+00A0 (C2 A0), U+1680 (E1 9A 80), U+2000–U+200A
 * (E2 80 80–8A), U+2028–U+2029 (E2 80 A8–A9), U+202F (E2 80 AF), U+205F (E2 81 9F), U+3000 (E3 80 80)
 * and U+FEFF (EF BB BF). Below space, control characters count too (left to the general path).
 */
function spaceAt(s: string, k: number, length: number): boolean {
  const b0 = s.charCodeAt(k);
  if (length === 2) return b0 === 0xc2 && s.charCodeAt(k + 1) === 0xa0;
  if (length !== 3) return false;
  const b1 = s.charCodeAt(k + 1);
  const b2 = s.charCodeAt(k + 2);
  if (b0 === 0xe2) return b1 === 0x80 ? b2 <= 0x8a || b2 === 0xa8 || b2 === 0xa9 || b2 === 0xaf : b1 === 0x81 && b2 === 0x9f;
  return (b0 === 0xe1 && b1 === 0x9a && b2 === 0x80) || (b0 === 0xe3 && b1 === 0x80 && b2 === 0x80) || (b0 === 0xef && b1 === 0xbb && b2 === 0xbf);
}

/** The length of the UTF-8 sequence a lead byte starts (1 for a continuation byte: not a character's start). */
const sequenceLength = (lead: number): number => (lead < 0xc0 ? 1 : lead < 0xe0 ? 2 : lead < 0xf0 ? 3 : 4);

/** Whether the cell at s[a…] starts with something `String#trim` removes. */
function trimmableStart(s: string, a: number): boolean {
  const ch = s.charCodeAt(a);
  if (ch < 0x80) return ch <= 32;
  return spaceAt(s, a, sequenceLength(ch));
}

/** Whether the cell ending at s[b - 1] ends with something `String#trim` removes (its last character is white space, or it ends inside a character). */
function trimmableEnd(s: string, b: number): boolean {
  const ch = s.charCodeAt(b - 1);
  if (ch < 0x80) return ch <= 32;
  // Back to the last character's lead byte (at most three continuation bytes).
  let k = b - 1;
  while (k > b - 4 && (s.charCodeAt(k) & 0xc0) === 0x80) k--;
  const length = sequenceLength(s.charCodeAt(k));
  if (k + length !== b) return true;
  return spaceAt(s, k, length);
}

/** Case-insensitive match of the UTF-8 bytes s[a, b) against the (lower-cased) tokens, as `nullMatcher` decides, without a new string for ASCII cells. */
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
      if (s.charCodeAt(k) >= 128) return tokens.includes(utf8Of(s.slice(a, b)).toLowerCase());
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
