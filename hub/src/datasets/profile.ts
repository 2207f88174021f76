/**
 * The exploration profile of a version, computed in SQL over its typed table (on the upload's
 * connection, inside its transaction) and stored with the version.
 *
 * Per column: count (rows), missing count and rate, distinct count. Numbers: min, max, mean,
 * median, sample standard deviation and variance (stddev_samp, var_samp), quartiles by
 * percentile_cont (linear interpolation), and a 10-bin histogram over [min, max] by width_bucket
 * (the maximum falls in the last bin). Categories, text and booleans: the 10 most frequent values
 * (ties by value). Dates and timestamps: min and max. The dataset: rows, duplicate rows (rows
 * equal in every column to an earlier one), and the Pearson correlation (corr(), pairwise
 * complete rows) of every pair of numeric columns.
 *
 * Every figure is exact. The table is read by few statements, each covering many columns:
 *  1. one plain aggregate (PostgreSQL may share it among parallel workers): row count, present
 *     counts, min, max, mean, variance, the true and false counts of booleans, and every corr();
 *  2. one sorting aggregate: count(DISTINCT) of numbers and dates, one percentile_cont over the
 *     array of quartile fractions per number (one sort for the three), and the histogram counts
 *     (count(*) FILTER on the bin, computed once per row, with the min and max of step 1);
 *  3. one GROUP BY per category or text column (hashed): its distinct count and, by a top-N
 *     sort of the groups, its most frequent values;
 *  4. the duplicate rows (duplicate-rows.ts), often without reading the table again.
 * Very wide tables take more than one statement for steps 1 and 2: PostgreSQL takes 1,664
 * result columns, and each sort of step 2 holds up to work_mem while the table is read.
 */
import type { QueryRunner } from 'typeorm';
import { ColumnType, NUMERIC_TYPES, type DatasetColumn } from './dataset-version.entity.js';
import { countDuplicateRows } from './duplicate-rows.js';

export const HISTOGRAM_BINS = 10;
export const TOP_VALUES = 10;
/** Beyond this many numeric columns the correlation matrix covers the first ones only. */
export const MAX_CORRELATION_COLUMNS = 50;
/** Result columns per aggregate statement, under PostgreSQL's limit of 1,664. */
export const MAX_EXPRESSIONS = 1200;
/** Sorts (count(DISTINCT), percentile_cont) per statement: bounds the memory of one statement. */
export const MAX_SORTS = 16;

export interface ColumnProfile {
  name: string;
  type: ColumnType;
  count: number;
  missing: number;
  missingRate: number;
  distinct: number;
  min?: number | string | null;
  max?: number | string | null;
  mean?: number | null;
  median?: number | null;
  stddev?: number | null;
  variance?: number | null;
  quantiles?: { p25: number | null; p50: number | null; p75: number | null };
  histogram?: { lower: number; upper: number; count: number }[];
  topValues?: { value: string | boolean; count: number }[];
}

export interface Profile {
  rowCount: number;
  duplicateRows: number;
  columns: ColumnProfile[];
  correlation: { columns: string[]; matrix: (number | null)[][] };
}

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const q = (name: string) => `"${name}"`;
const isTemporal = (type: ColumnType) => type === ColumnType.DATE || type === ColumnType.TIMESTAMP;

/**
 * Aggregate expressions over one table; `add` answers where the value comes back. `run` sends
 * one statement per group of expressions: a group closes at MAX_EXPRESSIONS expressions or
 * MAX_SORTS sorts, and never splits what one `group()` call added.
 */
class AggregateStatements {
  private readonly groups: { expressions: string[]; sorts: number; inner: string[]; params: unknown[] }[] = [];
  private count = 0;

  /**
   * Expressions of one column, with the sorts they take, and the per-row values they read from
   * the inner select; `$1`, `$2`… in those stand for `params`, renumbered within the statement.
   */
  group(expressions: string[], sorts = 0, inner: string[] = [], params: unknown[] = []): number[] {
    let last = this.groups.at(-1);
    if (!last || last.expressions.length + expressions.length > MAX_EXPRESSIONS || last.sorts + sorts > MAX_SORTS) {
      last = { expressions: [], sorts: 0, inner: [], params: [] };
      this.groups.push(last);
    }
    last.expressions.push(...expressions);
    last.sorts += sorts;
    const offset = last.params.length;
    last.inner.push(...inner.map((e) => e.replace(/\$(\d+)/g, (_, n: string) => `$${offset + Number(n)}`)));
    last.params.push(...params);
    const first = this.count;
    this.count += expressions.length;
    return expressions.map((_, i) => first + i);
  }

