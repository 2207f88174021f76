/**
 * Cell values: null tokens, and parsing a trimmed cell as each column type. A parser returns the
 * canonical text PostgreSQL accepts for the column's SQL type, or `undefined` when the cell does
 * not parse (the loader then stores NULL and counts it).
 */
import { ColumnType } from '../dataset-version.entity.js';

export const DEFAULT_NULL_TOKENS = ['', 'NA', 'N/A', 'null', 'NaN', '-'];

/** Case-insensitive null-token matcher. '' always counts as null. */
export function nullMatcher(tokens: readonly string[]): (cell: string) => boolean {
  const set = new Set(['', ...tokens.map((t) => t.trim().toLowerCase())]);
  // Lower-casing never shortens a string, so a cell longer than every token is no token (and is
  // not lower-cased: most cells are).
  let longest = 0;
  for (const token of set) longest = Math.max(longest, token.length);
  return (cell) => cell.length <= longest && set.has(cell.toLowerCase());
}

const INTEGER = /^[-+]?\d+$/;
const FLOAT = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,6})?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;
const TRUE = new Set(['true', 't', 'yes', 'y']);
const FALSE = new Set(['false', 'f', 'no', 'n']);
const INT8_MAX = 9223372036854775807n;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** A day of the proleptic Gregorian calendar (as JavaScript's Date counts), year 1 onwards. */
export function validDate(year: number, month: number, day: number): boolean {
  if (year < 1 || month < 1 || month > 12 || day < 1) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return day <= (month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1]);
}

/** A canonical bigint already: an optional minus, then 1 to 15 digits without a leading zero (or "0"). */
function plainInteger(cell: string): boolean {
  const start = cell.charCodeAt(0) === 45 ? 1 : 0;
  const digits = cell.length - start;
  if (digits < 1 || digits > 15) return false;
  const lead = cell.charCodeAt(start);
  if (lead === 48) return digits === 1 && start === 0;
  return lead > 48 && lead <= 57;
}

/** How numbers are written in a file: the decimal mark and the thousands separator ('' for none). */
export interface NumberFormat {
  decimal: '.' | ',';
  thousands: '' | ',' | '.' | ' ' | "'";
  /** Order of day, month and year in dates written with / . or - (ISO 8601 dates are always read). */
  dateOrder?: 'YMD' | 'DMY' | 'MDY';
}

export const DEFAULT_NUMBER_FORMAT: NumberFormat = { decimal: '.', thousands: '' };

export type Parsers = Record<ColumnType, (cell: string) => string | undefined>;

const escape = (c: string) => c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The parsers for a file's number format. A number is rewritten to the canonical form only when it
 * is written exactly that way — digits grouped in threes by the separator, or not grouped at all —
 * so "1,5" is one and a half under a decimal comma but not a number at all under the default.
 */
export function cellParsers(format: NumberFormat = DEFAULT_NUMBER_FORMAT): Parsers {
  const withDates = withDateOrder(parsers, format.dateOrder);
  if (format.decimal === '.' && format.thousands === '') return withDates;
  const t = format.thousands ? escape(format.thousands) : '';
  const d = escape(format.decimal);
  const written = new RegExp(`^([-+]?)(\\d{1,3}(?:${t || '(?!)'}\\d{3})+|\\d+)(?:${d}(\\d+))?$`);
  const canonical = (cell: string): string | undefined => {
    const m = written.exec(cell);
    if (!m) return undefined;
    const whole = t ? m[2].split(format.thousands).join('') : m[2];
    return `${m[1]}${whole}${m[3] !== undefined ? `.${m[3]}` : ''}`;
  };
  return {
    ...withDates,
    [ColumnType.INTEGER]: (cell) => {
      const c = canonical(cell);
      return c === undefined || c.includes('.') ? undefined : parsers[ColumnType.INTEGER](c);
    },
    [ColumnType.FLOAT]: (cell) => {
      const c = canonical(cell);
      return c === undefined ? undefined : parsers[ColumnType.FLOAT](c);
    },
  };
}

