/** PostgreSQL type names as the hub reports a result's columns. */
const NUMERIC = new Set(['smallint', 'integer', 'bigint', 'real', 'double precision', 'numeric']);

export function isNumericType(type: string): boolean {
  return NUMERIC.has(type.toLowerCase()) || /^numeric\(/i.test(type);
}