  add(expression: string): number {
    return this.group([expression])[0];
  }

  get empty(): boolean {
    return this.count === 0;
  }

  async run(qr: QueryRunner, table: string): Promise<unknown[]> {
    const values: unknown[] = [];
    for (const { expressions, inner, params } of this.groups) {
      const from = inner.length === 0 ? table : `(SELECT *, ${inner.join(', ')} FROM ${table}) t`;
      const [row] = await qr.query(`SELECT ${expressions.map((e, i) => `${e} AS a${i}`).join(', ')} FROM ${from}`, params);
      expressions.forEach((_, i) => values.push(row[`a${i}`]));
    }
    return values;
  }
}

export async function computeProfile(qr: QueryRunner, table: string, columns: DatasetColumn[]): Promise<Profile> {
  // 1. The plain aggregate.
  const plain = new AggregateStatements();
  const rowsAt = plain.add('count(*)::bigint');
  const at = columns.map((column) => {
    const c = q(column.name);
    const x = `${c}::float8`;
    if (NUMERIC_TYPES.has(column.type)) return plain.group([`count(${c})::bigint`, `min(${x})`, `max(${x})`, `avg(${x})`, `stddev_samp(${x})`, `var_samp(${x})`]);
    if (isTemporal(column.type)) return plain.group([`count(${c})::bigint`, `min(${c})::text`, `max(${c})::text`]);
    if (column.type === ColumnType.BOOLEAN) return plain.group([`count(${c})::bigint`, `count(*) FILTER (WHERE ${c})::bigint`, `count(*) FILTER (WHERE NOT ${c})::bigint`]);
    return plain.group([`count(${c})::bigint`]);
  });
  const numeric = columns.filter((c) => NUMERIC_TYPES.has(c.type)).slice(0, MAX_CORRELATION_COLUMNS);
  const pairs: number[] = [];
  for (let i = 0; i < numeric.length; i++) {
    for (let j = i + 1; j < numeric.length; j++) pairs.push(plain.add(`corr(${q(numeric[i].name)}::float8, ${q(numeric[j].name)}::float8)`));
  }
  const values = await plain.run(qr, table);
  const rowCount = Number(values[rowsAt]);

  const profiles: ColumnProfile[] = columns.map((column, i) => {
    const [present, ...rest] = at[i].map((k) => values[k]);
    const missing = rowCount - Number(present);
    const profile: ColumnProfile = {
      name: column.name,
      type: column.type,
      count: rowCount,
      missing,
      missingRate: rowCount === 0 ? 0 : missing / rowCount,
      distinct: 0,
    };
    if (NUMERIC_TYPES.has(column.type)) {
      const [min, max, mean, stddev, variance] = rest.map(num);
      Object.assign(profile, { min, max, mean, median: null, stddev, variance, quantiles: { p25: null, p50: null, p75: null } });
    } else if (isTemporal(column.type)) {
      Object.assign(profile, { min: rest[0] ?? null, max: rest[1] ?? null });
    } else if (column.type === ColumnType.BOOLEAN) {
      const counts = [
        { value: true, count: Number(rest[0]) },
        { value: false, count: Number(rest[1]) },
      ].filter((v) => v.count > 0);
      // Most frequent first, ties by value (false before true), as ORDER BY count DESC, value.
      counts.sort((a, b) => b.count - a.count || Number(a.value) - Number(b.value));
      profile.distinct = counts.length;
      profile.topValues = counts.slice(0, TOP_VALUES);
    }
    return profile;
  });

  // 2. The sorting aggregate, with the histograms.
  await sortingPass(qr, table, profiles);

  // 3. Categories and texts.
  for (const profile of profiles) {
    if (profile.type === ColumnType.CATEGORICAL || profile.type === ColumnType.TEXT) await textGroups(qr, table, profile);
  }

  const matrix: (number | null)[][] = numeric.map(() => numeric.map(() => null));
  let k = 0;
  for (let i = 0; i < numeric.length; i++) {
    matrix[i][i] = 1;
    for (let j = i + 1; j < numeric.length; j++) {
      const r = num(values[pairs[k++]]);
      matrix[i][j] = r;
      matrix[j][i] = r;
    }
  }

  // 4. Duplicate rows.
  const duplicateRows = await countDuplicateRows(qr, table, columns, profiles, rowCount);
  return { rowCount, duplicateRows, columns: profiles, correlation: { columns: numeric.map((c) => c.name), matrix } };
}

