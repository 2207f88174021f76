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
 * A table of at most `sampleRows` rows (PROFILE_SAMPLE_ROWS unless the caller says otherwise) is
 * profiled exactly, by few statements, each covering many columns:
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
 *
 * A larger table is read whole once (step 1: every figure of it stays exact), then a Bernoulli
 * sample of about `sampleRows` rows is copied to a temporary table, and steps 2 and 3 run on
 * the sample for the columns holding more than `sampleRows` values (a sparser column is still
 * profiled exactly, from the whole table): quartiles and the median are the sample's, histogram
 * and top-value counts the sample's scaled to the column's exact count, and the distinct count
 * the Haas–Stokes (Duj1) estimate PostgreSQL's ANALYZE makes from the sample's distinct values
 * and those it holds once. An integer column equal to the row number plus a constant (an id
 * column, checked in step 1) is distinct in every row, exactly. The duplicate rows stay exact.
 * The profile then says `sample: { rows }`.
 */
import { randomBytes } from 'node:crypto';
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
/** Tables with more rows are profiled partly from a sample of about this many rows. */
export const PROFILE_SAMPLE_ROWS = 30_000;
/** Integers within ±2^53 are exact as float8: the id-column check compares them as float8. */
const EXACT_FLOAT_INTEGER = 2 ** 53;

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
  /**
   * Present when the table had more rows than the sample size: the rows of the sample from which
   * distinct counts, quartiles, medians, histogram and top-value counts of columns holding more
   * values than the sample size were estimated.
   */
  sample?: { rows: number };
}

