/**
 * What a sandboxed query may call and cast to. Everything else is refused before the query runs,
 * whatever PostgreSQL would allow: in particular anything that sleeps, reads files or large
 * objects, reaches other servers (dblink), runs SQL given as text (query_to_xml …), reads or
 * changes settings (current_setting, set_config), locks, or reveals the server (version,
 * current_user, pg_* functions). Names are PostgreSQL's, unqualified (a schema-qualified call such
 * as pg_catalog.abs is refused), matched case-insensitively.
 *
 * Functions that build huge values from small inputs (repeat, lpad, rpad) are left out: a single
 * call could ask the server for a gigabyte. `format` is here, but select-check.ts allows it only
 * with a literal format string whose widths are at most MAX_FORMAT_WIDTH; the value-building
 * aggregates (string_agg, array_agg, json_agg …) are capped by rewrite.ts.
 */

const MATH = [
  'abs', 'cbrt', 'ceil', 'ceiling', 'degrees', 'div', 'exp', 'floor', 'ln', 'log', 'log10', 'mod', 'pi', 'power', 'pow',
  'radians', 'round', 'sign', 'sqrt', 'trunc', 'width_bucket', 'random', 'gcd', 'lcm', 'factorial', 'scale',
  'sin', 'cos', 'tan', 'cot', 'asin', 'acos', 'atan', 'atan2', 'sind', 'cosd', 'tand', 'sinh', 'cosh', 'tanh',
  'asinh', 'acosh', 'atanh', 'greatest', 'least', 'isfinite',
];

const STRING = [
  'ascii', 'btrim', 'char_length', 'character_length', 'chr', 'concat', 'concat_ws', 'format', 'initcap', 'left',
  'length', 'lower', 'ltrim', 'md5', 'octet_length', 'position', 'regexp_count', 'regexp_instr', 'regexp_like',
  'regexp_match', 'regexp_matches', 'regexp_replace', 'regexp_split_to_array', 'regexp_substr', 'replace', 'reverse',
  'right', 'rtrim', 'split_part', 'starts_with', 'string_to_array', 'strpos', 'substr', 'substring', 'to_hex',
  'translate', 'trim', 'upper',
];

const DATE_TIME = [
  'age', 'date_bin', 'date_part', 'date_trunc', 'extract', 'justify_days', 'justify_hours', 'justify_interval',
  'make_date', 'make_interval', 'make_time', 'make_timestamp', 'make_timestamptz', 'now', 'to_char', 'to_date',
  'to_number', 'to_timestamp', 'timezone',
];

const CONDITIONAL = ['coalesce', 'nullif', 'num_nulls', 'num_nonnulls'];

const ARRAY_JSON = [
  'array_length', 'array_position', 'array_positions', 'array_to_string', 'array_remove', 'array_append',
  'array_prepend', 'array_cat', 'cardinality', 'unnest', 'generate_series', 'json_build_object', 'json_build_array',
  'jsonb_build_object', 'jsonb_build_array', 'to_json', 'to_jsonb', 'json_extract_path_text', 'jsonb_extract_path_text',
  'json_array_length', 'jsonb_array_length', 'jsonb_typeof', 'json_typeof',
];

export const AGGREGATES = [
  'count', 'sum', 'avg', 'min', 'max', 'stddev', 'stddev_pop', 'stddev_samp', 'variance', 'var_pop', 'var_samp',
  'corr', 'covar_pop', 'covar_samp', 'regr_avgx', 'regr_avgy', 'regr_count', 'regr_intercept', 'regr_r2', 'regr_slope',
  'regr_sxx', 'regr_sxy', 'regr_syy', 'bool_and', 'bool_or', 'every', 'string_agg', 'array_agg', 'json_agg',
  'jsonb_agg', 'json_object_agg', 'jsonb_object_agg', 'percentile_cont', 'percentile_disc', 'mode', 'bit_and', 'bit_or',
];

export const WINDOW_FUNCTIONS = [
  'row_number', 'rank', 'dense_rank', 'percent_rank', 'cume_dist', 'ntile', 'lag', 'lead', 'first_value', 'last_value',
  'nth_value',
];

/** Keywords node-sql-parser reports as calls: NOT (…), x = ANY (…), EXISTS (…), ROW (…), grouping helpers. */
const SYNTAX = ['not', 'any', 'some', 'all', 'exists', 'row', 'array', 'rollup', 'cube', 'grouping'];

export const ALLOWED_FUNCTIONS: ReadonlySet<string> = new Set([
  ...MATH, ...STRING, ...DATE_TIME, ...CONDITIONAL, ...ARRAY_JSON, ...AGGREGATES, ...WINDOW_FUNCTIONS, ...SYNTAX,
]);

/**
 * Types a value may be cast to (`x::int`, `CAST(x AS date)`), as node-sql-parser spells them
 * (upper case, words joined by one space). reg* types (which look up catalog objects by name),
 * oid, xml and the like are not here.
 */
export const ALLOWED_CAST_TYPES: ReadonlySet<string> = new Set([
  'SMALLINT', 'INT', 'INT2', 'INT4', 'INT8', 'INTEGER', 'BIGINT', 'REAL', 'FLOAT', 'FLOAT4', 'FLOAT8',
  'DOUBLE PRECISION', 'NUMERIC', 'DECIMAL', 'TEXT', 'VARCHAR', 'CHARACTER VARYING', 'CHAR', 'CHARACTER', 'BOOLEAN',
  'BOOL', 'DATE', 'TIME', 'TIMESTAMP', 'TIMESTAMPTZ', 'INTERVAL', 'JSON', 'JSONB', 'UUID',
]);

/** Schemas (and name prefixes) of the server's own catalogs: never readable. */
export function isSystemName(name: string): boolean {
  const lower = name.toLowerCase();
  return lower === 'information_schema' || lower.startsWith('pg_');
}
