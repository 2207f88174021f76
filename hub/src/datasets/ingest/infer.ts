/**
 * Type inference from a sample of rows. A column takes the narrowest type that at least
 * {@link MIN_SHARE} of its non-null sample cells parse as (so a few dirty cells don't turn a
 * numeric column into text: they become NULL and are reported). The whole file is then verified
 * while loading. Order of preference: boolean, integer, float, date, timestamp, then categorical
 * (few distinct values, each repeated) or text.
 */
import { ColumnType } from '../dataset-version.entity.js';
import { parsers as defaultParsers, type Parsers } from './cells.js';

export const MIN_SHARE = 0.9;
const CATEGORICAL_MAX_DISTINCT = 50;

const CANDIDATES = [ColumnType.BOOLEAN, ColumnType.INTEGER, ColumnType.FLOAT, ColumnType.DATE, ColumnType.TIMESTAMP];

/** `values`: the non-null, trimmed sample cells of one column. */
export function inferType(values: readonly string[], parsers: Parsers = defaultParsers): ColumnType {
  if (values.length === 0) return ColumnType.TEXT;
  for (const type of CANDIDATES) {
    const parse = parsers[type];
    let ok = 0;
    for (const v of values) if (parse(v) !== undefined) ok++;
    if (ok >= MIN_SHARE * values.length) return type;
  }
  const distinct = new Set(values).size;
  return distinct <= CATEGORICAL_MAX_DISTINCT && distinct * 2 <= values.length ? ColumnType.CATEGORICAL : ColumnType.TEXT;
}
