/**
 * One hub does each step of a periodic metrics task: the task's row in `serving_metric_tasks` is
 * locked FOR UPDATE SKIP LOCKED in a transaction, the step runs in that transaction and moves
 * `done_until` on, and the commit releases it. A hub that finds the row locked skips the step (the
 * other hub is doing it); one that comes after sees where it ended. PGlite runs one transaction at
 * a time, and the step waits on nothing outside its own transaction, so it holds there too.
 */
import type { DataSource } from 'typeorm';
import { rows, type Queryable } from '../../db/rows.js';

/** What a step did: the new `done_until`, or null to leave it, and a value for the caller. */
export interface StepResult<T> {
  doneUntil: Date | null;
  value: T;
}

/** Runs `step` if this hub claims `task`; undefined when another hub holds it. */
export async function withTaskClaim<T>(db: DataSource, task: string, step: (tx: Queryable, doneUntil: Date | null) => Promise<StepResult<T>>): Promise<T | undefined> {
  await db.query(`INSERT INTO serving_metric_tasks (task) VALUES ($1) ON CONFLICT DO NOTHING`, [task]);
  return db.transaction(async (tx) => {
    const [row] = rows<{ done_until: Date | null }>(await tx.query(`SELECT done_until FROM serving_metric_tasks WHERE task = $1 FOR UPDATE SKIP LOCKED`, [task]));
    if (!row) return undefined;
    const { doneUntil, value } = await step(tx, row.done_until ? new Date(row.done_until) : null);
    if (doneUntil) await tx.query(`UPDATE serving_metric_tasks SET done_until = $2 WHERE task = $1`, [task, doneUntil]);
    return value;
  });
}
