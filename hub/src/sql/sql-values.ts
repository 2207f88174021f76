/**
 * How result values travel as JSON: numbers as numbers (bigint and numeric beyond 2^53 as
 * strings, so nothing is silently rounded; NaN and ±Infinity as strings), booleans, JSON as JSON,
 * dates as `YYYY-MM-DD`, timestamps as ISO 8601 (`…T…Z` for timestamptz; the sandbox runs in UTC),
 * arrays of those as arrays, and everything else as PostgreSQL's text form.
 */
import pg from 'pg';

type Parse = (text: string) => unknown;

/** Integers and floats: exact as doubles (PostgreSQL prints float8 with the shortest exact digits). */
const number: Parse = (text) => {
  const n = Number(text);
  if (!Number.isFinite(n)) return text;
  if (/^-?\d+$/.test(text) && !Number.isSafeInteger(n)) return text;
  return n;
};

/** numeric: a number when a double holds its digits exactly (at most 15 significant), else the text. */
const numeric: Parse = (text) => {
  const n = number(text);
  if (typeof n !== 'number' || !text.includes('.')) return n;
  const [whole, fraction] = text.replace(/^-/, '').split('.');
  const digits = `${whole}${fraction.replace(/0+$/, '')}`.replace(/^0+/, '');
  return digits.length <= 15 ? n : text;
};

const PARSERS: Record<number, Parse> = {
  16: (t) => t === 't',
  20: number,
  21: number,
  23: number,
  26: number,
  700: number,
  701: number,
  1700: numeric,
  114: (t) => JSON.parse(t),
  3802: (t) => JSON.parse(t),
  1082: (t) => t,
  1114: (t) => t.replace(' ', 'T'),
  1184: (t) => t.replace(' ', 'T').replace(/\+00$/, 'Z'),
};

/** Arrays of simple types: pg's own array parsers. */
const ARRAYS = new Set([1000, 1005, 1007, 1009, 1015, 1016, 1021, 1022, 1231, 199, 3807]);

const identity: Parse = (text) => text;

/** Type parsers for one pg query (`types: { getTypeParser }`). */
export const resultTypes = {
  getTypeParser(oid: number): Parse {
    if (PARSERS[oid]) return PARSERS[oid];
    if (ARRAYS.has(oid)) {
      const parse = pg.types.getTypeParser(oid, 'text') as Parse;
      // int8[] and numeric[] come back as strings from pg: keep them numbers where exact.
      if (oid === 1016) return (t) => (parse(t) as unknown[]).map((v) => (typeof v === 'string' ? number(v) : v));
      if (oid === 1231) return (t) => (parse(t) as unknown[]).map((v) => (typeof v === 'string' ? numeric(v) : v));
      return parse;
    }
    return identity;
  },
};
