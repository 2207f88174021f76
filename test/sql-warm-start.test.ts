/**
 * The SQL sandbox's connections are readied as the hub starts (hub/src/sql/sandbox.ts): a hub's
 * first query, and the first after a quiet spell, runs on a connection that is open, logged in as
 * the sandbox role, and knows its session key — it opens nothing and looks nothing up first.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDataset, upload } from './support/datasets.js';
import { startTestHub, type TestHub } from './support/hub.js';
import { signUp, type SignedUp } from './support/users.js';

const RUN = `mutation($q: String!) { runSql(query: $q) { rows } }`;

describe('SQL sandbox connections at start', () => {
  let hub: TestHub;
  let alice: SignedUp;
  const sandboxBackends = async () =>
    (await hub.sql(
      `SELECT pid, usename, state, query FROM pg_stat_activity WHERE application_name = 'aimass_sql_sandbox' AND datname = current_database() ORDER BY pid`,
    )) as { pid: number; usename: string; state: string; query: string }[];

  beforeAll(async () => {
    hub = await startTestHub({ backend: 'postgres' });
    alice = await signUp(hub);
    await createDataset(hub, alice.token, { name: 'numbers' });
    expect((await upload(hub, alice.token, alice.username, 'numbers', 'n\n1\n2\n3\n')).status).toBe(201);
  });
  afterAll(() => hub?.close());

  it('are open and readied before the first query, which runs on one of them', async () => {
    const before = await sandboxBackends();
    // Two connections as the sandbox role, idle, whose last statement was the read policy's warm-up
    // (after the login check and the session key lookup).
    expect(before.map((b) => [b.usename, b.state, b.query])).toEqual([
      ['aimass_sql', 'idle', `SELECT aimass_sandbox.may_read('')`],
      ['aimass_sql', 'idle', `SELECT aimass_sandbox.may_read('')`],
    ]);

    const res = await hub.graphql(RUN, { q: `SELECT sum(n) AS total FROM ${alice.username}.numbers` }, alice.token);
    expect(res.errors).toBeUndefined();
    expect(res.data.runSql.rows).toEqual([[6]]);
    const after = await sandboxBackends();
    // The same two backends: the query opened no connection, and the one it ran on did not look its key up.
    expect(after.map((b) => b.pid)).toEqual(before.map((b) => b.pid));
    expect(after.map((b) => b.query)).toContain('ROLLBACK');
    expect(after.map((b) => b.query).some((q) => /pg_stat_activity/.test(q))).toBe(false);
  });
});
