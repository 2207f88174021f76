import type { Queryable } from './rows.js';

/**
 * Serialises the final quota check of one owner's concurrent uploads to the end of the calling
 * transaction, so two uploads that each fit cannot both commit past the quota. `quota` names which
 * quota (datasets, artifacts), so the two do not wait on each other.
 */
export async function lockOwnerQuota(tx: Queryable, quota: string, ownerId: string): Promise<void> {
  await tx.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`quota:${quota}:${ownerId}`]);
}
