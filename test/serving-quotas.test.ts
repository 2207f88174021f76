/**
 * Serving's limits and meter on real PostgreSQL. API keys' own limits and the usage query go
 * through a real hub; the counters through two admission services on two connection pools of the
 * same database, as two hubs behind a load balancer hold them, with a clock the test moves.
 */
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccountsService } from '../hub/src/accounts/accounts.service.js';
import type { Principal } from '../hub/src/accounts/index.js';
import type { Queryable } from '../hub/src/db/rows.js';
import { entities } from '../hub/src/entities.js';
import type { AppError } from '../hub/src/errors.js';
import type { Logger } from '../hub/src/logger.js';
import type { CallerAccess, DeploymentTarget } from '../hub/src/serving/deployment-target.js';
import type { Clock } from '../hub/src/serving/quotas/clock.js';
import { createQuotas, type Quotas } from '../hub/src/serving/quotas/create-quotas.js';
import { LimitsAdmission, MAX_WAITING } from '../hub/src/serving/quotas/limits-admission.js';
import type { UsageDeployments } from '../hub/src/serving/quotas/usage-deployments.js';
import { UsageMeter } from '../hub/src/serving/quotas/usage-meter.js';
import { UsageGranularity } from '../hub/src/serving/quotas/usage-point.js';
import { startTestHub, type TestHub } from './support/hub.js';
import { codeOf, signUp, type SignedUp } from './support/users.js';

const CREATE_KEY = `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret apiKey { id name requestsPerSecond dailyRequests } } }`;
const USAGE = `query($deployment: String, $apiKey: ID, $from: DateTimeISO!, $to: DateTimeISO!, $granularity: UsageGranularity) {
  usage(deployment: $deployment, apiKey: $apiKey, from: $from, to: $to, granularity: $granularity) { start deployment apiKeyId apiKeyName requests rows errors computeMs } }`;

const log = pino({ level: 'silent' });
const MEMBER: CallerAccess = { via: 'member', plan: null };

/** A clock the test sets and moves. */
function testClock(start: number): Clock & { set(ms: number): void; advance(ms: number): void } {
  let now = start;
  return { now: () => now, set: (ms) => (now = ms), advance: (ms) => (now += ms) };
}

function target(limits: Partial<Pick<DeploymentTarget, 'requestsPerSecond' | 'dailyRequestQuota' | 'modelId'>> = {}): DeploymentTarget {
  return {
    id: randomUUID(),
    owner: 'someone',
    name: 'made-up',
    ownerId: randomUUID(),
    model: 'someone/model',
    modelId: limits.modelId ?? randomUUID(),
    versionId: randomUUID(),
    versionNumber: 1,
    task: 'regression',
    features: [],
    labels: [],
    labelName: 'y',
    requestsPerSecond: limits.requestsPerSecond ?? null,
    dailyRequestQuota: limits.dailyRequestQuota ?? null,
  };
}

/** Settles every promise; answers the admitted ones' headers and the refusals. */
async function settle(calls: Promise<Record<string, string>>[]) {
  const results = await Promise.allSettled(calls);
  return {
    admitted: results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : [])),
    refused: results.flatMap((r) => (r.status === 'rejected' ? [r.reason as AppError & { limitedBy: string; period: string }] : [])),
  };
}

