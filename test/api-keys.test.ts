/** API keys and scopes, against PostgreSQL and PGlite. */
import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { BACKENDS, startTestHub, type TestHub } from './support/hub.js';
import { Schema, type Operation } from './support/operations.js';
import { codeOf, signUp, uniqueName, type SignedUp } from './support/users.js';

const CREATE = `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret apiKey { id name prefix scopes expiresAt } } }`;
const LIST = `query($first: Int, $after: String, $all: Boolean) { apiKeys(first: $first, after: $after, includeRevoked: $all) {
  totalCount edges { cursor node { id name prefix scopes lastUsedAt revokedAt } } pageInfo { hasNextPage endCursor } } }`;
const REGISTER = `mutation($name: String!) { registerNode(input: { name: $name }) { token nodeToken { id name } } }`;

describe.each(BACKENDS)('API keys on %s', (backend) => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startTestHub({ backend });
  });
  afterAll(() => hub?.close());

  it('shows the secret once, lists the key by prefix, and stores only a hash', async () => {
    const user = await signUp(hub);
    const created = await hub.graphql(CREATE, { input: { name: 'ci', scopes: ['MODELS_READ', 'INFERENCE'], expiresInDays: 30 } }, user.token);
    const { secret, apiKey } = created.data.createApiKey;
    expect(secret).toMatch(/^amk_[A-Za-z0-9_-]{43}$/);
    expect(secret.startsWith(apiKey.prefix)).toBe(true);
    expect(new Date(apiKey.expiresAt).getTime()).toBeGreaterThan(Date.now() + 29 * 86_400_000);

    const list = await hub.graphql(LIST, {}, user.token);
    expect(list.data.apiKeys.totalCount).toBe(1);
    const listed = list.data.apiKeys.edges[0].node;
    expect(listed).toMatchObject({ id: apiKey.id, prefix: apiKey.prefix, scopes: ['MODELS_READ', 'INFERENCE'] });
    expect(JSON.stringify(list)).not.toContain(secret);
    const stored = await hub.sql(`SELECT * FROM api_keys WHERE id = $1`, [apiKey.id]);
    expect(JSON.stringify(stored)).not.toContain(secret.slice(4));
  });

  it('authenticates with the key, records last use, and answers me', async () => {
    const user = await signUp(hub);
    const { secret, apiKey } = (await hub.graphql(CREATE, { input: { name: 'k', scopes: ['MODELS_READ'] } }, user.token)).data.createApiKey;
    const me = await hub.graphql(`{ me { username } }`, {}, secret);
    expect(me.data.me.username).toBe(user.username);
    const list = await hub.graphql(LIST, {}, user.token);
    expect(list.data.apiKeys.edges.find((e: any) => e.node.id === apiKey.id).node.lastUsedAt).not.toBeNull();
  });

  it('allows an operation only when the key carries its scope', async () => {
    const user = await signUp(hub);
    const withScope = (await hub.graphql(CREATE, { input: { name: 'nodes', scopes: ['NODES_MANAGE'] } }, user.token)).data.createApiKey.secret;
    const without = (await hub.graphql(CREATE, { input: { name: 'read', scopes: ['MODELS_READ'] } }, user.token)).data.createApiKey.secret;

    const ok = await hub.graphql(REGISTER, { name: 'gpu-box' }, withScope);
    expect(ok.data.registerNode.nodeToken.name).toBe('gpu-box');
    const refused = await hub.graphql(REGISTER, { name: 'gpu-box-2' }, without);
    expect(codeOf(refused)).toBe('FORBIDDEN');
    expect(refused.errors![0].message).toContain('nodes:manage');
    // A key can never mint more keys, whatever its scopes.
    const mint = await hub.graphql(CREATE, { input: { name: 'child', scopes: ['NODES_MANAGE'] } }, withScope);
    expect(codeOf(mint)).toBe('FORBIDDEN');
  });

  it('revokes a key: it stops working at once and leaves the active list', async () => {
    const user = await signUp(hub);
    const { secret, apiKey } = (await hub.graphql(CREATE, { input: { name: 'gone', scopes: ['MODELS_READ'] } }, user.token)).data.createApiKey;
    const revoked = await hub.graphql(`mutation($id: ID!) { revokeApiKey(id: $id) { id revokedAt } }`, { id: apiKey.id }, user.token);
    expect(revoked.data.revokeApiKey.revokedAt).not.toBeNull();
    expect(codeOf(await hub.graphql(`{ me { id } }`, {}, secret))).toBe('UNAUTHENTICATED');
    expect((await hub.graphql(LIST, {}, user.token)).data.apiKeys.totalCount).toBe(0);
    expect((await hub.graphql(LIST, { all: true }, user.token)).data.apiKeys.totalCount).toBe(1);
  });

  it("treats someone else's key as not found", async () => {
    const owner = await signUp(hub);
    const other = await signUp(hub);
    const { apiKey } = (await hub.graphql(CREATE, { input: { name: 'mine', scopes: ['MODELS_READ'] } }, owner.token)).data.createApiKey;
    const res = await hub.graphql(`mutation($id: ID!) { revokeApiKey(id: $id) { id } }`, { id: apiKey.id }, other.token);
    expect(codeOf(res)).toBe('NOT_FOUND');
    expect(codeOf(await hub.graphql(`mutation { revokeApiKey(id: "not-a-uuid") { id } }`, {}, other.token))).toBe('NOT_FOUND');
  });

  it('refuses an expired key', async () => {
    const user = await signUp(hub);
    const { secret, apiKey } = (await hub.graphql(CREATE, { input: { name: 'old', scopes: ['MODELS_READ'], expiresInDays: 1 } }, user.token)).data.createApiKey;
    await hub.sql(`UPDATE api_keys SET expires_at = now() - interval '1 minute' WHERE id = $1`, [apiKey.id]);
    expect(codeOf(await hub.graphql(`{ me { id } }`, {}, secret))).toBe('UNAUTHENTICATED');
  });

  it('validates the input field by field', async () => {
    const user = await signUp(hub);
    const res = await hub.graphql(CREATE, { input: { name: '', scopes: [], expiresInDays: 0 } }, user.token);
    expect(codeOf(res)).toBe('BAD_USER_INPUT');
    expect(res.errors![0].extensions!.fields!.map((f) => f.field).sort()).toEqual(['expiresInDays', 'name', 'scopes']);
    const badScope = await hub.graphql(CREATE, { input: { name: 'x', scopes: ['EVERYTHING'] } }, user.token);
    expect(codeOf(badScope)).toBe('BAD_USER_INPUT');
  });

  it('pages through keys with cursors, newest first, without gaps or repeats', async () => {
    const user = await signUp(hub);
    for (let i = 0; i < 5; i++) await hub.graphql(CREATE, { input: { name: `key-${i}`, scopes: ['MODELS_READ'] } }, user.token);
    const all = (await hub.graphql(LIST, { first: 100 }, user.token)).data.apiKeys.edges.map((e: any) => e.node.name);
    expect([...all].sort()).toEqual(['key-0', 'key-1', 'key-2', 'key-3', 'key-4']);
    expect(all[0]).toBe('key-4');
    expect(all[4]).toBe('key-0');

    const seen: string[] = [];
    let after: string | undefined;
    const pages: boolean[] = [];
    do {
      const page = (await hub.graphql(LIST, { first: 2, after }, user.token)).data.apiKeys;
      expect(page.totalCount).toBe(5);
      seen.push(...page.edges.map((e: any) => e.node.name));
      pages.push(page.pageInfo.hasNextPage);
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : undefined;
    } while (after);
    expect(seen).toEqual(all);
    expect(pages).toEqual([true, true, false]);
    expect(codeOf(await hub.graphql(LIST, { after: 'garbage' }, user.token))).toBe('BAD_USER_INPUT');
    expect(codeOf(await hub.graphql(LIST, { first: 1000 }, user.token))).toBe('BAD_USER_INPUT');
  });
});

