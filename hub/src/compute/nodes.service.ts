/**
 * The node registry: registering nodes (through the accounts domain's node tokens), what their
 * agents report, and what owners and admins do to them. Every change is published on NODE_CHANGED
 * and signalled to the hub holding the node's socket.
 */
import type { DataSource } from 'typeorm';
import type { NodeToken } from '../accounts/index.js';
import type { NodeTokensService } from '../accounts/index.js';
import type { Principal } from '../accounts/index.js';
import type { Signals } from '../db/signals.js';
import { asUuid } from '../db/ids.js';
import { forbidden, notFound } from '../errors.js';
import { paginate, type Page, type PageArgs } from '../db/paging.js';
import type { EventBus } from '../pubsub.js';
import type { Capabilities } from '../../../schema/index.js';
import { Node, NodeStatus } from './node.entity.js';
import { entityFromJson, entityJsonSql } from '../db/entity-from-json.js';
import { rows } from '../db/rows.js';
import { checks } from '../validation/checks.js';
import { AccountEventKind, accountEvent } from '../accounts/index.js';

/** What the scheduler weighs a node by, from what the hub measured of it. */
export interface NodeBehaviour {
  measuredSpeed: number | null;
  provenSlots: number;
  flagged: boolean;
  throttledUntil: Date | null;
}

export function behaviourOf(node: Pick<Node, 'measuredSpeed' | 'provenSlots' | 'speedFlag' | 'throttledUntil'>): NodeBehaviour {
  return { measuredSpeed: node.measuredSpeed, provenSlots: node.provenSlots, flagged: node.speedFlag !== null, throttledUntil: node.throttledUntil };
}

/** Weight of the newest job in the measured speed (an exponential moving average). */
const SPEED_ALPHA = 0.3;
/** Added to expected and wall time alike, so a job's fixed overhead doesn't make a node look slow. */
const SPEED_OVERHEAD_SECONDS = 1;
/** Claims and measurements disagree when the claim is this many times the median and the speed this many times below it. */
const CLAIM_FACTOR = 2;
/** Give-backs in a row (no success between) before a node is throttled. */
export const GIVE_BACK_LIMIT = 5;
const THROTTLE_BASE_SECONDS = 5;
const THROTTLE_MAX_SECONDS = 300;

const fmt = (n: number) => (n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toPrecision(2));

export class NodesService {
  constructor(
    private readonly db: DataSource,
    private readonly nodeTokens: NodeTokensService,
    private readonly events: EventBus,
    private readonly signals: Signals,
  ) {}

  private get repo() {
    return this.db.getRepository(Node);
  }

  async register(userId: string, name: string): Promise<{ node: Node; nodeToken: NodeToken; token: string }> {
    const { nodeToken, token } = await this.nodeTokens.register(userId, name);
    const node = await this.repo.save(this.repo.create({ id: nodeToken.id, ownerId: userId, name: nodeToken.name, labels: [] }));
    this.publish(node);
    return { node, nodeToken, token };
  }

  /**
   * A fresh node and token for an agent `npm start` runs beside the hub. The previous run's node of
   * the same name goes, so no token from an earlier run lingers.
   */
  async issueLocal(ownerId: string, name: string): Promise<string> {
    await this.nodeTokens.deleteByName(ownerId, name);
    const { node, token } = await this.register(ownerId, name);
    // The operator runs it beside the hub, which holds all the data anyway: everyone trusts it.
    await this.repo.update({ id: node.id }, { operatorRun: true });
    return token;
  }

  /** Admins: mark a node operator-run (trusted by every user) or not. */
  async setOperatorRun(id: string, operatorRun: boolean): Promise<Node> {
    const node = await this.get(id);
    node.operatorRun = operatorRun;
    const saved = await this.saveAndSignal(node);
    if (operatorRun) this.trustChanged();
    return saved;
  }

  /** Someone trusts more nodes now: jobs waiting for trusted nodes may be claimable. */
  trustChanged(): void {
    this.signals.emit('jobs', {});
  }