describe('Serving quotas and usage', () => {
  let hub: TestHub;
  /** Two connection pools on the hub's database: two hubs' worth of services. */
  let poolA: DataSource;
  let poolB: DataSource;
  let accounts: AccountsService;
  let alice: SignedUp;

  beforeAll(async () => {
    hub = await startTestHub();
    const url = await hub.databaseUrl();
    poolA = await new DataSource({ type: 'postgres', url, entities: [...entities], poolSize: 4 }).initialize();
    poolB = await new DataSource({ type: 'postgres', url, entities: [...entities], poolSize: 4 }).initialize();
    // Only `authenticate` is used: the principal an API key's bearer gets on any hub.
    accounts = new AccountsService(poolA, { sessionTtlSeconds: 3600 }, null as never, { emit: () => undefined }, null as never);
    alice = await signUp(hub);
  });
  afterAll(async () => {
    await poolA?.destroy();
    await poolB?.destroy();
    await hub?.close();
  });

  /** A key of `user` with these limits, and the principal its bearer is. */
  async function keyWith(user: SignedUp, limits: { requestsPerSecond?: number; dailyRequests?: number }, name = 'app') {
    const res = await hub.graphql(CREATE_KEY, { input: { name, scopes: ['INFERENCE'], ...limits } }, user.token);
    expect(res.errors).toBeUndefined();
    const { secret, apiKey } = res.data.createApiKey;
    const principal = await accounts.authenticate(secret);
    return { id: apiKey.id as string, secret: secret as string, principal };
  }

  const dailyUsed = async (key: string) =>
    (await hub.sql<{ used: number }>(`SELECT used FROM serving_daily_counts WHERE key = $1`, [key])).map((r) => r.used).reduce((a, b) => a + b, 0);

  describe('API keys', () => {
    it('carry their own requests-per-second and daily limits, shown on the key and in the list', async () => {
      const res = await hub.graphql(CREATE_KEY, { input: { name: 'limited', scopes: ['INFERENCE'], requestsPerSecond: 2.5, dailyRequests: 1000 } }, alice.token);
      expect(res.errors).toBeUndefined();
      expect(res.data.createApiKey.apiKey).toMatchObject({ name: 'limited', requestsPerSecond: 2.5, dailyRequests: 1000 });
      const unlimited = await hub.graphql(CREATE_KEY, { input: { name: 'free', scopes: ['INFERENCE'] } }, alice.token);
      expect(unlimited.data.createApiKey.apiKey).toMatchObject({ requestsPerSecond: null, dailyRequests: null });

      const list = await hub.graphql(`{ apiKeys(first: 100) { edges { node { id requestsPerSecond dailyRequests } } } }`, {}, alice.token);
      const listed = list.data.apiKeys.edges.map((e: any) => e.node);
      expect(listed).toContainEqual({ id: res.data.createApiKey.apiKey.id, requestsPerSecond: 2.5, dailyRequests: 1000 });

      // The hub's principal for the key carries them to the admission check.
      const principal = await accounts.authenticate(res.data.createApiKey.secret);
      expect(principal.keyLimits).toEqual({ requestsPerSecond: 2.5, dailyRequests: 1000 });
    });

    it('refuses limits that are not positive or too large, naming each field, and creates no key', async () => {
      const before = (await hub.sql(`SELECT count(*)::int AS n FROM api_keys WHERE user_id = $1`, [alice.id]))[0].n;
      for (const [input, fields] of [
        [{ requestsPerSecond: 0, dailyRequests: 0 }, ['requestsPerSecond', 'dailyRequests']],
        [{ requestsPerSecond: -1, dailyRequests: -3 }, ['requestsPerSecond', 'dailyRequests']],
        [{ requestsPerSecond: 1e9, dailyRequests: 200_000_000 }, ['requestsPerSecond', 'dailyRequests']],
      ] as const) {
        const res = await hub.graphql(CREATE_KEY, { input: { name: 'bad', scopes: ['INFERENCE'], ...input } }, alice.token);
        expect(codeOf(res)).toBe('BAD_USER_INPUT');
        expect(res.errors![0].extensions!.fields!.map((f) => f.field).sort()).toEqual([...fields].sort());
      }
      // A fractional daily count is not an Int: GraphQL itself refuses it.
      expect(codeOf(await hub.graphql(CREATE_KEY, { input: { name: 'bad', scopes: ['INFERENCE'], dailyRequests: 1.5 } }, alice.token))).toBe('BAD_USER_INPUT');
      expect((await hub.sql(`SELECT count(*)::int AS n FROM api_keys WHERE user_id = $1`, [alice.id]))[0].n).toBe(before);
    });
  });

  describe('Admission', () => {
    it("admits exactly N requests of a key's daily quota of N across two hubs, refusing the rest with 429 headers", async () => {
      const key = await keyWith(alice, { dailyRequests: 5 });
      const a = new LimitsAdmission(poolA);
      const b = new LimitsAdmission(poolB);
      const deployment = target();
      const { admitted, refused } = await settle(Array.from({ length: 16 }, (_, i) => (i % 2 ? a : b).admit(key.principal, deployment, MEMBER)));
      expect(admitted).toHaveLength(5);
      expect(admitted.map((h) => h['RateLimit-Remaining']).sort()).toEqual(['0', '1', '2', '3', '4']);
      for (const h of admitted) expect(h).toMatchObject({ 'RateLimit-Limit': '5', 'RateLimit-Policy': '5;w=86400' });
      expect(refused).toHaveLength(11);
      const secondsToMidnight = (Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate() + 1) - Date.now()) / 1000;
      for (const error of refused) {
        expect(error).toMatchObject({ code: 'RATE_LIMITED', limitedBy: 'apiKey', period: 'day' });
        expect(error.retryAfterSeconds).toBeGreaterThan(0);
        expect(error.retryAfterSeconds).toBeLessThanOrEqual(Math.ceil(secondsToMidnight) + 5);
        expect(error.headers).toMatchObject({ 'RateLimit-Limit': '5', 'RateLimit-Remaining': '0', 'Retry-After': String(error.retryAfterSeconds) });
      }
      expect(await dailyUsed(`apiKey:${key.id}`)).toBe(5);
    });

    it("holds a deployment's daily quota and a subscriber plan's across hubs and callers", async () => {
      const bob = await signUp(hub);
      const carol = await signUp(hub);
      const a = new LimitsAdmission(poolA);
      const b = new LimitsAdmission(poolB);
      const shared = target({ dailyRequestQuota: 4 });
      const bobKey = await keyWith(bob, {});
      const carolKey = await keyWith(carol, {});
      const byDeployment = await settle(Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).admit(i % 3 ? bobKey.principal : carolKey.principal, shared, MEMBER)));
      expect(byDeployment.admitted).toHaveLength(4);
      expect(byDeployment.refused.every((e) => e.limitedBy === 'deployment' && e.period === 'day')).toBe(true);

      // The plan counts per subscriber and model, whichever of the model's deployments they call.
      const modelId = randomUUID();
      const plan: CallerAccess = { via: 'subscriber', plan: { name: 'starter', dailyRequestQuota: 3 } };
      const [one, two] = [target({ modelId }), target({ modelId })];
      const byPlan = await settle(Array.from({ length: 8 }, (_, i) => (i % 2 ? a : b).admit(bobKey.principal, i % 4 ? one : two, plan)));
      expect(byPlan.admitted).toHaveLength(3);
      expect(byPlan.refused.every((e) => e.limitedBy === 'plan')).toBe(true);
      // Another subscriber's plan is theirs.
      await expect(a.admit(carolKey.principal, one, plan)).resolves.toMatchObject({ 'RateLimit-Remaining': '2' });
    });

    it('refills the per-second token bucket with the clock, on every hub alike', async () => {
      const clock = testClock(Date.parse('2026-06-01T12:00:00Z'));
      const key = await keyWith(alice, { requestsPerSecond: 2 });
      const a = new LimitsAdmission(poolA, clock);
      const b = new LimitsAdmission(poolB, clock);
      const deployment = target();
      // A full bucket holds one second's worth: two requests.
      await a.admit(key.principal, deployment, MEMBER);
      await expect(b.admit(key.principal, deployment, MEMBER)).resolves.toMatchObject({ 'RateLimit-Limit': '2', 'RateLimit-Remaining': '0', 'RateLimit-Reset': '1' });
      const refused = await a.admit(key.principal, deployment, MEMBER).catch((e) => e);
      expect(refused).toMatchObject({ code: 'RATE_LIMITED', limitedBy: 'apiKey', period: 'second', retryAfterSeconds: 1 });
      expect(refused.headers).toMatchObject({ 'Retry-After': '1', 'RateLimit-Remaining': '0' });

      clock.advance(500); // one token back
      await b.admit(key.principal, deployment, MEMBER);
      await expect(a.admit(key.principal, deployment, MEMBER)).rejects.toMatchObject({ code: 'RATE_LIMITED' });

      clock.advance(60_000); // a long pause fills the bucket, no more
      const burst = await settle([a, b, a].map((s) => s.admit(key.principal, deployment, MEMBER)));
      expect(burst.admitted).toHaveLength(2);
      expect(burst.refused).toHaveLength(1);
    });

    it('spends no limit on a refused request', async () => {
      const clock = testClock(Date.parse('2026-06-02T08:00:00Z'));
      const key = await keyWith(alice, { requestsPerSecond: 1, dailyRequests: 10 });
      const a = new LimitsAdmission(poolA, clock);
      const b = new LimitsAdmission(poolB, clock);
      const tight = target({ dailyRequestQuota: 2, requestsPerSecond: 100 });
      const free = target();

      await a.admit(key.principal, tight, MEMBER);
      clock.advance(1000);
      await b.admit(key.principal, tight, MEMBER);
      clock.advance(1000);
      // Refused by the deployment's daily quota: neither the key's day nor its bucket is spent.
      await expect(a.admit(key.principal, tight, MEMBER)).rejects.toMatchObject({ limitedBy: 'deployment', period: 'day' });
      expect(await dailyUsed(`apiKey:${key.id}`)).toBe(2);
      // Its bucket still holds the token the refusal did not take.
      await b.admit(key.principal, free, MEMBER);
      expect(await dailyUsed(`apiKey:${key.id}`)).toBe(3);

      // Refused by the key's bucket: the key's day is not spent either.
      await expect(a.admit(key.principal, free, MEMBER)).rejects.toMatchObject({ limitedBy: 'apiKey', period: 'second' });
      expect(await dailyUsed(`apiKey:${key.id}`)).toBe(3);
      const deploymentDay = (await hub.sql(`SELECT used FROM serving_daily_counts WHERE key = $1`, [`deployment:${tight.id}`]))[0].used;
      expect(deploymentDay).toBe(2);
    });

    it('sends requests waiting on the same limits together, one statement at a time, admitting exactly what is left', async () => {
      let statements = 0;
      let running = 0;
      let mostAtOnce = 0;
      const counting: Queryable = {
        query: async (sql, params) => {
          statements++;
          mostAtOnce = Math.max(mostAtOnce, ++running);
          try {
            return await poolA.query(sql, params);
          } finally {
            running--;
          }
        },
      };
      const admission = new LimitsAdmission(counting);
      const key = await keyWith(alice, { dailyRequests: 30 });
      const hot = target({ requestsPerSecond: 1000 });
      const { admitted, refused } = await settle(Array.from({ length: 200 }, () => admission.admit(key.principal, hot, MEMBER)));
      expect(admitted).toHaveLength(30);
      expect(refused).toHaveLength(170);
      expect(refused.every((e) => e.limitedBy === 'apiKey' && e.period === 'day')).toBe(true);
      // Each admitted request is told what was left after it.
      expect(admitted.map((h) => Number(h['RateLimit-Remaining'])).sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => i));
      expect(mostAtOnce).toBe(1);
      expect(statements).toBeLessThan(10);
      expect(await dailyUsed(`apiKey:${key.id}`)).toBe(30);
    });

    it('refuses at once, with UNAVAILABLE, requests past the bound waiting on one set of limits while the database is slow', async () => {
      let open!: () => void;
      const gate = new Promise<void>((resolve) => (open = resolve));
      const slow: Queryable = { query: async (sql, params) => (await gate, poolA.query(sql, params)) };
      const admission = new LimitsAdmission(slow);
      const key = await keyWith(alice, { dailyRequests: 100_000 });
      const deployment = target();
      // One in the running call, MAX_WAITING behind it.
      const waiting = Array.from({ length: MAX_WAITING + 1 }, () => admission.admit(key.principal, deployment, MEMBER));
      await expect(admission.admit(key.principal, deployment, MEMBER)).rejects.toMatchObject({ code: 'UNAVAILABLE', retryAfterSeconds: 1 });
      open();
      const { admitted } = await settle(waiting);
      expect(admitted).toHaveLength(MAX_WAITING + 1);
      expect(await dailyUsed(`apiKey:${key.id}`)).toBe(MAX_WAITING + 1);
    });

    it("sweeps past days' counters and buckets idle for a day, keeping today's", async () => {
      const stale = `apiKey:${randomUUID()}`;
      const fresh = `apiKey:${randomUUID()}`;
      await hub.sql(`INSERT INTO serving_daily_counts (key, day, used) VALUES ($1, '2020-01-01', 5), ($2, (now() AT TIME ZONE 'UTC')::date, 7)`, [stale, fresh]);
      await hub.sql(`INSERT INTO serving_rate_buckets (key, tokens, refilled_at) VALUES ($1, 1, now() - interval '2 days'), ($2, 1, now())`, [stale, fresh]);
      await createQuotas({ db: poolA, log, deployments: { find: async () => null, names: async () => new Map() }, apiKeyNames: async () => new Map() }).housekeeping();
      const left = await hub.sql(`SELECT key FROM serving_daily_counts WHERE key IN ($1, $2) UNION ALL SELECT key FROM serving_rate_buckets WHERE key IN ($1, $2)`, [stale, fresh]);
      expect(left.map((r) => r.key)).toEqual([fresh, fresh]);
    });

    it('runs no statement when no limit applies', async () => {
      let statements = 0;
      const counting: Queryable = { query: (sql, params) => (statements++, poolA.query(sql, params)) };
      const admission = new LimitsAdmission(counting);
      const session: Principal = { user: { id: alice.id } as Principal['user'], via: 'session', credentialId: randomUUID(), scopes: 'all' };
      await expect(admission.admit(session, target(), MEMBER)).resolves.toEqual({});
      const freeKey = await keyWith(alice, {});
      await expect(admission.admit(freeKey.principal, target(), { via: 'public', plan: null })).resolves.toEqual({});
      expect(statements).toBe(0);
      await admission.admit(session, target({ dailyRequestQuota: 10 }), MEMBER);
      expect(statements).toBe(1);
    });
  });

  describe('Metering and usage', () => {
    it('adds every hub’s tallies into one row per minute, deployment, user and key; the owner of the key reads them', async () => {
      const clock = testClock(Date.parse('2026-06-03T10:00:30Z'));
      const meterA = new UsageMeter(poolA, log, clock);
      const meterB = new UsageMeter(poolB, log, clock);
      const key = await keyWith(alice, {}, 'reporting');
      const deploymentId = randomUUID();
      const entry = (over: Partial<Parameters<UsageMeter['record']>[0]> = {}) => ({
        deploymentId,
        userId: alice.id,
        apiKeyId: key.id,
        rows: 3,
        error: false,
        computeMs: 2.5,
        latencyMs: 4,
        batchSize: 8,
        ...over,
      });
      for (let i = 0; i < 7; i++) meterA.record(entry());
      for (let i = 0; i < 5; i++) meterB.record(entry({ error: i === 0 }));
      meterB.record(entry({ apiKeyId: null, rows: 1 })); // a session's request
      await Promise.all([meterA.flush(), meterB.flush()]);
      clock.advance(60_000); // the next minute
      for (let i = 0; i < 4; i++) meterA.record(entry());
      meterB.record(entry());
      await Promise.all([meterA.flush(), meterB.flush()]);
      // A second flush of the same minute adds to its row.
      meterA.record(entry());
      await meterA.flush();

      const stored = await hub.sql(`SELECT minute, api_key_id, requests, rows, errors, compute_ms FROM serving_usage WHERE deployment_id = $1 ORDER BY minute, api_key_id NULLS LAST`, [deploymentId]);
      expect(stored.map((r) => [r.minute.toISOString(), r.api_key_id, r.requests, Number(r.rows), r.errors, r.compute_ms])).toEqual([
        ['2026-06-03T10:00:00.000Z', key.id, 12, 36, 1, 30],
        ['2026-06-03T10:00:00.000Z', null, 1, 1, 0, 2.5],
        ['2026-06-03T10:01:00.000Z', key.id, 6, 18, 0, 15],
      ]);

      const range = { from: '2026-06-03T00:00:00Z', to: '2026-06-04T00:00:00Z' };
      const byMinute = await hub.graphql(USAGE, { ...range, apiKey: key.id, granularity: 'MINUTE' }, alice.token);
      expect(byMinute.errors).toBeUndefined();
      expect(byMinute.data.usage).toEqual([
        { start: '2026-06-03T10:00:00.000Z', deployment: null, apiKeyId: key.id, apiKeyName: 'reporting', requests: 12, rows: 36, errors: 1, computeMs: 30 },
        { start: '2026-06-03T10:01:00.000Z', deployment: null, apiKeyId: key.id, apiKeyName: 'reporting', requests: 6, rows: 18, errors: 0, computeMs: 15 },
      ]);
      const byDay = await hub.graphql(USAGE, { ...range, granularity: 'DAY' }, alice.token);
      const mine = byDay.data.usage.filter((p: any) => p.start === '2026-06-03T00:00:00.000Z');
      expect(mine).toContainEqual({ start: '2026-06-03T00:00:00.000Z', deployment: null, apiKeyId: key.id, apiKeyName: 'reporting', requests: 18, rows: 54, errors: 1, computeMs: 45 });
      expect(mine).toContainEqual(expect.objectContaining({ apiKeyId: null, requests: 1 }));

      // Nobody else sees them: not by key, not by their own view; a deployment name they cannot see is NOT_FOUND.
      const mallory = await signUp(hub);
      expect((await hub.graphql(USAGE, { ...range, apiKey: key.id }, mallory.token)).data.usage).toEqual([]);
      expect((await hub.graphql(USAGE, range, mallory.token)).data.usage).toEqual([]);
      expect(codeOf(await hub.graphql(USAGE, { ...range, deployment: `${alice.username}/nothing` }, mallory.token))).toBe('NOT_FOUND');
      expect(codeOf(await hub.graphql(USAGE, range))).toBe('UNAUTHENTICATED');
      // A range that is backwards, or too fine for its length, is refused naming `to`.
      const backwards = await hub.graphql(USAGE, { from: range.to, to: range.from }, alice.token);
      expect(backwards.errors?.[0].extensions?.fields?.[0].field).toBe('to');
      const tooMany = await hub.graphql(USAGE, { from: '2026-01-01T00:00:00Z', to: '2026-03-01T00:00:00Z', granularity: 'MINUTE' }, alice.token);
      expect(codeOf(tooMany)).toBe('BAD_USER_INPUT');
    });

    it("shows a deployment's admins every caller's usage of it, per key, and others only their own", async () => {
      const dave = await signUp(hub);
      const erin = await signUp(hub);
      const deploymentId = randomUUID();
      const deployments: UsageDeployments = {
        find: async (viewer, ref) => (ref === `${dave.username}/svc` ? { id: deploymentId, admin: viewer.user.id === dave.id } : null),
        names: async (ids) => new Map(ids.filter((id) => id === deploymentId).map((id) => [id, `${dave.username}/svc`])),
      };
      const clock = testClock(Date.parse('2026-06-05T09:15:00Z'));
      const quotas: Quotas = createQuotas({ db: poolA, log, deployments, apiKeyNames: async () => new Map(), clock });
      const erinKey = await keyWith(erin, {}, 'erin-app');
      const daveKey = await keyWith(dave, {}, 'dave-app');
      for (let i = 0; i < 3; i++) quotas.metering.record({ deploymentId, userId: erin.id, apiKeyId: erinKey.id, rows: 1, error: false, computeMs: 1, latencyMs: 3 });
      quotas.metering.record({ deploymentId, userId: dave.id, apiKeyId: daveKey.id, rows: 2, error: false, computeMs: 1, latencyMs: 3 });
      const range = { deployment: `${dave.username}/svc`, from: new Date('2026-06-05T00:00:00Z'), to: new Date('2026-06-06T00:00:00Z'), granularity: UsageGranularity.DAY };

      // No explicit flush: the query writes this hub's pending tallies first.
      const asOwner = await quotas.usage.usage(await accounts.authenticate(daveKey.secret), range);
      expect(asOwner.map((p) => [p.deployment, p.apiKeyId, p.requests]).sort()).toEqual(
        [[`${dave.username}/svc`, daveKey.id, 1], [`${dave.username}/svc`, erinKey.id, 3]].sort(),
      );
      const asCaller = await quotas.usage.usage(erinKey.principal, range);
      expect(asCaller.map((p) => [p.apiKeyId, p.requests])).toEqual([[erinKey.id, 3]]);
      expect(await quotas.usage.usage(erinKey.principal, { ...range, apiKey: daveKey.id })).toEqual([]);
      await expect(quotas.usage.usage(erinKey.principal, { ...range, deployment: 'someone/else' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await quotas.stop();
    });

    it("answers a deployment's last minute: rate, p50/p99 latency, error rate and batch sizes, including this hub's unwritten requests", async () => {
      const clock = testClock(Date.parse('2026-06-06T15:00:20Z'));
      const other = createQuotas({ db: poolB, log, deployments: { find: async () => null, names: async () => new Map() }, apiKeyNames: async () => new Map(), clock });
      const here = createQuotas({ db: poolA, log, deployments: { find: async () => null, names: async () => new Map() }, apiKeyNames: async () => new Map(), clock });
      const deploymentId = randomUUID();
      const record = (q: Quotas, latencyMs: number, batchSize: number, error = false) =>
        q.metering.record({ deploymentId, userId: alice.id, apiKeyId: null, rows: 1, error, computeMs: 1, latencyMs, batchSize: error ? undefined : batchSize });
      expect(await here.usage.stats(deploymentId)).toEqual({ requestsPerSecond: 0, p50Ms: null, p99Ms: null, errorRate: 0, batchSizes: [] });

      // Two minutes ago: outside the window.
      clock.advance(-120_000);
      for (let i = 0; i < 50; i++) record(other, 2000, 1);
      await other.stop();
      clock.advance(120_000);
      // The previous minute (on the other hub, written) and this one (here, not yet written).
      clock.advance(-60_000);
      for (let i = 0; i < 60; i++) record(other, 8, 4);
      await other.stop();
      clock.advance(60_000);
      for (let i = 0; i < 39; i++) record(here, 8, 16);
      record(here, 900, 1, true);

      const stats = await here.usage.stats(deploymentId);
      // 100 requests over the 80 s the window covers (the previous minute and 20 s of this one).
      expect(stats.requestsPerSecond).toBeCloseTo(100 / 80, 5);
      expect(stats.errorRate).toBeCloseTo(0.01, 5);
      expect(stats.p50Ms).toBeGreaterThan(7.5);
      expect(stats.p50Ms).toBeLessThanOrEqual(10);
      expect(stats.p99Ms).toBeGreaterThan(7.5);
      expect(stats.p99Ms).toBeLessThanOrEqual(1000);
      expect(stats.batchSizes).toEqual([
        { size: 4, count: 60 },
        { size: 16, count: 39 },
      ]);
      await here.stop();
    });

    it('keeps tallies a failed write could not store, writes them with the next, and logs what it must drop past its bound', async () => {
      const clock = testClock(Date.parse('2026-06-07T11:00:00Z'));
      let failing = true;
      const flaky: Queryable = { query: (sql, params) => (failing ? Promise.reject(new Error('connection lost')) : poolA.query(sql, params)) };
      const logged: { level: string; fields: any }[] = [];
      const capture = {
        warn: (fields: unknown) => logged.push({ level: 'warn', fields }),
        error: (fields: unknown) => logged.push({ level: 'error', fields }),
      } as unknown as Logger;
      const meter = new UsageMeter(flaky, capture, clock, { maxPendingRows: 2 });
      const deploymentId = randomUUID();
      const record = (n: number) => {
        for (let i = 0; i < n; i++) meter.record({ deploymentId, userId: alice.id, apiKeyId: null, rows: 2, error: false, computeMs: 1, latencyMs: 1 });
      };
      record(5);
      await meter.flush();
      expect(logged.map((l) => l.level)).toEqual(['warn']);
      clock.advance(60_000);
      record(3);
      await meter.flush(); // still failing: two minutes kept, within the bound
      clock.advance(60_000);
      record(1);
      await meter.flush(); // three minutes: the oldest is dropped, and said so
      expect(logged.filter((l) => l.level === 'error')).toEqual([{ level: 'error', fields: { tallies: 1, requests: 5 } }]);

      failing = false;
      clock.advance(60_000);
      record(2);
      await meter.stop();
      const stored = await hub.sql(`SELECT minute, requests, rows FROM serving_usage WHERE deployment_id = $1 ORDER BY minute`, [deploymentId]);
      expect(stored.map((r) => [r.minute.toISOString(), r.requests, Number(r.rows)])).toEqual([
        ['2026-06-07T11:01:00.000Z', 3, 6],
        ['2026-06-07T11:02:00.000Z', 1, 2],
        ['2026-06-07T11:03:00.000Z', 2, 4],
      ]);
    });
  });
});
