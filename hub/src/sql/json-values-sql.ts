/**
 * The value rules of sql-values.ts written in SQL, so PostgreSQL can write a result's rows as
 * JSON text itself (sandbox-runner.ts, runSandboxedJson): the hub then sends that text on without
 * parsing a value or stringifying one — its event loop was busy 80 % of the time while an agent
 * read training rows, most of it turning PostgreSQL's text into numbers and back into JSON.
 *
 * Each expression gives the JSON text of one value, the same value sql-values.ts gives after
 * JSON.stringify: numbers as numbers (bigint beyond 2^53, numeric with more than 15 significant
 * digits, NaN and ±Infinity as strings), booleans, JSON as JSON, timestamps with `T` (and `Z` for
 * timestamptz), and everything else as PostgreSQL's text form in a string. A float's -0 becomes 0,
 * as JSON.stringify writes it. The arrays sql-values.ts parses have no expression here (the
 * caller parses those results as before).
 */

const SAFE = '9007199254740991';

/** By type oid: the JSON text of `v`, or null for the arrays sql-values.ts parses element by element. */
export function jsonValueSql(v: string, oid: number): string | null {
  switch (oid) {
    case 16: // boolean
    case 21: // smallint
    case 23: // integer
      return `to_json(${v})::text`;
    case 20: // bigint
    case 26: // oid
      return `CASE WHEN ${v}::int8 BETWEEN -${SAFE} AND ${SAFE} THEN ${v}::int8::text ELSE to_json(${v}::text)::text END`;
    case 700: // real
    case 701: // double precision. + '0' (of the value's own type) turns -0 into 0; NaN and ±Infinity come out as strings
      return `to_json(${v} + '0')::text`;
    case 1700: // numeric
      return numericSql(v);
    case 114: // json
    case 3802: // jsonb
      return `${v}::text`;
    case 1114: // timestamp
      return `to_json(regexp_replace(${v}::text, ' ', 'T'))::text`;
    case 1184: // timestamptz (the sandbox runs in UTC)
      return `to_json(regexp_replace(regexp_replace(${v}::text, ' ', 'T'), '\\+00$', 'Z'))::text`;
    case 25: // text
    case 1043: // varchar
      return `to_json(${v})::text`;
    default:
      // The type's output function, as the driver receives it: a cast to text may differ from it
      // (char(n) loses its padding, inet shows its netmask), and to_json has formats of its own.
      return PARSED_ARRAYS.has(oid) ? null : `CASE WHEN ${v} IS NOT NULL THEN to_json(format('%s', ${v}))::text END`;
  }
}

/** The arrays sql-values.ts parses (resultTypes' ARRAYS). */
const PARSED_ARRAYS = new Set([1000, 1005, 1007, 1009, 1015, 1016, 1021, 1022, 1231, 199, 3807]);

/**
 * numeric: a whole number within 2^53, or a fraction of at most 15 significant digits (trailing
 * zeros of the fraction and leading zeros not counted), is a number; anything else (NaN,
 * Infinity, more digits) its text in a string.
 */
function numericSql(v: string): string {
  const text = `${v}::text`;
  const digits = `length(ltrim(split_part(ltrim(${text}, '-'), '.', 1) || rtrim(split_part(${text}, '.', 2), '0'), '0'))`;
  return `CASE WHEN ${text} !~ '^-?[0-9]+(\\.[0-9]+)?$' THEN to_json(${text})::text
    WHEN strpos(${text}, '.') = 0 THEN CASE WHEN ${v} BETWEEN -${SAFE} AND ${SAFE} THEN ${text} ELSE to_json(${text})::text END
    WHEN ${digits} <= 15 THEN ${text}
    ELSE to_json(${text})::text END`;
}

/**
 * The JSON array text of one row of `alias`'s columns `c1`…`cn` (their oids in order), or null
 * when a column's type has no expression. `||` rather than json_build_array: a function takes at
 * most 100 arguments, a row may have more columns.
 */
export function jsonRowSql(alias: string, oids: readonly number[]): string | null {
  const values: string[] = [];
  for (const [i, oid] of oids.entries()) {
    const value = jsonValueSql(`${alias}.c${i + 1}`, oid);
    if (value === null) return null;
    values.push(`coalesce(${value}, 'null')`);
  }
  return values.length === 0 ? `'[]'` : `'[' || ${values.join(` || ',' || `)} || ']'`;
}
