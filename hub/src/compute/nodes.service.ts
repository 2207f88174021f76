/**
 * The node registry: registering nodes (through the accounts domain's node tokens), what their
 * agents report, and what owners and admins do to them. Every change is published on NODE_CHANGED
 * and signalled to the hub holding the node's socket.
 */
import type { DataSource } from 'typeorm';
import type { NodeToken } from '../accounts/node-token.entity.js';
import type { NodeTokensService } from '../accounts/node-tokens.service.js';
import type { Principal } from '../accounts/principal.js';
import type { Signals } from '../db/signals.js';
import { asUuid } from '../db/ids.js';
import { forbidden, notFound } from '../errors.js';
import { paginate, type Page, type PageArgs } from '../graphql/connection.js';
import type { EventBus } from '../pubsub.js';
import type { Capabilities } from '../../../schema/index.js';
import { Node, NodeStatus } from './node.entity.js';
import { checks } from '../accounts/validation.js';

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
    return (await this.register(ownerId, name)).token;
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
  async heartbeat(id: string, load: number): Promise<void> {
    await this.repo.update({ id }, { lastHeartbeatAt: new Date(), load });
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

  /** Nodes whose hub stopped heartbeating them (a crashed hub) are marked offline. */
  async markStale(olderThanSeconds: number): Promise<number> {
    const result = await this.db.query(
      `UPDATE nodes SET connected = false WHERE connected AND last_heartbeat_at < now() - make_interval(secs => $1) RETURNING id`,
      [olderThanSeconds],
    );
    const rows: { id: string }[] = Array.isArray(result[0]) ? result[0] : result;
    for (const node of await this.byIds(rows.map((r) => r.id))) this.publish(node);
    return rows.length;
  }

  private publish(node: Node): void {
    this.events.publish('NODE_CHANGED', node);
  }
}