export interface ProfileOptions {
  /** Tables of at most this many rows are profiled exactly (PROFILE_SAMPLE_ROWS by default). */
  sampleRows?: number;
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

export async function computeProfile(qr: QueryRunner, table: string, columns: DatasetColumn[], options: ProfileOptions = {}): Promise<Profile> {
  const sampleRows = options.sampleRows ?? PROFILE_SAMPLE_ROWS;
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
  // An integer column whose value minus the row number is the same in every row holds no value
  // twice (the row number is the key): the distinct count of an id column, without a sort.
  const shiftAt = columns.map((column) =>
    column.type === ColumnType.INTEGER ? plain.group([`min(${q(column.name)}::float8 - _row)`, `max(${q(column.name)}::float8 - _row)`]) : undefined,
  );
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
  /** Columns whose distinct count is known exactly: every column of an exact profile, and id columns. */
  const exactDistinct = new Set<ColumnProfile>();
  profiles.forEach((profile, i) => {
    const shift = shiftAt[i];
    if (!shift) return;
    const [low, high] = shift.map((k) => num(values[k]));
    const present = profile.count - profile.missing;
    const inRange = (v: unknown) => typeof v === 'number' && Math.abs(v) < EXACT_FLOAT_INTEGER;
    if (present > 0 && low !== null && low === high && inRange(profile.min) && inRange(profile.max) && inRange(low)) {
      profile.distinct = present;
      exactDistinct.add(profile);
    }
  });

  let sample: Profile['sample'];
  if (rowCount <= sampleRows) {
    // 2. The sorting aggregate, with the histograms. 3. Categories and texts.
    await exactPasses(qr, table, profiles);
    for (const profile of profiles) exactDistinct.add(profile);
  } else {
    // Columns holding few values are cheap to profile exactly: only their values are sorted.
    const sparse = profiles.filter((p) => p.type !== ColumnType.BOOLEAN && p.count - p.missing <= sampleRows);
    if (sparse.length > 0) await exactPasses(qr, table, sparse);
    for (const profile of sparse) exactDistinct.add(profile);
    const dense = profiles.filter((p) => p.type !== ColumnType.BOOLEAN && p.count - p.missing > sampleRows);
    if (dense.length > 0) sample = await samplePasses(qr, table, dense, rowCount, sampleRows, exactDistinct);
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

  // 4. Duplicate rows: an estimated distinct count never lets the count skip reading rows.
  const counts = profiles.map((p) => ({ name: p.name, count: p.count, missing: p.missing, distinct: p.distinct, exact: exactDistinct.has(p) || p.type === ColumnType.BOOLEAN }));
  const duplicateRows = await countDuplicateRows(qr, table, columns, counts, rowCount);
  const result: Profile = { rowCount, duplicateRows, columns: profiles, correlation: { columns: numeric.map((c) => c.name), matrix } };
  if (sample) result.sample = sample;
  return result;
}

/** Steps 2 and 3 of the exact profile, over `profiles`' columns of `table`. */
async function exactPasses(qr: QueryRunner, table: string, profiles: ColumnProfile[]): Promise<void> {
  await sortingPass(qr, table, profiles);
  for (const profile of profiles) {
    if (profile.type === ColumnType.CATEGORICAL || profile.type === ColumnType.TEXT) await textGroups(qr, table, profile);
  }
}

/**
 * Steps 2 and 3 over a Bernoulli sample of about `sampleRows` rows of `table` (REPEATABLE: the same
 * rows for the same table), copied once to a temporary table dropped at the end. Per column one
 * hashed GROUP BY of the sample: its distinct values, those seen once and, for categories and
 * texts, the most frequent; then one sorting aggregate for the quartiles and histograms.
 */
async function samplePasses(
  qr: QueryRunner,
  table: string,
  profiles: ColumnProfile[],
  rowCount: number,
  sampleRows: number,
  exactDistinct: Set<ColumnProfile>,
): Promise<{ rows: number }> {
  // Generated, never from user input.
  const sample = `pg_temp.profile_sample_${randomBytes(8).toString('hex')}`;
  const percent = Math.min(100, (100 * sampleRows) / rowCount);
  await qr.query(
    `CREATE TEMPORARY TABLE ${sample} ON COMMIT DROP AS SELECT ${profiles.map((p) => q(p.name)).join(', ')} FROM ${table} TABLESAMPLE BERNOULLI (${percent}) REPEATABLE (0)`,
  );
  const [{ rows }] = await qr.query(`SELECT count(*)::bigint AS rows FROM ${sample}`);
  /** Present values of each column in the sample, from its GROUP BY. */
  const seen = new Map<ColumnProfile, number>();
  for (const profile of profiles) {
    const top = profile.type === ColumnType.CATEGORICAL || profile.type === ColumnType.TEXT;
    const total = profile.count - profile.missing;
    const c = q(profile.name);
    const grouped = `SELECT ${c} AS value, count(*)::bigint AS n FROM ${sample} WHERE ${c} IS NOT NULL GROUP BY ${c}`;
    if (!top) {
      // Its present values only, when its distinct count is exact already.
      const [stats]: { d: string; f1: string; present: string }[] = exactDistinct.has(profile)
        ? await qr.query(`SELECT count(${c})::bigint AS present FROM ${sample}`)
        : await qr.query(`SELECT count(*)::bigint AS d, count(*) FILTER (WHERE n = 1)::bigint AS f1, coalesce(sum(n), 0)::bigint AS present FROM (${grouped}) g`);
      seen.set(profile, Number(stats.present));
      if (!exactDistinct.has(profile)) profile.distinct = distinctEstimate(Number(stats.present), Number(stats.d), Number(stats.f1), total);
      continue;
    }
    const groups: { value: string; n: string; d: string; f1: string; present: string }[] = await qr.query(
      `SELECT value, n, count(*) OVER ()::bigint AS d, (count(*) FILTER (WHERE n = 1) OVER ())::bigint AS f1, (sum(n) OVER ())::bigint AS present
         FROM (${grouped}) g ORDER BY n DESC, value LIMIT ${TOP_VALUES}`,
    );
    const inSample = groups.length === 0 ? 0 : Number(groups[0].present);
    seen.set(profile, inSample);
    profile.distinct = distinctEstimate(inSample, Number(groups[0]?.d ?? 0), Number(groups[0]?.f1 ?? 0), total);
    profile.topValues = groups.map((g) => ({ value: g.value, count: Math.max(1, Math.round((Number(g.n) * total) / inSample)) }));
  }
  // Quartiles and histograms of the sample; the bins over the whole column's [min, max].
  const numbers = profiles.filter((p) => NUMERIC_TYPES.has(p.type));
  if (numbers.length > 0) await sortingPass(qr, sample, numbers, false);
  for (const profile of numbers) {
    const total = profile.count - profile.missing;
    const bins = profile.histogram ?? [];
    if (bins.length === HISTOGRAM_BINS) scaleCounts(bins, seen.get(profile) ?? 0, total);
    else if (bins.length === 1) bins[0].count = total;
  }
  // On failure the rollback drops it (ON COMMIT DROP covers commit); a DROP in an aborted
  // transaction would only hide the first error.
  await qr.query(`DROP TABLE ${sample}`);
  return { rows: Number(rows) };
}

/**
 * Haas and Stokes' Duj1 estimate of a column's distinct values from a sample of n of its N
 * present values holding d distinct values, f1 of them once: n·d / (n − f1 + f1·n/N), within
 * [d, N] (the estimator of PostgreSQL's ANALYZE). A sample where no value is seen once gives d;
 * one where every value is seen once gives N.
 */
export function distinctEstimate(n: number, d: number, f1: number, N: number): number {
  if (n <= 0) return Math.min(N, 1);
  if (n >= N) return d;
  const estimate = (n * d) / (n - f1 + (f1 * n) / N);
  return Math.round(Math.min(N, Math.max(d, estimate)));
}

/**
 * Histogram counts of a sample of n present values scaled to the column's N: rounded by largest
 * remainder, so they add up to N. The first bin holds the minimum and the last the maximum,
 * so neither is left empty.
 */
export function scaleCounts(bins: { count: number }[], n: number, N: number): void {
  if (n <= 0) return;
  const exact = bins.map((b) => (b.count * N) / n);
  const counts = exact.map(Math.floor);
  let left = N - counts.reduce((a, b) => a + b, 0);
  const order = exact.map((e, i) => [e - Math.floor(e), i]).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [, i] of order) {
    if (left <= 0) break;
    counts[i]++;
    left--;
  }
  for (const end of [0, counts.length - 1]) {
    if (counts[end] > 0 || N < 2) continue;
    const largest = counts.indexOf(Math.max(...counts));
    if (counts[largest] <= 1) continue;
    counts[largest]--;
    counts[end]++;
  }
  bins.forEach((b, i) => (b.count = counts[i]));
}

/**
 * Distinct counts of numbers and dates, quartiles, and histograms. A number's bin,
 * `least(width_bucket(x, min, max, 10), 10)` (NULL for NULL: least() passes over NULL), is
 * computed once per row in the inner select and counted by one FILTER per bin. A numeric column
 * with one value has one bin holding its present rows, and one with no value has no bins.
 */
async function sortingPass(qr: QueryRunner, table: string, profiles: ColumnProfile[], withDistinct = true): Promise<void> {
  const sorting = new AggregateStatements();
  const pending: (() => void)[] = [];
  let values: unknown[] = [];
  profiles.forEach((profile, i) => {
    const c = q(profile.name);
    if (isTemporal(profile.type)) {
      if (!withDistinct) return;
      const [distinct] = sorting.group([`count(DISTINCT ${c})::bigint`], 1);
      pending.push(() => (profile.distinct = Number(values[distinct])));
      return;
    }
    if (!NUMERIC_TYPES.has(profile.type)) return;
    const x = `${c}::float8`;
    const min = profile.min as number | null;
    const max = profile.max as number | null;
    const ranged = min !== null && max !== null && min !== max;
    const expressions = [`percentile_cont(ARRAY[0.25, 0.5, 0.75]::float8[]) WITHIN GROUP (ORDER BY ${x})`];
    if (withDistinct) expressions.unshift(`count(DISTINCT ${c})::bigint`);
    const inner: string[] = [];
    if (ranged) {
      // Quoted with a space: no column name (lower snake case) can be the same.
      const bin = `"bin ${i}"`;
      inner.push(`CASE WHEN ${c} IS NOT NULL THEN least(width_bucket(${x}, $1::float8, $2::float8, ${HISTOGRAM_BINS}), ${HISTOGRAM_BINS}) END AS ${bin}`);
      for (let b = 1; b <= HISTOGRAM_BINS; b++) expressions.push(`count(*) FILTER (WHERE ${bin} = ${b})::bigint`);
    }
    const at = sorting.group(expressions, withDistinct ? 2 : 1, inner, ranged ? [min, max] : []);
    const distinct = withDistinct ? at.shift() : undefined;
    const [quartileAt, ...bins] = at;
    pending.push(() => {
      const [p25, p50, p75] = quartiles(values[quartileAt]);
      if (distinct !== undefined) profile.distinct = Number(values[distinct]);
      Object.assign(profile, { median: p50, quantiles: { p25, p50, p75 } });
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
