/**
 * Ends the current attempt of a job, but only for the node that holds its lease and only for that
 * attempt: every update is guarded by (node_id, attempts, active status), so a late, duplicated or
 * forged report changes nothing and a job succeeds at most once.
 *
 * - succeed: the job is done.
 * - fail: counts a failure; the job is queued again after a backoff, or fails for good when it is
 *   not retryable or has failed max_attempts times. Every reason stays in job_attempts.
 * - release: the node gives the job back (draining); queued again at once, no failure counted.
 */
import { rows, type Queryable } from '../../db/rows.js';

export interface FinishedJob {
  id: string;
  status: string;
  ownerId: string;
  kind: string;
  /** The whole row as updated (`to_jsonb`), what the job's subscribers are told (JobsService.publishRow). */
  row: Record<string, unknown>;
}

export interface Backoff {
  baseSeconds: number;
  maxSeconds: number;
}

const CURRENT = `id = $1 AND node_id = $2 AND attempts = $3 AND status IN ('leased', 'running')`;
const RETURNING = `RETURNING id, status, owner_id, kind, to_jsonb(jobs) AS row`;

function map(result: unknown): FinishedJob | undefined {
  const row = rows<any>(result)[0];
  return row && { id: row.id, status: row.status, ownerId: row.owner_id, kind: row.kind, row: row.row };
}

/**
 * Updates the job (`set`, guarded by {@link CURRENT}) and ends its attempt with `outcome` and
 * `reason` in ONE statement, so no reader ever sees a failed job whose attempt has no reason yet.
 * Parameters: $1 job id, $2 node id, $3 attempt, then `params`.
 */
async function finish(db: Queryable, set: string, params: unknown[], outcome: string, reason: string): Promise<FinishedJob | undefined> {
  return map(
    await db.query(
      `WITH job AS (UPDATE jobs SET ${set} WHERE ${CURRENT} ${RETURNING}),
         ended AS (UPDATE job_attempts SET outcome = '${outcome}', reason = ${reason}, ended_at = now()
           WHERE job_id = (SELECT id FROM job) AND attempt = $3)
       SELECT * FROM job`,
      params,
    ),
  );
}

export function succeedJob(db: Queryable, jobId: string, nodeId: string, attempt: number, result: unknown): Promise<FinishedJob | undefined> {
  return finish(
    db,
    `status = 'succeeded', result = $4, progress = 1, error = NULL, finished_at = now(), updated_at = now(), lease_expires_at = NULL, job_token_hash = NULL`,
    [jobId, nodeId, attempt, JSON.stringify(result ?? null)],
    'succeeded',
    'NULL',
  );
}

export function failJob(
  db: Queryable,
  jobId: string,
  nodeId: string,
  attempt: number,
  error: string,
  retryable: boolean,
  backoff: Backoff,
): Promise<FinishedJob | undefined> {
  return finish(
    db,
    `failures = failures + 1,
       status = CASE WHEN NOT $5 OR failures + 1 >= max_attempts THEN 'failed' ELSE 'queued' END,
       finished_at = CASE WHEN NOT $5 OR failures + 1 >= max_attempts THEN now() END,
       node_id = CASE WHEN NOT $5 OR failures + 1 >= max_attempts THEN node_id END,
       run_after = now() + make_interval(secs => least($7::float8, $6::float8 * power(2, failures))),
       error = $4, lease_expires_at = NULL, job_token_hash = NULL, updated_at = now()`,
    [jobId, nodeId, attempt, error, retryable, backoff.baseSeconds, backoff.maxSeconds],
    'failed',
    '$4',
  );
}

export function releaseJob(db: Queryable, jobId: string, nodeId: string, attempt: number, reason: string): Promise<FinishedJob | undefined> {
  return finish(
    db,
    `status = 'queued', node_id = NULL, run_after = now(), lease_expires_at = NULL, job_token_hash = NULL, progress = 0, updated_at = now()`,
    [jobId, nodeId, attempt, reason],
    'released',
    '$4',
  );
}

/** Marks a job lost by its node (lease expired, or the agent came back without it): a failure, retried with backoff. */
export async function loseJobs(
  db: Queryable,
  where: { expiredBefore: 'now' } | { nodeId: string; jobIds: string[] },
  backoff: Backoff,
): Promise<{ id: string; status: string; attempt: number; nodeId: string; ownerId: string }[]> {
  const filter =
    'expiredBefore' in where
      ? `status IN ('leased', 'running') AND lease_expires_at < now()`
      : `status IN ('leased', 'running') AND node_id = $3 AND id = ANY($4::uuid[])`;
  const params: unknown[] = [backoff.baseSeconds, backoff.maxSeconds];
  if (!('expiredBefore' in where)) params.push(where.nodeId, where.jobIds);
  const released = rows<any>(
    await db.query(
      `WITH lost AS (SELECT id, node_id, attempts FROM jobs WHERE ${filter} FOR UPDATE SKIP LOCKED),
       updated AS (UPDATE jobs SET failures = jobs.failures + 1,
         status = CASE WHEN jobs.failures + 1 >= jobs.max_attempts THEN 'failed' ELSE 'queued' END,
         finished_at = CASE WHEN jobs.failures + 1 >= jobs.max_attempts THEN now() END,
         node_id = CASE WHEN jobs.failures + 1 >= jobs.max_attempts THEN jobs.node_id END,
         run_after = now() + make_interval(secs => least($2::float8, $1::float8 * power(2, jobs.failures))),
         error = 'lost by its node (no heartbeat within the lease)', lease_expires_at = NULL, job_token_hash = NULL, updated_at = now()
       FROM lost WHERE jobs.id = lost.id
       RETURNING jobs.id, jobs.status, jobs.attempts, lost.node_id, jobs.owner_id),
       ended AS (UPDATE job_attempts a SET outcome = 'lost', reason = 'no heartbeat for this job within its lease', ended_at = now()
         FROM updated u WHERE a.job_id = u.id AND a.attempt = u.attempts)
       SELECT * FROM updated`,
      params,
    ),
  );
  return released.map((r) => ({ id: r.id, status: r.status, attempt: r.attempts, nodeId: r.node_id, ownerId: r.owner_id }));
}
