/**
 * Capacity sharing (docs/autoscaling.md, "Capacity sharing"): when every deployment together
 * wants more replicas than the network holds (online nodes × AIMASS_SERVE_REPLICAS_PER_NODE),
 * replicas are shared by one stated rule:
 *
 *  1. minimums first: each deployment's minReplicas (oldest deployment first, should even those
 *     not fit);
 *  2. then fair share (max-min fairness) of what remains: replica by replica, to the deployment
 *     still wanting more that holds the fewest (the oldest on a tie) — so every deployment ends with
 *     its wish or with as many as the others still waiting, give or take one.
 *
 * There is no owner-set priority: owners would all set the highest. A pure function, so the rule
 * is tested on its own; `CapacitySharing` applies it to the deployments' rows.
 */
import type { DataSource } from 'typeorm';
import { rows } from '../../db/rows.js';
import type { Logger } from '../../logger.js';
import type { CapacityShare } from './planned-bounds.js';

export interface Claim {
  id: string;
  /** Replicas it must keep (minReplicas). */
  min: number;
  /** Replicas it wants (the autoscaler's wish, at least min). */
  wish: number;
  /** Epoch ms it was created: older first where the rule needs an order. */
  createdAt: number;
}

/** Replicas granted to each claim out of `capacity`. */
export function shareCapacity(capacity: number, claims: readonly Claim[]): Map<string, number> {
  const ordered = [...claims].sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
  const granted = new Map<string, number>(ordered.map((c) => [c.id, 0]));
  let left = Math.max(0, Math.floor(capacity));
  for (const c of ordered) {
    const take = Math.min(c.min, left);
    granted.set(c.id, take);
    left -= take;
  }
  // Max-min fairness in whole replicas: each next replica to the deployment granted the fewest (the oldest on a tie).
  const wants = (c: Claim) => granted.get(c.id)! < Math.max(c.wish, c.min);
  while (left > 0) {
    let next: Claim | undefined;
    for (const c of ordered) if (wants(c) && (next === undefined || granted.get(c.id)! < granted.get(next.id)!)) next = c;
    if (!next) break;
    granted.set(next.id, granted.get(next.id)! + 1);
    left--;
  }
  return granted;
}

/** Applies the rule to every deployment on the hub's database; one hub at a time is enough, any may. */
export class CapacitySharing {
  constructor(
    private readonly db: DataSource,
    private readonly replicasPerNode: number,
    private readonly log: Logger,
    private readonly clock: { now(): number } = { now: () => Date.now() },
  ) {}

  /** Computes the shares and writes them; answers the deployments it holds back. */
  async run(): Promise<string[]> {
    const now = this.clock.now();
    if (this.replicasPerNode === 0) {
      await this.db.query(`UPDATE deployments SET capacity_share = NULL WHERE capacity_share IS NOT NULL`);
      return [];
    }
    const [{ nodes }] = rows<{ nodes: string }>(
      await this.db.query(`SELECT count(*) AS nodes FROM nodes WHERE connected AND NOT disabled AND NOT draining AND NOT quarantined`),
    );
    const capacity = Number(nodes) * this.replicasPerNode;
    if (capacity === 0) {
      // No node online (a hub starting before its agents reconnect): nothing can be placed, and holding
      // deployments at their minimum would only stop the replicas the returning agents still hold.
      await this.db.query(`UPDATE deployments SET capacity_share = NULL WHERE capacity_share IS NOT NULL`);
      return [];
    }
    // Every deployment that runs replicas: autoscaled ones by their wish, others by minReplicas.
    const found = rows<{ id: string; min: number; wish: number | null; created_at: Date; autoscaled: boolean; share: CapacityShare | null }>(
      await this.db.query(
        `SELECT id, min_replicas AS min, CASE WHEN autoscaling IS NULL THEN min_replicas ELSE coalesce((autoscaler->>'wish')::int, wanted_replicas, min_replicas) END AS wish,
                created_at, autoscaling IS NOT NULL AS autoscaled, capacity_share AS share
         FROM deployments WHERE coalesce(status_message, '') <> 'deleting' AND status NOT IN ('stopped', 'failed')`,
      ),
    );
    const claims: Claim[] = found.map((d) => ({ id: d.id, min: d.min, wish: Math.max(d.min, Number(d.wish ?? d.min)), createdAt: new Date(d.created_at).getTime() }));
    const wanted = claims.reduce((sum, c) => sum + c.wish, 0);
    const granted = wanted <= capacity ? null : shareCapacity(capacity, claims);
    const held: string[] = [];
    for (const d of found) {
      const claim = claims.find((c) => c.id === d.id)!;
      const grant = granted?.get(d.id) ?? claim.wish;
      // While capacity is short every deployment holds to its grant (one whose wish grows waits for the next share).
      const share: CapacityShare | null = granted
        ? {
            granted: grant,
            wish: claim.wish,
            capacity,
            wanted,
            at: now,
            reason: `the network holds ${capacity} replicas (${nodes} online node(s) × ${this.replicasPerNode}) and every deployment together wants ${wanted}; shared minimums first, then evenly: ${grant} of the ${claim.wish} it wants`,
          }
        : null;
      if (share && grant < claim.wish) held.push(d.id);
      const same = share === null ? d.share === null : d.share !== null && (['granted', 'wish', 'capacity', 'wanted'] as const).every((k) => Number(d.share![k]) === share[k]);
      if (!same) await this.db.query(`UPDATE deployments SET capacity_share = $2::jsonb WHERE id = $1`, [d.id, share === null ? null : JSON.stringify(share)]);
    }
    if (held.length > 0) this.log.info({ capacity, wanted, held: held.length }, 'capacity sharing holds deployments below their wish');
    return held;
  }
}