/**
 * The parsers of a load: the verdict of {@link cellParsers}, but under the default number format a
 * float written as a plain decimal (sign, digits, at most one point; at most 30 characters, so it
 * cannot overflow or underflow; not minus zero) goes to PostgreSQL as written. PostgreSQL reads
 * the same double from it as from the canonical text (both round correctly), without the cost of
 * writing that text.
 */
export function loadParsers(format: NumberFormat = DEFAULT_NUMBER_FORMAT): Parsers {
  const base = cellParsers(format);
  if (format.decimal !== '.' || format.thousands !== '') return base;
  const float = base[ColumnType.FLOAT];
  return { ...base, [ColumnType.FLOAT]: (cell) => (plainDecimal(cell) ? cell : float(cell)) };
}

/** plainDecimal of s[a, b): sign, digits, at most one point, at most 30 characters, not minus zero (pass-through.ts reads cells inside a line with it). */
export function plainDecimalAt(s: string, a: number, b: number): boolean {
  if (b - a > 30) return false;
  const sign = s.charCodeAt(a);
  let i = sign === 45 || sign === 43 ? a + 1 : a;
  let digits = 0;
  let nonZero = false;
  let point = false;
  for (; i < b; i++) {
    const ch = s.charCodeAt(i);
    if (ch === 46) {
      if (point) return false;
      point = true;
    } else if (ch >= 48 && ch <= 57) {
      digits++;
      if (ch !== 48) nonZero = true;
    } else {
      return false;
    }
  }
  return digits > 0 && (sign !== 45 || nonZero);
}

function plainDecimal(cell: string): boolean {
  return plainDecimalAt(cell, 0, cell.length);
}

const DMY = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:[ T](.+))?$/;

/**
 * Dates written day-first (31/12/2024, 31.12.2024) or month-first (12/31/2024) become ISO dates
 * when the upload says which; a time after the date is kept for timestamp columns.
 */
function withDateOrder(base: Parsers, order: NumberFormat['dateOrder']): Parsers {
  if (!order || order === 'YMD') return base;
  const iso = (cell: string): string | undefined => {
    const m = DMY.exec(cell);
    if (!m) return undefined;
    const [day, month] = order === 'DMY' ? [m[1], m[2]] : [m[2], m[1]];
    const date = `${m[3]}-${month.padStart(2, '0')}-${day.padStart(2, '0')}`;
    return m[4] ? `${date}T${m[4]}` : date;
  };
  return {
    ...base,
    [ColumnType.DATE]: (cell) => base[ColumnType.DATE](cell) ?? (DMY.exec(cell)?.[4] ? undefined : mapDefined(iso(cell), base[ColumnType.DATE])),
    [ColumnType.TIMESTAMP]: (cell) => base[ColumnType.TIMESTAMP](cell) ?? mapDefined(iso(cell), base[ColumnType.TIMESTAMP]),
  };
}

const mapDefined = (value: string | undefined, parse: (cell: string) => string | undefined) => (value === undefined ? undefined : parse(value));

/**
 * A decimal JavaScript already writes this way (String(Number(cell)) === cell): an optional minus,
 * an integer part without leading zeros, an optional fraction not ending in 0, at most 15
 * significant digits (so the double prints back digit for digit), not below 1e-6 (printed with an
 * exponent), not minus zero.
 */
function canonicalDecimal(cell: string): boolean {
  const n = cell.length;
  let i = cell.charCodeAt(0) === 45 ? 1 : 0;
  const start = i;
  while (i < n && isDigit(cell.charCodeAt(i))) i++;
  const whole = i - start;
  if (whole === 0 || whole > 15 || (whole > 1 && cell.charCodeAt(start) === 48)) return false;
  const zeroWhole = whole === 1 && cell.charCodeAt(start) === 48;
  if (i === n) return !(zeroWhole && start === 1);
  if (cell.charCodeAt(i) !== 46) return false;
  const dot = ++i;
  while (i < n && isDigit(cell.charCodeAt(i))) i++;
  if (i !== n || i === dot || cell.charCodeAt(n - 1) === 48) return false;
  if (!zeroWhole) return whole + (n - dot) <= 15;
  let zeros = 0;
  while (cell.charCodeAt(dot + zeros) === 48) zeros++;
  return zeros < 6 && n - dot - zeros <= 15;
}

