/**
 * Node tokens: a user registers a compute node and receives its token once; the agent presents
 * it in `hello`. Revoking a token also disconnects the node wherever it is online: the revocation
 * is a `nodeTokenRevoked` signal, which reaches every hub sharing the database (db/signals.ts),
 * and the gateway holding the node's socket closes it.
 */
import { IsNull, type DataSource } from 'typeorm';
import { asUuid } from '../db/ids.js';
import { notFound } from '../errors.js';
import { paginate, type Page, type PageArgs } from '../db/paging.js';
import type { Signals } from '../db/signals.js';
import type { EventBus } from '../pubsub.js';
import { AccountEventKind, accountEvent } from './account-event.js';
import { NodeToken } from './node-token.entity.js';
import { hashToken, issueToken } from './tokens.js';
import { checks } from '../validation/checks.js';

const MAX_NODES_PER_USER = 200;

export interface RevokedListener {
  (tokenId: string): void;
}

export class NodeTokensService {
  constructor(
    private readonly db: DataSource,
    private readonly events: EventBus,
    private readonly signals: Signals,
  ) {}

  async register(userId: string, name: string): Promise<{ nodeToken: NodeToken; token: string }> {
    const c = checks().text('name', name.trim(), { max: 100 });
    const active = await this.db.getRepository(NodeToken).countBy({ userId, revokedAt: IsNull() });
    if (active >= MAX_NODES_PER_USER) c.add('name', `you already have ${MAX_NODES_PER_USER} nodes; revoke one first`);
    c.throwIfAny();
    const repo = this.db.getRepository(NodeToken);
    const { token, prefix, hash } = issueToken('amn');
    const nodeToken = await repo.save(repo.create({ userId, name: name.trim(), prefix, tokenHash: hash }));
    this.events.publish('ACCOUNT_EVENT', userId, accountEvent(AccountEventKind.NODE_REGISTERED, nodeToken.id, `Node "${nodeToken.name}" registered`));
    return { nodeToken, token };
  }

  list(userId: string, args: PageArgs & { includeRevoked?: boolean | null }): Promise<Page<NodeToken>> {
    const qb = this.db.getRepository(NodeToken).createQueryBuilder('n').where('n.userId = :userId', { userId });
    if (!args.includeRevoked) qb.andWhere('n.revokedAt IS NULL');
    return paginate(qb, args);
  }

  async revoke(userId: string, id: string): Promise<NodeToken> {
    const repo = this.db.getRepository(NodeToken);
    const nodeToken = await repo.findOneBy({ id: asUuid(id, 'Node'), userId });
    if (!nodeToken) throw notFound('Node');
    if (!nodeToken.revokedAt) {
      nodeToken.revokedAt = new Date();
      await repo.save(nodeToken);
      this.events.publish('ACCOUNT_EVENT', userId, accountEvent(AccountEventKind.NODE_TOKEN_REVOKED, nodeToken.id, `Node "${nodeToken.name}" revoked`));
      this.signals.emit('nodeTokenRevoked', { tokenId: nodeToken.id });
    }
    return nodeToken;
  }

  /** Called on every hub when a token is revoked (on any hub): the agent gateway closes that node's socket. */
  onRevoked(listener: RevokedListener): () => void {
    return this.signals.on('nodeTokenRevoked', ({ tokenId }) => listener(tokenId));
  }

  /** The live token behind `token`, or undefined. Marks the connection time. */
  async verify(token: string): Promise<NodeToken | undefined> {
    if (!token.startsWith('amn_')) return undefined;
    const repo = this.db.getRepository(NodeToken);
    const nodeToken = await repo.findOneBy({ tokenHash: hashToken(token), revokedAt: IsNull() });
    if (!nodeToken) return undefined;
    await repo.update({ id: nodeToken.id }, { lastConnectedAt: new Date() });
    return nodeToken;
  }

  /** Deletes the user's tokens with this name (and, by cascade, their nodes). */
  async deleteByName(userId: string, name: string): Promise<void> {
    await this.db.getRepository(NodeToken).delete({ userId, name });
  }
}
