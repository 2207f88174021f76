/** Health, readiness, metrics, request-id logging, the committed SDL, and the portal's serving rules. */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { waitFor } from './support/compute.js';
import { withClient } from './support/global-setup.js';
import { startTestHub, type TestHub } from './support/hub.js';
import { ROOT } from './support/spawn-hub.js';
import { signUp } from './support/users.js';

describe('Hub platform', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startTestHub();
  });
  afterAll(() => hub?.close());

  it('answers /healthz while alive', async () => {
    const res = await fetch(`${hub.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('exposes Prometheus metrics for HTTP routes, GraphQL operations and the process', async () => {
    const user = await signUp(hub);
    await fetch(`${hub.url}/healthz`);
    await hub.graphql(`query Me { me { id } }`, {}, user.token);
    await hub.graphql(`query Me { me { id } }`, {}, 'ams_expired');
    const res = await fetch(`${hub.url}/metrics`);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await res.text();
    expect(text).toMatch(/aimass_http_requests_total\{method="GET",route="\/healthz",status="200"\} [1-9]/);
    expect(text).toMatch(/aimass_http_request_duration_seconds_bucket\{le="0.1",method="POST",route="\/graphql"\} [1-9]/);
    expect(text).toMatch(/aimass_graphql_operations_total\{operation="Me",type="query",outcome="ok"\} 1/);
    expect(text).toMatch(/aimass_graphql_operations_total\{operation="Me",type="query",outcome="UNAUTHENTICATED"\} 1/);
    expect(text).toMatch(/aimass_graphql_operation_duration_seconds_count\{operation="Me",type="query"\} 2/);
    expect(text).toMatch(/process_cpu_user_seconds_total \d/);
    expect(text).toMatch(/nodejs_heap_size_used_bytes \d/);
  });

  it('writes JSON logs with the request id on every line of a request, and echoes the id', async () => {
    const id = `req-${Date.now()}-abcdef`;
    const res = await fetch(`${hub.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': id },
      body: JSON.stringify({ query: `mutation { logIn(input: { login: "nobody-here", password: "wrong password" }) { token } }` }),
    });
    expect(res.headers.get('x-request-id')).toBe(id);
    // The request's last line is written as its response ends: wait for it, not for a while.
    await waitFor('the request’s last log line', async () => hub.logs.some((line) => line.includes(id) && line.includes('"request completed"')), 10_000);
    const lines = hub.logs.filter((line) => line.includes(id)).map((line) => JSON.parse(line));
    expect(lines.map((l) => l.msg)).toEqual(['login refused', 'request completed']);
    for (const line of lines) expect(line).toMatchObject({ requestId: id, level: expect.any(Number), time: expect.any(Number) });
    // A made-up id that could smuggle text into logs is replaced by a fresh one.
    const evil = await fetch(`${hub.url}/healthz`, { headers: { 'x-request-id': 'bad id with spaces <script>' } });
    expect(evil.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('serves the portal at / with deep links, and JSON 404s under /api', async () => {
    for (const path of ['/', '/account', '/models/some/deep/link']) {
      const res = await fetch(`${hub.url}${path}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/text\/html/);
      expect(await res.text()).toContain('<div id="root">');
    }
    const api = await fetch(`${hub.url}/api/nothing-here`);
    expect(api.status).toBe(404);
    expect(await api.json()).toEqual({ error: { code: 'NOT_FOUND', message: 'No API route GET /nothing-here' } });
  });

  it('reports not ready when its database goes away, and stays alive', async () => {
    const doomed = await startTestHub();
    try {
      expect((await fetch(`${doomed.url}/readyz`)).status).toBe(200);
      const name = (await doomed.sql<{ db: string }>(`SELECT current_database() AS db`))[0].db;
      await withClient(inject('postgresAdminUrl'), (c) => c.query(`DROP DATABASE ${name} WITH (FORCE)`));
      // Gone, the hub's last log lines say why (a crash is logged before it exits: main.ts).
      const res = await fetch(`${doomed.url}/readyz`).catch((error) => {
        throw new Error(`the hub did not answer after its database went away (${error}); its last log lines:\n${doomed.logs.slice(-15).join('\n')}`);
      });
      expect(res.status).toBe(503);
      expect(await res.json()).toMatchObject({ status: 'not ready', database: 'postgres' });
      expect((await fetch(`${doomed.url}/healthz`)).status).toBe(200);
    } finally {
      await doomed.close();
    }
  });
});

describe('GraphQL SDL', () => {
  it('schema/schema.graphql matches the schema the code builds (run `npm run schema` after changing resolvers)', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['dist/hub/src/graphql/print-schema.js'], { cwd: ROOT });
    const committed = await readFile(`${ROOT}/schema/schema.graphql`, 'utf8');
    expect(stdout).toBe(committed);
  });
});
