/**
 * The webhook delivery queue: rows of webhook_deliveries, written by the fan-out in the
 * transaction of the change. Each operation is one statement, safe with several hubs on one
 * database.
 *
 * - claim: `FOR UPDATE SKIP LOCKED` hands each due row to one hub only, marks it `sending`,
 *   counts the attempt and holds it until `locked_until`. A row whose holder died (still
 *   `sending` past `locked_until`) is due again; if it had no attempts left it fails.
 * - finish: records the attempt in the log and moves the row on (succeeded, pending again after a
 *   backoff, or failed). It only touches the row if this hub still holds that attempt.
 * - release: puts a row back untried (the hub is stopping).
 */
import type { StoredAttempt } from './webhook-delivery.entity.js';
import { rows, type Queryable } from '../db/rows.js';

export interface ClaimedDelivery {
  id: string;
  attempt: number;
}

export async function claimDeliveries(db: Queryable, limit: number, maxAttempts: number, holdMs: number): Promise<ClaimedDelivery[]> {
  await db.query(
    `UPDATE webhook_deliveries SET status = 'failed', locked_until = NULL,
       last_error = 'the hub sending it stopped before it finished, and no attempts are left'
     WHERE status = 'sending' AND locked_until < now() AND attempts >= $1`,
    [maxAttempts],
  );
  const claimed = rows<{ id: string; attempts: number }>(
    await db.query(
      `WITH due AS (
         SELECT id FROM webhook_deliveries
         WHERE (status = 'pending' AND next_attempt_at <= now()) OR (status = 'sending' AND locked_until < now())
         ORDER BY next_attempt_at, id
         LIMIT $1
         FOR UPDATE SKIP LOCKED
       )
       UPDATE webhook_deliveries w SET status = 'sending', attempts = w.attempts + 1, last_attempt_at = now(),
         locked_until = now() + make_interval(secs => $2::double precision / 1000)
       FROM due WHERE w.id = due.id
       RETURNING w.id, w.attempts`,
      [limit, holdMs],
    ),
  );
  return claimed.map((r) => ({ id: r.id, attempt: Number(r.attempts) }));
}

export type Outcome =
  | { status: 'succeeded'; log: StoredAttempt }
  | { status: 'pending'; retryInMs: number; log: StoredAttempt }
  | { status: 'failed'; log: StoredAttempt };

export async function finishDelivery(db: Queryable, delivery: ClaimedDelivery, outcome: Outcome): Promise<void> {
  await db.query(
    `UPDATE webhook_deliveries SET status = $3, locked_until = NULL,
       next_attempt_at = CASE WHEN $3 = 'pending' THEN now() + make_interval(secs => $4::double precision / 1000) ELSE next_attempt_at END,
       delivered_at = CASE WHEN $3 = 'succeeded' THEN now() ELSE delivered_at END,
       last_status_code = $5, last_error = $6, attempt_log = attempt_log || $7::jsonb
     WHERE id = $1 AND status = 'sending' AND attempts = $2`,
    [
      delivery.id,
      delivery.attempt,
      outcome.status,
      outcome.status === 'pending' ? outcome.retryInMs : 0,
      outcome.log.statusCode,
      outcome.log.error,
      JSON.stringify([outcome.log]),
    ],
  );
}

/** Gives a claimed row back without counting the attempt. */
export async function releaseDelivery(db: Queryable, delivery: ClaimedDelivery): Promise<void> {
  await db.query(
    `UPDATE webhook_deliveries SET status = 'pending', attempts = attempts - 1, locked_until = NULL, next_attempt_at = now()
     WHERE id = $1 AND status = 'sending' AND attempts = $2`,
    [delivery.id, delivery.attempt],
  );
}

/** Removes a row that must not be sent (the subscriber can no longer read the subject, or the webhook is gone). */
export async function dropDelivery(db: Queryable, delivery: ClaimedDelivery): Promise<void> {
  await db.query(`DELETE FROM webhook_deliveries WHERE id = $1 AND status = 'sending' AND attempts = $2`, [delivery.id, delivery.attempt]);
}

/** Milliseconds until the next row comes due (0 if one is due now), or null when none waits. */
export async function nextDueInMs(db: Queryable): Promise<number | null> {
  // Not greatest(0, …) in SQL: greatest ignores NULL, so an empty queue read as "due now" and the
  // worker polled every MIN_SLEEP_MS instead of sleeping until woken or the poll ceiling.
  const [row] = await db.query(
    `SELECT extract(epoch FROM (min(CASE WHEN status = 'pending' THEN next_attempt_at ELSE locked_until END) - now())) * 1000 AS ms
     FROM webhook_deliveries WHERE status IN ('pending', 'sending')`,
  );
  return row?.ms == null ? null : Math.max(0, Number(row.ms));
}