describe('API key scopes across the whole API', () => {
  const SCOPES = ['MODELS_READ', 'MODELS_WRITE', 'DATASETS_READ', 'DATASETS_WRITE', 'JOBS_READ', 'JOBS_WRITE', 'NODES_READ', 'NODES_MANAGE', 'NOTIFICATIONS'];
  /** The refusals operation-access.ts allows; an undeclared operation answers otherwise. */
  const DECLARED = /^(This API key lacks the (\S+) scope|This API key holds only the inference scope, which only serving routes accept|This needs a signed-in session; API keys cannot do it)$/;
  const enumOf = (scope: string) => scope.toUpperCase().replace(':', '_');
  let hub: TestHub;
  let user: SignedUp;
  let operations: Operation[];
  /** Operation name → the scope an API key needs, as the refusal named it. */
  const needs = new Map<string, string>();
  const key = async (scopes: string[]) =>
    (await hub.graphql(CREATE, { input: { name: uniqueName('k'), scopes } }, user.token)).data.createApiKey.secret as string;

  beforeAll(async () => {
    hub = await startTestHub();
    user = await signUp(hub);
    const schema = await Schema.introspect(hub);
    operations = [...schema.operations('Query'), ...schema.operations('Mutation'), ...schema.operations('Subscription')];
  });
  afterAll(() => hub?.close());

  /**
   * Runs an operation over HTTP, or over graphql-ws for a subscription; answers its first error.
   * A subscription that is accepted sends nothing until its subject changes: graphql-ws has no
   * acknowledgement, so one that has neither failed nor ended `acceptedAfterMs` after the
   * connection opened counts as accepted (a refusal comes at once, before anything runs).
   */
  async function firstError(op: Operation, token: string, acceptedAfterMs = 3000): Promise<{ code?: string; message: string } | undefined> {
    if (op.root !== 'Subscription') {
      const res = await hub.graphql(op.document, op.variables, token);
      return res.errors?.[0] && { code: res.errors[0].extensions?.code, message: res.errors[0].message };
    }
    const c = createClient({ url: `${hub.url.replace('http', 'ws')}/graphql`, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${token}` }, retryAttempts: 0, lazy: true });
    try {
      return await new Promise((resolve) => {
        c.on('connected', () => setTimeout(() => resolve(undefined), acceptedAfterMs));
        const stop = c.subscribe({ query: op.document, variables: op.variables }, {
          next: (value) => {
            stop();
            resolve(value.errors?.[0] && { code: value.errors[0].extensions?.code as string, message: value.errors[0].message });
          },
          error: (errors) => resolve(Array.isArray(errors) ? { code: errors[0].extensions?.code, message: errors[0].message } : { message: String(errors) }),
          // Subscribed, and ended (the subject is not there): not refused for want of a scope.
          complete: () => resolve(undefined),
        });
      });
    } finally {
      await c.dispose();
    }
  }

  it('refuses a key holding only the inference scope on every operation, each naming what it needs', async () => {
    const inferenceOnly = await key(['INFERENCE']);
    expect(operations.length).toBeGreaterThan(80);
    const undeclared: string[] = [];
    for (const op of operations) {
      const error = await firstError(op, inferenceOnly);
      if (`${op.root}.${op.name}` === 'Mutation.predict') {
        // Serving's GraphQL front door is the one operation the inference scope opens.
        if (error?.code === 'FORBIDDEN' || error?.code === 'UNAUTHENTICATED') undeclared.push(`${op.root}.${op.name}: ${JSON.stringify(error)}`);
        continue;
      }
      const match = error?.code === 'FORBIDDEN' ? DECLARED.exec(error.message) : null;
      if (!match) undeclared.push(`${op.root}.${op.name}: ${JSON.stringify(error)}`);
      else if (match[2]) needs.set(`${op.root}.${op.name}`, match[2]);
    }
    expect(undeclared).toEqual([]);
    // Jobs, training runs and the network view state theirs like everything else.
    expect(needs.get('Query.jobs')).toBe('jobs:read');
    expect(needs.get('Query.trainingRun')).toBe('jobs:read');
    expect(needs.get('Mutation.submitJob')).toBe('jobs:write');
    expect(needs.get('Query.network')).toBe('nodes:read');
    expect(needs.get('Subscription.nodeChanged')).toBe('nodes:read');
  }, 300_000);

  it('asks each operation for exactly the scope it names: all the others do not open it, that one does', async () => {
    expect(needs.size).toBeGreaterThan(50);
    const withOnly = new Map<string, string>();
    const withAllBut = new Map<string, string>();
    for (const scope of new Set(needs.values())) {
      withOnly.set(scope, await key([enumOf(scope)]));
      withAllBut.set(scope, await key(SCOPES.filter((s) => s !== enumOf(scope))));
    }
    const wrong: string[] = [];
    for (const op of operations) {
      const scope = needs.get(`${op.root}.${op.name}`);
      if (!scope) continue;
      const without = await firstError(op, withAllBut.get(scope)!);
      if (without?.code !== 'FORBIDDEN' || without.message !== `This API key lacks the ${scope} scope`) wrong.push(`${op.name} without ${scope}: ${JSON.stringify(without)}`);
      const withIt = await firstError(op, withOnly.get(scope)!);
      if (withIt?.message === `This API key lacks the ${scope} scope` || withIt?.code === 'UNAUTHENTICATED') wrong.push(`${op.name} with ${scope}: ${JSON.stringify(withIt)}`);
    }
    expect(wrong).toEqual([]);
    expect((await fetch(`${hub.url}/healthz`)).status).toBe(200);
  }, 600_000);

  it('refuses REST routes to a key without their scope with 403 naming it', async () => {
    const inferenceOnly = await key(['INFERENCE']);
    const modelsOnly = await key(['MODELS_READ', 'MODELS_WRITE']);
    const call = (method: string, path: string, token: string) =>
      fetch(`${hub.url}${path}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: method === 'POST' ? '{}' : undefined });
    for (const [method, path, scope] of [
      ['POST', `/api/datasets/${user.username}/d/versions`, 'datasets:write'],
      ['GET', `/api/datasets/${user.username}/d/versions/1/export.csv`, 'datasets:read'],
      ['POST', `/api/models/${user.username}/m/versions`, 'models:write'],
      ['GET', `/api/models/${user.username}/m/versions/1/model.json`, 'models:read'],
      ['POST', '/api/sql', 'datasets:read'],
      ['GET', '/api/sql/jobs/00000000-0000-4000-8000-000000000000', 'datasets:read'],
    ]) {
      const res = await call(method, path, inferenceOnly);
      expect(res.status, path).toBe(403);
      expect((await res.json()).error, path).toEqual({ code: 'FORBIDDEN', message: `This API key lacks the ${scope} scope` });
    }
    const sql = await call('POST', '/api/sql', modelsOnly);
    expect(sql.status).toBe(403);
    // Job routes open with a job token only: a key is NOT_FOUND there, whatever its scopes.
    expect((await call('GET', '/api/jobs/00000000-0000-4000-8000-000000000000/payload', modelsOnly)).status).toBe(404);
  });
});
