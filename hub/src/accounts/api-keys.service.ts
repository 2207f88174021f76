/** API keys: created (the secret shown once), listed, revoked. Stored as SHA-256 only. */
import { IsNull, type DataSource } from 'typeorm';
import { asUuid } from '../db/ids.js';
import { paginate, type Page, type PageArgs } from '../db/paging.js';
import { notFound } from '../errors.js';
import type { Signals } from '../db/signals.js';
import type { EventBus } from '../pubsub.js';
import { AccountEventKind, accountEvent } from './account-event.js';
import { ApiKey } from './api-key.entity.js';
import type { Principal } from './principal.js';
import { ALL_SCOPES, Scope } from './scopes.js';
import { issueToken } from './tokens.js';
import { checks } from '../validation/checks.js';

export interface CreateApiKeyInput {
  name: string;
  scopes: Scope[];
  /** Days until the key stops working; none means it does not expire. */
  expiresInDays?: number | null;
  /** Inference requests per second the key may send (a token bucket); none means no limit of its own. */
  requestsPerSecond?: number | null;
  /** Inference requests per UTC day the key may send; none means no limit of its own. */
  dailyRequests?: number | null;
}

const MAX_KEYS_PER_USER = 100;
/** Bounds of a key's own inference limits (above them a limit would be no limit). */
export const MAX_KEY_REQUESTS_PER_SECOND = 100_000;
export const MAX_KEY_DAILY_REQUESTS = 100_000_000;

export class ApiKeysService {
  constructor(
    private readonly db: DataSource,
    private readonly events: EventBus,
    private readonly signals: Pick<Signals, 'emit'>,
  ) {}

  async create(principal: Principal, input: CreateApiKeyInput): Promise<{ apiKey: ApiKey; secret: string }> {
    const c = checks().text('name', input.name.trim(), { max: 100 });
    if (input.scopes.length === 0) c.add('scopes', 'choose at least one scope');
    for (const scope of input.scopes) if (!ALL_SCOPES.includes(scope)) c.add('scopes', `unknown scope "${scope}"`);
    if (input.expiresInDays != null && (!Number.isInteger(input.expiresInDays) || input.expiresInDays < 1 || input.expiresInDays > 3650)) {
      c.add('expiresInDays', 'must be a whole number of days between 1 and 3650');
    }
    const rps = input.requestsPerSecond;
    if (rps != null && !(Number.isFinite(rps) && rps > 0 && rps <= MAX_KEY_REQUESTS_PER_SECOND)) {
      c.add('requestsPerSecond', `must be more than 0 and at most ${MAX_KEY_REQUESTS_PER_SECOND}`);
    }
    const daily = input.dailyRequests;
    if (daily != null && (!Number.isInteger(daily) || daily < 1 || daily > MAX_KEY_DAILY_REQUESTS)) {
      c.add('dailyRequests', `must be a whole number from 1 to ${MAX_KEY_DAILY_REQUESTS}`);
    }
    const active = await this.db.getRepository(ApiKey).countBy({ userId: principal.user.id, revokedAt: IsNull() });
    if (active >= MAX_KEYS_PER_USER) c.add('name', `you already have ${MAX_KEYS_PER_USER} API keys; revoke one first`);
    c.throwIfAny();

    const { token, prefix, hash } = issueToken('amk');
    const repo = this.db.getRepository(ApiKey);
    const apiKey = await repo.save(
      repo.create({
        userId: principal.user.id,
        name: input.name.trim(),
        prefix,
        tokenHash: hash,
        scopes: [...new Set(input.scopes)],
        expiresAt: input.expiresInDays ? new Date(Date.now() + input.expiresInDays * 86_400_000) : null,
        requestsPerSecond: rps ?? null,
        dailyRequests: daily ?? null,
      }),
    );
    this.events.publish('ACCOUNT_EVENT', principal.user.id, accountEvent(AccountEventKind.API_KEY_CREATED, apiKey.id, `API key "${apiKey.name}" created`));
    return { apiKey, secret: token };
  }

  list(principal: Principal, args: PageArgs & { includeRevoked?: boolean | null }): Promise<Page<ApiKey>> {
    const qb = this.db.getRepository(ApiKey).createQueryBuilder('k').where('k.userId = :userId', { userId: principal.user.id });
    if (!args.includeRevoked) qb.andWhere('k.revokedAt IS NULL');
    return paginate(qb, args);
  }

  /** Names of these keys (revoked ones too), by id: usage reports name the keys it counted. */
  async names(ids: string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const found: { id: string; name: string }[] = await this.db.query(`SELECT id, name FROM api_keys WHERE id = ANY($1::uuid[])`, [ids]);
    return new Map(found.map((k) => [k.id, k.name]));
  }

  /** Revokes one of the caller's keys. Someone else's key is NOT_FOUND. Revoking twice is harmless. */
  async revoke(principal: Principal, id: string): Promise<ApiKey> {
    const repo = this.db.getRepository(ApiKey);
    const key = await repo.findOneBy({ id: asUuid(id), userId: principal.user.id });
    if (!key) throw notFound('API key');
    if (!key.revokedAt) {
      key.revokedAt = new Date();
      await repo.save(key);
      this.signals.emit('credentialRevoked', { credentialId: key.id });
      this.events.publish('ACCOUNT_EVENT', principal.user.id, accountEvent(AccountEventKind.API_KEY_REVOKED, key.id, `API key "${key.name}" revoked`));
    }
    return key;
  }
}