const isDigit = (ch: number) => ch >= 48 && ch <= 57;

/** Positions of the digits, and the separators, of `2024-01-02T03:04:05Z`. */
const UTC_DIGITS = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18];

/** `YYYY-MM-DDTHH:MM:SSZ` (the commonest timestamp) in canonical form, without a regular expression; else undefined. */
function utcSeconds(cell: string): string | undefined {
  if (cell.length !== 20) return undefined;
  for (const i of UTC_DIGITS) if (!isDigit(cell.charCodeAt(i))) return undefined;
  const t = cell[10];
  const z = cell[19];
  if (cell[4] !== '-' || cell[7] !== '-' || (t !== 'T' && t !== 't' && t !== ' ') || cell[13] !== ':' || cell[16] !== ':' || (z !== 'Z' && z !== 'z')) return undefined;
  if (!validDate(Number(cell.slice(0, 4)), Number(cell.slice(5, 7)), Number(cell.slice(8, 10))) || Number(cell.slice(11, 13)) > 23 || Number(cell.slice(14, 16)) > 59 || Number(cell.slice(17, 19)) > 59) return undefined;
  return `${cell.slice(0, 10)} ${cell.slice(11, 19)}+00:00`;
}

export const parsers: Parsers = {
  [ColumnType.INTEGER]: (cell) => {
    if (!INTEGER.test(cell)) return undefined;
    if (plainInteger(cell)) return cell;
    const value = BigInt(cell);
    return value > INT8_MAX || value < -INT8_MAX - 1n ? undefined : value.toString();
  },
  [ColumnType.FLOAT]: (cell) => {
    if (canonicalDecimal(cell)) return cell;
    if (!FLOAT.test(cell)) return undefined;
    const value = Number(cell);
    return Number.isFinite(value) ? String(value) : undefined;
  },
  [ColumnType.BOOLEAN]: (cell) => {
    const lower = cell.toLowerCase();
    return TRUE.has(lower) ? 'true' : FALSE.has(lower) ? 'false' : undefined;
  },
  [ColumnType.DATE]: (cell) => {
    const m = DATE.exec(cell);
    return m && validDate(Number(m[1]), Number(m[2]), Number(m[3])) ? cell : undefined;
  },
  [ColumnType.TIMESTAMP]: (cell) => {
    const utc = utcSeconds(cell);
    if (utc !== undefined) return utc;
    // A bare date in a timestamp column is its midnight, UTC.
    const d = DATE.exec(cell);
    if (d) return validDate(Number(d[1]), Number(d[2]), Number(d[3])) ? `${cell} 00:00:00+00:00` : undefined;
    const m = TIMESTAMP.exec(cell);
    if (!m || !validDate(Number(m[1]), Number(m[2]), Number(m[3])) || Number(m[4]) > 23 || Number(m[5]) > 59 || Number(m[6] ?? 0) > 59) return undefined;
    // A timestamp without a zone is taken as UTC.
    const zone = m[8] ? (m[8].toUpperCase() === 'Z' ? '+00:00' : m[8]) : '+00:00';
    return `${m[1]}-${m[2]}-${m[3]} ${m[4]}:${m[5]}:${m[6] ?? '00'}${m[7] ?? ''}${zone}`;
  },
  // Text never fails; PostgreSQL text cannot hold NUL, which the sniffer refuses earlier.
  [ColumnType.CATEGORICAL]: (cell) => cell,
  [ColumnType.TEXT]: (cell) => cell,
};
