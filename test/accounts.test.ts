/**
 * Accounts end to end, against real PostgreSQL and against the embedded PostgreSQL server: the same
 * hub binary, the same migrations, the same assertions.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, startTestHub, type TestHub } from './support/hub.js';
import { codeOf, PASSWORD, signUp, uniqueName } from './support/users.js';

const ME = `{ me { id username email } }`;
const LOG_IN = `mutation($login: String!, $password: String!) { logIn(input: { login: $login, password: $password }) { token user { username } } }`;

describe.each(BACKENDS)('Accounts on %s', (backend) => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startTestHub({ backend, env: { AIMASS_LOGIN_MAX_FAILURES: '3' } });
  });
  afterAll(() => hub?.close());

  it('migrates an empty database and reports ready', async () => {
    const ready = await fetch(`${hub.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', database: backend });
    const tables = await hub.sql<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`,
    );
    expect(tables.map((t) => t.table_name)).toEqual(
      expect.arrayContaining(['api_keys', 'handles', 'login_attempts', 'memberships', 'migrations', 'node_tokens', 'organizations', 'sessions', 'users']),
    );
  });

  it('signs up, answers me, logs out, and refuses the ended session', async () => {
    const alice = await signUp(hub);
    const me = await hub.graphql(ME, {}, alice.token);
    expect(me.data.me).toMatchObject({ username: alice.username, email: `${alice.username}@example.com` });

    const out = await hub.graphql(`mutation { logOut }`, {}, alice.token);
    expect(out.data.logOut).toBe(true);
    const after = await hub.graphql(ME, {}, alice.token);
    expect(codeOf(after)).toBe('UNAUTHENTICATED');
  });

  it('stores passwords only as salted scrypt hashes and session tokens only as hashes', async () => {
    const a = await signUp(hub);
    const b = await signUp(hub);
    const rows = await hub.sql<{ password_hash: string }>(`SELECT password_hash FROM users WHERE id = ANY($1)`, [[a.id, b.id]]);
    for (const row of rows) {
      expect(row.password_hash).toMatch(/^scrypt\$16384\$8\$1\$/);
      expect(row.password_hash).not.toContain(PASSWORD);
    }
    expect(rows[0].password_hash).not.toBe(rows[1].password_hash); // per-user salt
    const sessions = await hub.sql(`SELECT token_hash FROM sessions WHERE user_id = $1`, [a.id]);
    expect(sessions[0].token_hash).not.toContain(a.token.slice(4));
  });

  it('logs in by username or email, case-insensitively', async () => {
    const bob = await signUp(hub);
    const byName = await hub.graphql(LOG_IN, { login: bob.username.toUpperCase(), password: PASSWORD });
    expect(byName.data.logIn.user.username).toBe(bob.username);
    const byEmail = await hub.graphql(LOG_IN, { login: `${bob.username}@example.com`, password: PASSWORD });
    expect(byEmail.data.logIn.token).toMatch(/^ams_/);
    expect((await hub.graphql(ME, {}, byEmail.data.logIn.token)).data.me.username).toBe(bob.username);
  });

  it('answers a wrong password and an unknown user alike, then rate-limits the account', async () => {
    const carol = await signUp(hub);
    const wrong = await hub.graphql(LOG_IN, { login: carol.username, password: 'not the password' });
    const unknown = await hub.graphql(LOG_IN, { login: uniqueName('ghost'), password: 'whatever1' });
    expect(codeOf(wrong)).toBe('UNAUTHENTICATED');
    expect(codeOf(unknown)).toBe('UNAUTHENTICATED');
    expect(wrong.errors![0].message).toBe(unknown.errors![0].message);

    await hub.graphql(LOG_IN, { login: carol.username, password: 'still wrong' });
    await hub.graphql(LOG_IN, { login: carol.username, password: 'wrong again' });
    // Three failures (the configured limit): now even the right password is refused for a while.
    const limited = await hub.graphql(LOG_IN, { login: carol.username, password: PASSWORD });
    expect(codeOf(limited)).toBe('RATE_LIMITED');
    expect(limited.errors![0].extensions!.retryAfterSeconds).toBeGreaterThan(0);
    // Another account from the same IP is unaffected.
    const dave = await signUp(hub);
    expect((await hub.graphql(LOG_IN, { login: dave.username, password: PASSWORD })).data.logIn.token).toBeTruthy();
  });

  it('refuses an expired session', async () => {
    const erin = await signUp(hub);
    expect((await hub.graphql(ME, {}, erin.token)).data.me.username).toBe(erin.username);
    await hub.sql(`UPDATE sessions SET expires_at = now() - interval '1 second' WHERE user_id = $1`, [erin.id]);
    const res = await hub.graphql(ME, {}, erin.token);
    expect(codeOf(res)).toBe('UNAUTHENTICATED');
    expect(res.errors![0].message).toMatch(/expired/);
  });

  it('refuses a duplicate username (any case) and a duplicate email with CONFLICT on the field', async () => {
    const frank = await signUp(hub);
    const again = await hub.graphql(
      `mutation($input: SignUpInput!) { signUp(input: $input) { token } }`,
      { input: { username: frank.username.toUpperCase(), email: 'other@example.com', password: PASSWORD } },
    );
    expect(codeOf(again)).toBe('CONFLICT');
    expect(again.errors![0].extensions!.fields).toEqual([{ field: 'username', message: 'This username is taken' }]);
    const sameEmail = await hub.graphql(
      `mutation($input: SignUpInput!) { signUp(input: $input) { token } }`,
      { input: { username: uniqueName(), email: `${frank.username}@EXAMPLE.com`, password: PASSWORD } },
    );
    expect(codeOf(sameEmail)).toBe('CONFLICT');
    expect(sameEmail.errors![0].extensions!.fields![0].field).toBe('email');
  });
});