  async byId(id: string): Promise<Node | null> {
    return this.repo.findOneBy({ id });
  }

  async byIds(ids: readonly string[]): Promise<Node[]> {
    if (ids.length === 0) return [];
    return this.repo.createQueryBuilder('n').where('n.id IN (:...ids)', { ids }).getMany();
  }

  /** A node anyone signed in may see in the network view. */
  async get(id: string): Promise<Node> {
    const node = await this.repo.findOneBy({ id: asUuid(id, 'Node') });
    if (!node) throw notFound('Node');
    return node;
  }

  mine(principal: Principal, args: PageArgs): Promise<Page<Node>> {
    return paginate(this.repo.createQueryBuilder('n').where('n.ownerId = :owner', { owner: principal.user.id }), args);
  }

  network(args: PageArgs & { status?: NodeStatus | null }): Promise<Page<Node>> {
    const qb = this.repo.createQueryBuilder('n');
    switch (args.status) {
      case NodeStatus.QUARANTINED:
        qb.where('n.quarantined');
        break;
      case NodeStatus.DISABLED:
        qb.where('n.disabled AND NOT n.quarantined');
        break;
      case NodeStatus.OFFLINE:
        qb.where('NOT n.connected AND NOT n.disabled AND NOT n.quarantined');
        break;
      case NodeStatus.DRAINING:
        qb.where('n.connected AND n.draining AND NOT n.disabled AND NOT n.quarantined');
        break;
      case NodeStatus.ONLINE:
        qb.where('n.connected AND NOT n.draining AND NOT n.disabled AND NOT n.quarantined');
        break;
    }
    return paginate(qb, args);
  }

  /** The node's owner (or a platform admin) may change it; anyone else sees it only in the network view. */
  private async owned(principal: Principal, id: string): Promise<Node> {
    const node = await this.get(id);
    if (node.ownerId !== principal.user.id && !principal.user.isAdmin) throw forbidden('Only the node’s owner can do this');
    return node;
  }

  async setFlags(principal: Principal, id: string, flags: Partial<Pick<Node, 'draining' | 'disabled'>>): Promise<Node> {
    const node = await this.owned(principal, id);
    Object.assign(node, flags);
    return this.saveAndSignal(node);
  }

  async quarantine(id: string, reason: string | null): Promise<Node> {
    const node = await this.get(id);
    if (reason !== null) checks().text('reason', reason, { max: 500 }).throwIfAny();
    node.quarantined = reason !== null;
    node.quarantineReason = reason;
    return this.saveAndSignal(node);
  }

  /** Deletes the node and revokes its token; its agent is disconnected, its running jobs requeued by their leases. */
  async delete(principal: Principal, id: string): Promise<boolean> {
    const node = await this.owned(principal, id);
    await this.nodeTokens.revoke(node.ownerId, node.id);
    await this.repo.delete({ id: node.id });
    this.signals.emit('nodeChanged', { nodeId: node.id });
    this.publish(Object.assign(node, { removed: true, connected: false }));
    return true;
  }

  private async saveAndSignal(node: Node): Promise<Node> {
    const saved = await this.repo.save(node);
    this.signals.emit('nodeChanged', { nodeId: node.id });
    this.publish(saved);
    return saved;
  }

  // ---- what agents report (called by the gateway) ----

  async connected(id: string, hubInstance: string, agentVersion: string, caps: Capabilities): Promise<Node> {
    await this.repo.update(
      { id },
      {
        connected: true,
        hubInstance,
        draining: false,
        connectedAt: new Date(),
        lastHeartbeatAt: new Date(),
        agentVersion,
        backend: caps.backend,
        cpuCores: caps.cpuCores,
        memoryBytes: caps.memoryBytes,
        gpuName: caps.gpu?.name ?? null,
        gpuMemoryBytes: caps.gpu?.memoryBytes ?? null,
        slots: caps.slots,
        labels: caps.labels,
      },
    );
    const node = await this.repo.findOneByOrFail({ id });
    this.publish(node);
    return node;
  }

  private readonly heartbeatPublishedAt = new Map<string, number>();