/**
 * Distinct counts of numbers and dates, quartiles, and histograms. A number's bin,
 * `least(width_bucket(x, min, max, 10), 10)` (NULL for NULL: least() passes over NULL), is
 * computed once per row in the inner select and counted by one FILTER per bin. A numeric column
 * with one value has one bin holding its present rows, and one with no value has no bins.
 */
async function sortingPass(qr: QueryRunner, table: string, profiles: ColumnProfile[]): Promise<void> {
  const sorting = new AggregateStatements();
  const pending: (() => void)[] = [];
  let values: unknown[] = [];
  profiles.forEach((profile, i) => {
    const c = q(profile.name);
    if (isTemporal(profile.type)) {
      const [distinct] = sorting.group([`count(DISTINCT ${c})::bigint`], 1);
      pending.push(() => (profile.distinct = Number(values[distinct])));
      return;
    }
    if (!NUMERIC_TYPES.has(profile.type)) return;
    const x = `${c}::float8`;
    const min = profile.min as number | null;
    const max = profile.max as number | null;
    const ranged = min !== null && max !== null && min !== max;
    const expressions = [`count(DISTINCT ${c})::bigint`, `percentile_cont(ARRAY[0.25, 0.5, 0.75]::float8[]) WITHIN GROUP (ORDER BY ${x})`];
    const inner: string[] = [];
    if (ranged) {
      // Quoted with a space: no column name (lower snake case) can be the same.
      const bin = `"bin ${i}"`;
      inner.push(`CASE WHEN ${c} IS NOT NULL THEN least(width_bucket(${x}, $1::float8, $2::float8, ${HISTOGRAM_BINS}), ${HISTOGRAM_BINS}) END AS ${bin}`);
      for (let b = 1; b <= HISTOGRAM_BINS; b++) expressions.push(`count(*) FILTER (WHERE ${bin} = ${b})::bigint`);
    }
    const [distinct, quartileAt, ...bins] = sorting.group(expressions, 2, inner, ranged ? [min, max] : []);
    pending.push(() => {
      const [p25, p50, p75] = quartiles(values[quartileAt]);
      Object.assign(profile, { distinct: Number(values[distinct]), median: p50, quantiles: { p25, p50, p75 } });
      if (min === null || max === null) profile.histogram = [];
      else if (!ranged) profile.histogram = [{ lower: min, upper: max, count: profile.count - profile.missing }];
      else profile.histogram = histogramOf(min, max, bins.map((k) => Number(values[k])));
    });
  });
  if (sorting.empty) return;
  values = await sorting.run(qr, table);
  for (const fill of pending) fill();
}

/** percentile_cont over an array answers a float8[]: parsed by the driver, or as its text form. */
function quartiles(value: unknown): [number | null, number | null, number | null] {
  if (value === null || value === undefined) return [null, null, null];
  const list = Array.isArray(value) ? value : String(value).replace(/^\{|\}$/g, '').split(',');
  const at = (i: number) => (list[i] === null || list[i] === undefined || list[i] === 'NULL' ? null : Number(list[i]));
  return [at(0), at(1), at(2)];
}

function histogramOf(min: number, max: number, counts: number[]) {
  const width = (max - min) / HISTOGRAM_BINS;
  return counts.map((count, i) => ({
    lower: min + i * width,
    upper: i === HISTOGRAM_BINS - 1 ? max : min + (i + 1) * width,
    count,
  }));
}

/**
 * A category or text column: its values counted in one GROUP BY, which gives the distinct count
 * (the number of groups) and, by a top-N sort of the groups, the most frequent values.
 */
async function textGroups(qr: QueryRunner, table: string, profile: ColumnProfile): Promise<void> {
  const c = q(profile.name);
  const rows: { value: string; n: string; groups: string }[] = await qr.query(
    `SELECT value, n, groups FROM (SELECT ${c} AS value, count(*)::bigint AS n, count(*) OVER ()::bigint AS groups FROM ${table} WHERE ${c} IS NOT NULL GROUP BY ${c}) g
      ORDER BY n DESC, value LIMIT ${TOP_VALUES}`,
  );
  profile.distinct = rows.length === 0 ? 0 : Number(rows[0].groups);
  profile.topValues = rows.map((r) => ({ value: r.value, count: Number(r.n) }));
}
