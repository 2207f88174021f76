/**
 * Every dataset table carries row-level security with one policy: the SQL sandbox's role sees
 * its rows only while the hub has granted that table to the sandbox session running the query
 * (`aimass_sandbox.may_read`, migration SqlSandbox; docs/sql-sandbox.md). The hub's own user owns
 * the tables and is not subject to the policy. The check is an uncorrelated subquery, so
 * PostgreSQL runs it once per query (an InitPlan) and each row only tests its result; a bare
 * function call there would run once per row.
 */
import type { QueryRunner } from 'typeorm';

export const SANDBOX_READ_POLICY = 'aimass_sandbox_read';

const TABLE = /^datasets\.v_[0-9a-f]{32}$/;

/** Statements that put the policy on `table` (`datasets.v_<hex>`). */
export function sandboxReadPolicy(table: string): string[] {
  if (!TABLE.test(table)) throw new Error(`not a dataset table: ${table}`);
  return [
    `ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY`,
    `CREATE POLICY ${SANDBOX_READ_POLICY} ON ${table} FOR SELECT USING ((SELECT aimass_sandbox.may_read('${table}')))`,
  ];
}

export async function protectDatasetTable(qr: Pick<QueryRunner, 'query'>, table: string): Promise<void> {
  for (const statement of sandboxReadPolicy(table)) await qr.query(statement);
}
