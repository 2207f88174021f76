/**
 * What an owner stores in model files, for the per-owner quota (AIMASS_QUOTA_ARTIFACT_BYTES): the
 * size of every distinct blob that a version of a model the owner (user or organization) owns
 * names. A blob named by several of the owner's versions counts once; a blob another owner's model
 * also names (a fork, the same weights uploaded twice) counts fully for each owner, as it would
 * if each had uploaded it alone — no owner's usage depends on what others keep or delete.
 * Training checkpoints are the hub's working files and count for nobody.
 */
import type { Queryable } from '../db/rows.js';

/** The owner's bytes, with `adding` (files about to become a version) counted as if already named. */
export async function artifactBytesOf(db: Queryable, ownerId: string, adding: Iterable<{ sha256: string; size: number }> = []): Promise<number> {
  const extra = [...adding];
  const [row] = await db.query(
    `SELECT coalesce(sum(size), 0)::text AS bytes FROM (
       SELECT DISTINCT sha256, size FROM (
         SELECT f.value->>'sha256' AS sha256, (f.value->>'size')::bigint AS size
         FROM model_versions v JOIN models m ON m.id = v.model_id, jsonb_each(v.files) f WHERE m.owner_id = $1
         UNION ALL
         SELECT * FROM unnest($2::text[], $3::bigint[])
       ) named
     ) blobs`,
    [ownerId, extra.map((f) => f.sha256), extra.map((f) => f.size)],
  );
  return Number(row.bytes);
}
