/**
 * One-way ANOVA of every numeric column of a version against a grouping column the user picks:
 * group sizes, means and variances come from one GROUP BY per column in SQL; F and its p-value
 * are computed here (f-distribution.ts). Rows where either value is NULL are left out.
 */
import type { DataSource } from 'typeorm';
import { badInput } from '../errors.js';
import { ColumnType, NUMERIC_TYPES, type DatasetVersion } from './dataset-version.entity.js';
import { fSurvival } from './f-distribution.js';

export interface AnovaResult {
  column: string;
  groups: number;
  n: number;
  /** null when there are fewer than two groups or no residual degrees of freedom. */
  f: number | null;
  pValue: number | null;
  dfBetween: number;
  dfWithin: number;
  groupStats: { group: string; n: number; mean: number }[];
}

const GROUPABLE = new Set([ColumnType.CATEGORICAL, ColumnType.TEXT, ColumnType.BOOLEAN, ColumnType.INTEGER, ColumnType.DATE]);
const MAX_GROUPS = 1000;

export async function anova(db: DataSource, version: DatasetVersion, groupBy: string): Promise<AnovaResult[]> {
  const group = version.columns.find((c) => c.name === groupBy);
  if (!group) throw badInput('groupBy', `no column "${groupBy}" in this version`);
  if (!GROUPABLE.has(group.type)) throw badInput('groupBy', `a ${group.type} column cannot group rows; pick a categorical, text, boolean, integer or date column`);
  const results: AnovaResult[] = [];
  for (const column of version.columns.filter((c) => NUMERIC_TYPES.has(c.type) && c.name !== groupBy)) {
    const rows: { g: string; n: string; mean: number; variance: number | null }[] = await db.query(
      `SELECT "${group.name}"::text AS g, count(*) AS n, avg("${column.name}")::float8 AS mean, coalesce(var_samp("${column.name}"), 0)::float8 AS variance
       FROM ${version.tableName} WHERE "${group.name}" IS NOT NULL AND "${column.name}" IS NOT NULL
       GROUP BY 1 ORDER BY 1 LIMIT ${MAX_GROUPS + 1}`,
    );
    if (rows.length > MAX_GROUPS) throw badInput('groupBy', `"${groupBy}" has more than ${MAX_GROUPS} distinct values`);
    const stats = rows.map((r) => ({ group: r.g, n: Number(r.n), mean: Number(r.mean), variance: Number(r.variance ?? 0) }));
    const n = stats.reduce((s, g) => s + g.n, 0);
    const k = stats.length;
    const grand = stats.reduce((s, g) => s + g.n * g.mean, 0) / (n || 1);
    const ssBetween = stats.reduce((s, g) => s + g.n * (g.mean - grand) ** 2, 0);
    const ssWithin = stats.reduce((s, g) => s + (g.n - 1) * g.variance, 0);
    const dfBetween = k - 1;
    const dfWithin = n - k;
    const valid = k >= 2 && dfWithin > 0 && ssWithin > 0;
    const f = valid ? ssBetween / dfBetween / (ssWithin / dfWithin) : null;
    results.push({
      column: column.name,
      groups: k,
      n,
      f,
      pValue: f === null ? null : fSurvival(f, dfBetween, dfWithin),
      dfBetween,
      dfWithin,
      groupStats: stats.map(({ group: g, n: gn, mean }) => ({ group: g, n: gn, mean })),
    });
  }
  return results;
}
