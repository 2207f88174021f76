/**
 * Who may read a subject, in SQL. The fan-out (inside the caller's transaction, one statement for
 * every subscriber), the inbox, the subscription list and the webhook worker all filter with it,
 * so a subscriber who cannot read a model or dataset (it went private, they left the organization,
 * a collaborator role was taken away) gets nothing about it: no inbox row, no live event, no webhook.
 *
 * Each kind's rule is the access rule (access/readable-sql.ts) with that kind's collaborators:
 * services.ts hands the kind's `sharing/ResourceSharing`, whose readableSql builds it.
 */
import { SubjectKind } from './subject.js';

export interface SubjectReadRule {
  /**
   * SQL true for rows of `alias` (the kind's table) that the user whose id is the SQL expression
   * `userParam` may read. Platform admins are handled by the caller.
   */
  readableSql(alias: string, userParam: string): string;
}

export type SubjectRules = Record<SubjectKind, SubjectReadRule>;

/** The table of each kind; from code, never from input. */
export const SUBJECT_TABLE: Record<SubjectKind, { table: string; column: 'model_id' | 'dataset_id' | 'deployment_id' }> = {
  [SubjectKind.MODEL]: { table: 'models', column: 'model_id' },
  [SubjectKind.DATASET]: { table: 'datasets', column: 'dataset_id' },
  [SubjectKind.DEPLOYMENT]: { table: 'deployments', column: 'deployment_id' },
};

/**
 * SQL true when the user `userExpr` (admin flag `isAdminExpr`) may read the subject of `row`, a
 * row alias with the subject columns (a subscription or a notification).
 */
export function canReadSubjectSql(rules: SubjectRules, row: string, userExpr: string, isAdminExpr: string): string {
  const parts = Object.values(SubjectKind).map((kind) => {
    const { table, column } = SUBJECT_TABLE[kind];
    const alias = `subject_${column}`;
    return `(${row}.${column} IS NOT NULL AND EXISTS (SELECT 1 FROM ${table} ${alias} WHERE ${alias}.id = ${row}.${column} AND ${rules[kind].readableSql(alias, userExpr)}))`;
  });
  return `(${isAdminExpr} OR ${parts.join(' OR ')})`;
}
