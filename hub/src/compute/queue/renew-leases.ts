/**
 * Extends the leases of the jobs a node says it is running (its heartbeat). Only jobs leased to
 * that node, for the attempt it names, are renewed; the ids of those are returned.
 */
import { rows, type Queryable } from '../../db/rows.js';

export async function renewLeases(
  db: Queryable,
  nodeId: string,
  held: { jobId: string; attempt: number }[],
  leaseSeconds: number,
): Promise<string[]> {
  if (held.length === 0) return [];
  const result = await db.query(
    `UPDATE jobs SET lease_expires_at = now() + make_interval(secs => $4), updated_at = now()
     FROM unnest($2::uuid[], $3::int[]) AS h(id, attempt)
     WHERE jobs.id = h.id AND jobs.attempts = h.attempt AND jobs.node_id = $1 AND jobs.status IN ('leased', 'running')
     RETURNING jobs.id`,
    [nodeId, held.map((h) => h.jobId), held.map((h) => h.attempt), leaseSeconds],
  );
  return rows<{ id: string }>(result).map((r) => r.id);
}
