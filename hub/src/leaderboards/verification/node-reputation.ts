/**
 * A node's evaluation record (node_reputation): what verified evaluation learned of it. Agreeing
 * with a quorum or passing a spot check lengthens its clean streak; anything else ends the
 * streak. After `trustedAfter` clean results in a row the verifier accepts its runs alone with a
 * passed spot check (evaluation-verifier.ts).
 */
import type { Queryable } from '../../db/rows.js';

/** What one decided run did for its node. */
export type Credit = { clean?: boolean; agreed?: boolean; disagreed?: boolean; spotPassed?: boolean; spotFailed?: boolean };

/** Node.evaluationRecord. */
export interface NodeRecord {
  agreed: number;
  disagreed: number;
  spotChecksPassed: number;
  spotChecksFailed: number;
  cleanStreak: number;
  trusted: boolean;
  lastResultAt: Date | null;
}

/** Adds one run's credit to the node's record, in the transaction that decided the run. */
export async function creditNode(tx: Queryable, nodeId: string, r: Credit): Promise<void> {
  await tx.query(
    `INSERT INTO node_reputation AS p (node_id, agreed, disagreed, spot_checks_passed, spot_checks_failed, clean_streak, last_result_at)
     VALUES ($1, $2, $3, $4, $5, $6, now())
     ON CONFLICT (node_id) DO UPDATE SET agreed = p.agreed + $2, disagreed = p.disagreed + $3, spot_checks_passed = p.spot_checks_passed + $4,
       spot_checks_failed = p.spot_checks_failed + $5, clean_streak = CASE WHEN $7 THEN p.clean_streak + 1 ELSE 0 END, last_result_at = now()`,
    [nodeId, r.agreed ? 1 : 0, r.disagreed ? 1 : 0, r.spotPassed ? 1 : 0, r.spotFailed ? 1 : 0, r.clean ? 1 : 0, r.clean === true],
  );
}

/** The node's record; a node never verified has an empty one. */
export async function nodeRecord(db: Queryable, nodeId: string, trustedAfter: number): Promise<NodeRecord> {
  const [r] = await db.query(`SELECT * FROM node_reputation WHERE node_id = $1`, [nodeId]);
  const cleanStreak = r?.clean_streak ?? 0;
  return {
    agreed: r?.agreed ?? 0,
    disagreed: r?.disagreed ?? 0,
    spotChecksPassed: r?.spot_checks_passed ?? 0,
    spotChecksFailed: r?.spot_checks_failed ?? 0,
    cleanStreak,
    trusted: trustedAfter > 0 && cleanStreak >= trustedAfter,
    lastResultAt: r?.last_result_at ?? null,
  };
}
