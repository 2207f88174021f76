/**
 * A version's scores on a holdout query, by the hub's own ML.EVALUATE: the statement
 * `SELECT * FROM ML.EVALUATE(MODEL "owner"."name"@n, (<holdout>))` runs through the SQL surface as
 * `principal` (so the same access, residency and checks hold as when they type it), a `predict`
 * job on an agent answers the outputs, and the hub scores them from the labels it kept
 * (ml/evaluation-score.ts). When the job outlasts AIMASS_ML_WAIT_MS its result is read again
 * until it finished or `waitMs` passed.
 */
import type { Principal } from '../accounts/index.js';
import { AppError, badInput } from '../errors.js';
import type { MlService } from '../ml/index.js';
import type { SqlService } from '../sql/index.js';

export interface HoldoutScorer {
  sql: Pick<SqlService, 'run'>;
  ml: Pick<MlService, 'jobResult'>;
}

const POLL_MS = 250;
const MAX_HOLDOUT = 20_000;

/** The holdout as the inner query of ML.EVALUATE: one SELECT, no trailing semicolon. */
export function holdoutQuery(holdoutSql: string): string {
  const q = holdoutSql.trim().replace(/;+\s*$/, '').trim();
  if (q.length === 0) throw badInput('holdoutSql', 'give a SELECT over dataset versions with the training columns (the label too)');
  if (q.length > MAX_HOLDOUT) throw badInput('holdoutSql', `at most ${MAX_HOLDOUT} characters`);
  if (!/^(select|with)\b/i.test(q)) throw badInput('holdoutSql', 'must be one SELECT (the rows to score both versions on, label included)');
  return q;
}

export function evaluateStatement(owner: string, name: string, version: number, holdout: string): string {
  return `SELECT * FROM ML.EVALUATE(MODEL "${owner}"."${name}"@${version}, (${holdout}))`;
}

/** ML.EVALUATE's metrics of `owner/name@version` on `holdout` (null: undefined on these rows). */
export async function holdoutScores(
  scorer: HoldoutScorer,
  principal: Principal,
  model: { owner: string; name: string },
  version: number,
  holdout: string,
  waitMs: number,
): Promise<Record<string, number | null>> {
  const deadline = Date.now() + waitMs;
  let page: { columns: { name: string }[]; rows: unknown[][] };
  try {
    page = await scorer.sql.run(principal, evaluateStatement(model.owner, model.name, version, holdout));
  } catch (error) {
    // The holdout is the caller's SQL: what the SQL surface refuses is theirs to fix.
    if (error instanceof AppError && error.code === 'BAD_USER_INPUT') throw badInput('holdoutSql', `version ${version}: ${error.message}`);
    throw error;
  }
  for (;;) {
    const names = page.columns.map((c) => c.name);
    const at = names.indexOf('job_id');
    if (at < 0) {
      const row = page.rows[0] ?? [];
      return Object.fromEntries(names.map((n, i) => [n, typeof row[i] === 'number' ? (row[i] as number) : null]));
    }
    const row = page.rows[0] ?? [];
    const status = String(row[names.indexOf('status')]);
    if (status === 'failed' || status === 'canceled') {
      throw new AppError('UNAVAILABLE', `the evaluation of version ${version} ${status}: ${String(row[names.indexOf('error')] ?? 'no reason given')}`);
    }
    if (Date.now() >= deadline) throw new AppError('UNAVAILABLE', `the evaluation of version ${version} did not finish in ${Math.round(waitMs / 1000)} s (AIMASS_PROMOTION_WAIT_MS)`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    page = await scorer.ml.jobResult(principal, String(row[at]), { offset: 0, first: 1 });
  }
}