  /** Records a heartbeat; live views hear about it at most every 10 s per node. */
  async heartbeat(id: string, load: number, memoryUsedBytes?: number): Promise<void> {
    await this.repo.update({ id }, { lastHeartbeatAt: new Date(), load });
    // Agent-reported: kept within the memory the node declared (serving metrics read it, serving/monitoring/).
    if (memoryUsedBytes !== undefined) {
      await this.repo.query(`UPDATE nodes SET memory_used_bytes = LEAST($2::bigint, coalesce(memory_bytes, $2::bigint)) WHERE id = $1`, [id, memoryUsedBytes]);
    }
    if (Date.now() - (this.heartbeatPublishedAt.get(id) ?? 0) < 10_000) return;
    this.heartbeatPublishedAt.set(id, Date.now());
    const node = await this.repo.findOneBy({ id });
    if (node) this.publish(node);
  }

  async disconnected(id: string, hubInstance: string): Promise<void> {
    this.heartbeatPublishedAt.delete(id);
    // Only if no other hub took the node over meanwhile.
    await this.db.query(`UPDATE nodes SET connected = false, draining = false WHERE id = $1 AND hub_instance = $2`, [id, hubInstance]);
    const node = await this.repo.findOneBy({ id });
    if (node) this.publish(node);
  }

  async markDraining(id: string): Promise<void> {
    await this.repo.update({ id }, { draining: true });
    const node = await this.repo.findOneBy({ id });
    if (node) this.publish(node);
  }

  async recordBenchmark(id: string, gflops: number, stepsPerSecond: number): Promise<void> {
    await this.repo.update({ id }, { gflops, stepsPerSecond, benchmarkedAt: new Date() });
    const node = await this.repo.findOneBy({ id });
    if (node) this.publish(node);
  }

  // ---- what the hub measured (called by the scheduler) ----

  /**
   * A job this node ran succeeded in `wallSeconds` while it held `concurrent` jobs (this one
   * included). Its measured speed moves toward work / wall time (both plus a second, so tiny jobs
   * are not judged by their overhead); it has proven it runs `concurrent` at once, so it may get
   * one more (up to its slots); its give-back streak ends. Then its claims are checked against it.
   */
  async recordRun(id: string, work: number | undefined, wallSeconds: number, concurrent: number): Promise<NodeBehaviour | undefined> {
    const sample = work === undefined ? null : (work + SPEED_OVERHEAD_SECONDS) / (Math.max(0, wallSeconds) + SPEED_OVERHEAD_SECONDS);
    const updated = rows<any>(
      await this.db.query(
        `UPDATE nodes SET
           measured_speed = CASE WHEN $2::float8 IS NULL THEN measured_speed WHEN speed_samples = 0 OR measured_speed IS NULL THEN $2::float8
                                 ELSE measured_speed * (1 - $4::float8) + $2::float8 * $4::float8 END,
           speed_samples = speed_samples + CASE WHEN $2::float8 IS NULL THEN 0 ELSE 1 END,
           proven_slots = greatest(proven_slots, least(slots, $3::int + 1)),
           give_back_streak = 0
         WHERE id = $1 RETURNING ${entityJsonSql(this.db, Node, 'nodes')} AS node`,
        [id, sample, concurrent, SPEED_ALPHA],
      ),
    );
    if (updated.length === 0) return undefined;
    // The row as updated is what subscribers hear, unless the claims check changed it again.
    const flagged = sample !== null && (await this.checkClaims(id));
    const node = flagged ? await this.repo.findOneBy({ id }) : entityFromJson(this.db, Node)(updated[0].node);
    if (node) this.publish(node);
    return node ? behaviourOf(node) : undefined;
  }

