/**
 * Type inference from a sample of rows, and the widening the full pass applies to it.
 *
 * A column takes the narrowest type that at least {@link MIN_SHARE} of its non-null sample cells
 * parse as, so a few dirty cells don't turn a numeric column into text: they become NULL and are
 * reported. Order of preference: boolean, number, date, timestamp, then categorical (few distinct
 * values, each repeated) or text. A number column is integer only when every number in the sample
 * is an integer that fits bigint; one decimal (or one integer too large for bigint) makes it float.
 *
 * The sample is a guess: the load then reads every cell, and a cell the column's type refuses but
 * a wider type holds widens the column ({@link widerType}) instead of becoming NULL.
 */
import { ColumnType } from '../dataset-version.entity.js';
import { parsers as defaultParsers, type Parsers } from './cells.js';

export const MIN_SHARE = 0.9;
const CATEGORICAL_MAX_DISTINCT = 50;

const CANDIDATES = [ColumnType.BOOLEAN, ColumnType.FLOAT, ColumnType.DATE, ColumnType.TIMESTAMP];

/** `values`: the non-null, trimmed sample cells of one column. */
export function inferType(values: readonly string[], parsers: Parsers = defaultParsers): ColumnType {
  if (values.length === 0) return ColumnType.TEXT;
  for (const type of CANDIDATES) {
    const parse = parsers[type];
    let ok = 0;
    let integers = 0;
    for (const v of values) {
      if (parse(v) === undefined) continue;
      ok++;
      if (type === ColumnType.FLOAT && parsers[ColumnType.INTEGER](v) !== undefined) integers++;
    }
    if (ok < MIN_SHARE * values.length) continue;
    return type === ColumnType.FLOAT && integers === ok ? ColumnType.INTEGER : type;
  }
  const distinct = new Set(values).size;
  return distinct <= CATEGORICAL_MAX_DISTINCT && distinct * 2 <= values.length ? ColumnType.CATEGORICAL : ColumnType.TEXT;
}

/**
 * The type a column widens to when one of its cells does not parse as `type` but does as a wider
 * type that holds every value the column has so far: integer → float (a decimal, an exponent, or
 * an integer beyond bigint). Undefined when no wider type takes the cell: the cell is then invalid
 * (stored as NULL and reported), as a date column's one bad value is.
 */
export function widerType(type: ColumnType, cell: string, parsers: Parsers = defaultParsers): ColumnType | undefined {
  if (type === ColumnType.INTEGER && parsers[ColumnType.FLOAT](cell) !== undefined) return ColumnType.FLOAT;
  return undefined;
}
