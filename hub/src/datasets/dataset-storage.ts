/**
 * What an owner stores in datasets, for the per-owner quota (AIMASS_QUOTA_DATASET_BYTES): the
 * bytes uploaded for every version of every dataset the owner (user or organization) owns, as the
 * ingest report recorded them. The upload's size, not the table's, so the number is the one the
 * uploader saw and does not move with PostgreSQL's storage details.
 */
import type { Queryable } from '../db/rows.js';

export async function datasetBytesOf(db: Queryable, ownerId: string): Promise<number> {
  const [row] = await db.query(
    `SELECT coalesce(sum((v.ingest_report->>'bytes')::bigint), 0)::text AS bytes
     FROM dataset_versions v JOIN datasets d ON d.id = v.dataset_id WHERE d.owner_id = $1`,
    [ownerId],
  );
  return Number(row.bytes);
}