  /**
   * Flags a node whose claims disagree with what was measured: it claims at least twice the median
   * benchmark GFLOP/s of the other measured nodes, yet its measured speed is under half of theirs.
   * (A fast GPU running time-bound jobs at the usual speed is not flagged; a liar that runs slowly
   * is.) The flag clears when the two agree again. A new flag is told to admins and the owner.
   */
  private async checkClaims(id: string): Promise<boolean> {
    const [row] = await this.db.query(
      `WITH others AS (
         SELECT gflops, measured_speed FROM nodes
         WHERE id <> $1 AND speed_samples > 0 AND gflops IS NOT NULL AND measured_speed IS NOT NULL AND speed_flag IS NULL)
       SELECT n.gflops, n.measured_speed, n.speed_flag, n.owner_id, n.name,
         (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY gflops) FROM others) AS median_gflops,
         (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY measured_speed) FROM others) AS median_speed
       FROM nodes n WHERE n.id = $1`,
      [id],
    );
    if (!row) return false;
    const { gflops, measured_speed: speed, median_gflops: medianGflops, median_speed: medianSpeed } = row;
    const disagrees =
      gflops !== null && speed !== null && medianGflops !== null && medianSpeed !== null &&
      gflops >= CLAIM_FACTOR * medianGflops && speed < medianSpeed / CLAIM_FACTOR;
    const flag = disagrees
      ? `claims ${fmt(gflops)} GFLOP/s (${fmt(gflops / medianGflops)}× the median of other measured nodes) but runs jobs at ${fmt(speed)}× the expected speed, under half their median ${fmt(medianSpeed)}×`
      : null;
    if ((flag === null) === (row.speed_flag === null)) {
      if (flag === null || flag === row.speed_flag) return false;
      await this.db.query(`UPDATE nodes SET speed_flag = $2 WHERE id = $1`, [id, flag]);
      return true;
    }
    await this.db.query(`UPDATE nodes SET speed_flag = $2 WHERE id = $1`, [id, flag]);
    if (flag === null) return true;
    const admins: { id: string }[] = await this.db.query(`SELECT id FROM users WHERE is_admin`);
    for (const userId of new Set([row.owner_id as string, ...admins.map((a) => a.id)])) {
      this.events.publish('ACCOUNT_EVENT', userId, accountEvent(AccountEventKind.NODE_FLAGGED, id, `Node "${row.name}" ${flag}`));
    }
    return true;
  }

  /**
   * The node gave a job back (released it, not while draining) or failed it within seconds of
   * getting it. Counted; after GIVE_BACK_LIMIT in a row without a success it is offered no work for
   * a while, doubling each further time up to THROTTLE_MAX_SECONDS.
   */
  async recordGiveBack(id: string): Promise<NodeBehaviour | undefined> {
    const [row] = rows<any>(
      await this.db.query(
        `UPDATE nodes SET give_backs = give_backs + 1, give_back_streak = give_back_streak + 1,
           throttled_until = CASE WHEN give_back_streak + 1 >= $2
             THEN now() + make_interval(secs => least($4::float8, $3::float8 * power(2, give_back_streak + 1 - $2))) ELSE throttled_until END
         WHERE id = $1 RETURNING id`,
        [id, GIVE_BACK_LIMIT, THROTTLE_BASE_SECONDS, THROTTLE_MAX_SECONDS],
      ),
    );
    if (!row) return undefined;
    const node = await this.repo.findOneBy({ id });
    if (node) this.publish(node);
    return node ? behaviourOf(node) : undefined;
  }

  /** Jobs of this node were lost (no heartbeat within the lease): it proved less than it was given. */
  async recordLoss(id: string): Promise<void> {
    await this.db.query(`UPDATE nodes SET proven_slots = greatest(1, proven_slots / 2) WHERE id = $1`, [id]);
  }

  /** Nodes whose hub stopped heartbeating them (a crashed hub) are marked offline. */
  async markStale(olderThanSeconds: number): Promise<number> {
    const result = await this.db.query(
      `UPDATE nodes SET connected = false WHERE connected AND last_heartbeat_at < now() - make_interval(secs => $1) RETURNING id`,
      [olderThanSeconds],
    );
    const stale = rows<{ id: string }>(result);
    for (const node of await this.byIds(stale.map((r) => r.id))) this.publish(node);
    return stale.length;
  }

  private publish(node: Node): void {
    this.events.publish('NODE_CHANGED', node);
  }
}
