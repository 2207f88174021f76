/**
 * Duplicate rows of a version's table: rows equal in every column to an earlier one (NULL equal
 * to NULL, as SELECT DISTINCT compares), counted exactly.
 *
 * Two rows can only be equal where they hold the same value in every column, so the column with
 * the most groups (distinct values, plus one for NULL when it has any) decides how much must be
 * compared: when it has as many groups as there are rows, no row repeats and nothing is read.
 * When few of its values repeat, only the rows holding a repeated value are compared. When many
 * repeat, every row is (SELECT DISTINCT over the table).
 */
import type { QueryRunner } from 'typeorm';
import type { DatasetColumn } from './dataset-version.entity.js';

/** Compare only the rows sharing a key value when at most this share of the rows can. */
export const NARROWED_SHARE = 0.25;

export interface ColumnCounts {
  name: string;
  count: number;
  missing: number;
  distinct: number;
  /** False when `distinct` is an estimate: it then only chooses between the two ways of reading rows. */
  exact?: boolean;
}

export type DuplicatePlan = { kind: 'none' } | { kind: 'narrowed'; key: string; nullsRepeat: boolean } | { kind: 'full' };

/**
 * How to count duplicates, from the per-column counts. Rows in groups of two or more, R, with g
 * such groups, satisfy R − g = rows − groups and g ≤ R / 2; so R ≤ 2 · (rows − groups).
 */
export function duplicatePlan(columns: ColumnCounts[], rowCount: number): DuplicatePlan {
  let best: ColumnCounts | undefined;
  let bestGroups = -1;
  for (const c of columns) {
    const groups = c.distinct + (c.missing > 0 ? 1 : 0);
    // An exact count wins a tie: it may let nothing be read.
    if (groups > bestGroups || (groups === bestGroups && best?.exact === false && c.exact !== false)) {
      best = c;
      bestGroups = groups;
    }
  }
  if (!best || rowCount <= 1) return { kind: 'none' };
  if (bestGroups >= rowCount) {
    if (best.exact !== false) return { kind: 'none' };
    // A column estimated to tell every row apart: its repeated values, if any, are few.
    return { kind: 'narrowed', key: best.name, nullsRepeat: best.missing > 1 };
  }
  if (2 * (rowCount - bestGroups) <= NARROWED_SHARE * rowCount) return { kind: 'narrowed', key: best.name, nullsRepeat: best.missing > 1 };
  return { kind: 'full' };
}

export async function countDuplicateRows(qr: QueryRunner, table: string, columns: DatasetColumn[], counts: ColumnCounts[], rowCount: number): Promise<number> {
  const plan = duplicatePlan(counts, rowCount);
  if (plan.kind === 'none') return 0;
  const all = columns.map((c) => `"${c.name}"`).join(', ');
  if (plan.kind === 'full') {
    const [{ distinct_rows }] = await qr.query(`SELECT count(*)::bigint AS distinct_rows FROM (SELECT DISTINCT ${all} FROM ${table}) d`);
    return rowCount - Number(distinct_rows);
  }
  const k = `"${plan.key}"`;
  const [{ candidates, distinct_rows }] = await qr.query(
    `WITH c AS MATERIALIZED (
       SELECT ${all} FROM ${table}
        WHERE ${k} IN (SELECT ${k} FROM ${table} WHERE ${k} IS NOT NULL GROUP BY ${k} HAVING count(*) > 1)${plan.nullsRepeat ? ` OR ${k} IS NULL` : ''}
     )
     SELECT (SELECT count(*) FROM c)::bigint AS candidates, (SELECT count(*) FROM (SELECT DISTINCT ${all} FROM c) d)::bigint AS distinct_rows`,
  );
  return Number(candidates) - Number(distinct_rows);
}
