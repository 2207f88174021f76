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
 */
import type { QueryRunner } from 'typeorm';
import { ColumnType, NUMERIC_TYPES, type DatasetColumn } from './dataset-version.entity.js';

export const HISTOGRAM_BINS = 10;
export const TOP_VALUES = 10;
/** Beyond this many numeric columns the correlation matrix covers the first ones only. */
export const MAX_CORRELATION_COLUMNS = 50;

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

export async function computeProfile(qr: QueryRunner, table: string, columns: DatasetColumn[]): Promise<Profile> {
  const [{ rows }] = await qr.query(`SELECT count(*)::bigint AS rows FROM ${table}`);
  const rowCount = Number(rows);
  const all = columns.map((c) => q(c.name)).join(', ');
  const [{ distinct_rows }] = await qr.query(`SELECT count(*)::bigint AS distinct_rows FROM (SELECT DISTINCT ${all} FROM ${table}) d`);

  const profiles: ColumnProfile[] = [];
  for (const column of columns) {
    const c = q(column.name);
    const [base] = await qr.query(`SELECT count(${c})::bigint AS present, count(DISTINCT ${c})::bigint AS distinct FROM ${table}`);
    const present = Number(base.present);
    const profile: ColumnProfile = {
      name: column.name,
      type: column.type,
      count: rowCount,
      missing: rowCount - present,
      missingRate: rowCount === 0 ? 0 : (rowCount - present) / rowCount,
      distinct: Number(base.distinct),
    };
    if (NUMERIC_TYPES.has(column.type)) {
      const x = `${c}::float8`;
      const [s] = await qr.query(
        `SELECT min(${x}) AS min, max(${x}) AS max, avg(${x}) AS mean, stddev_samp(${x}) AS stddev, var_samp(${x}) AS variance,
                percentile_cont(0.25) WITHIN GROUP (ORDER BY ${x}) AS p25,
                percentile_cont(0.5) WITHIN GROUP (ORDER BY ${x}) AS p50,
                percentile_cont(0.75) WITHIN GROUP (ORDER BY ${x}) AS p75
           FROM ${table}`,
      );
      Object.assign(profile, {
        min: num(s.min),
        max: num(s.max),
        mean: num(s.mean),
        median: num(s.p50),
        stddev: num(s.stddev),
        variance: num(s.variance),
        quantiles: { p25: num(s.p25), p50: num(s.p50), p75: num(s.p75) },
      });
      profile.histogram = await histogram(qr, table, x, profile.min as number | null, profile.max as number | null);
    } else if (column.type === ColumnType.DATE || column.type === ColumnType.TIMESTAMP) {
      const [s] = await qr.query(`SELECT min(${c})::text AS min, max(${c})::text AS max FROM ${table}`);
      Object.assign(profile, { min: s.min, max: s.max });
    } else {
      const top = await qr.query(
        `SELECT ${c} AS value, count(*)::bigint AS count FROM ${table} WHERE ${c} IS NOT NULL GROUP BY ${c} ORDER BY count(*) DESC, ${c} LIMIT ${TOP_VALUES}`,
      );
      profile.topValues = top.map((r: { value: string | boolean; count: string }) => ({ value: r.value, count: Number(r.count) }));
    }
    profiles.push(profile);
  }

  const numeric = columns.filter((c) => NUMERIC_TYPES.has(c.type)).slice(0, MAX_CORRELATION_COLUMNS);
  const matrix: (number | null)[][] = numeric.map(() => numeric.map(() => null));
  if (numeric.length > 0) {
    const pairs: string[] = [];
    for (let i = 0; i < numeric.length; i++) {
      for (let j = i + 1; j < numeric.length; j++) pairs.push(`corr(${q(numeric[i].name)}::float8, ${q(numeric[j].name)}::float8) AS r${pairs.length}`);
    }
    const row = pairs.length ? (await qr.query(`SELECT ${pairs.join(', ')} FROM ${table}`))[0] : {};
    const values = pairs.map((_, k) => row[`r${k}`]);
    let k = 0;
    for (let i = 0; i < numeric.length; i++) {
      matrix[i][i] = 1;
      for (let j = i + 1; j < numeric.length; j++) {
        const r = num(values[k++]);
        matrix[i][j] = r;
        matrix[j][i] = r;
      }
    }
  }
  return {
    rowCount,
    duplicateRows: rowCount - Number(distinct_rows),
    columns: profiles,
    correlation: { columns: numeric.map((c) => c.name), matrix },
  };
}

async function histogram(qr: QueryRunner, table: string, x: string, min: number | null, max: number | null) {
  if (min === null || max === null) return [];
  if (min === max) {
    const [{ n }] = await qr.query(`SELECT count(${x})::bigint AS n FROM ${table}`);
    return [{ lower: min, upper: max, count: Number(n) }];
  }
  const rows: { bin: number; n: string }[] = await qr.query(
    `SELECT least(width_bucket(${x}, $1::float8, $2::float8, ${HISTOGRAM_BINS}), ${HISTOGRAM_BINS}) AS bin, count(*)::bigint AS n
       FROM ${table} WHERE ${x} IS NOT NULL GROUP BY 1`,
    [min, max],
  );
  const width = (max - min) / HISTOGRAM_BINS;
  const counts = new Map(rows.map((r) => [Number(r.bin), Number(r.n)]));
  return Array.from({ length: HISTOGRAM_BINS }, (_, i) => ({
    lower: min + i * width,
    upper: i === HISTOGRAM_BINS - 1 ? max : min + (i + 1) * width,
    count: counts.get(i + 1) ?? 0,
  }));
}
