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
    expect(await ready.json()).toEqual({ status: 'ready', database: backend, sql: { available: true } });
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

  it('ignores X-Forwarded-For without a configured proxy: a forged address changes nothing', async () => {
    const dave = await signUp(hub);
    for (let i = 0; i < 3; i++) {
      await fetch(`${hub.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': `203.0.113.${i}` },
        body: JSON.stringify({ query: LOG_IN, variables: { login: dave.username, password: 'wrong password' } }),
      });
    }
    expect(codeOf(await hub.graphql(LOG_IN, { login: dave.username, password: PASSWORD }))).toBe('RATE_LIMITED');
    const stored = await hub.sql<{ ip: string }>(`SELECT DISTINCT ip FROM login_attempts WHERE username_lower = $1`, [dave.username.toLowerCase()]);
    expect(stored.map((r) => r.ip)).toEqual([expect.stringMatching(/127\.0\.0\.1$/)]);
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

describe('Login and sign-up limits', () => {
  // One proxy in front, as behind a load balancer: the hub believes the address that proxy
  // appended (the last X-Forwarded-For entry) and nothing a client wrote before it.
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startTestHub({
      env: {
        AIMASS_TRUST_PROXY_HOPS: '1',
        AIMASS_LOGIN_MAX_FAILURES: '3',
        AIMASS_LOGIN_MAX_FAILURES_PER_ACCOUNT: '8',
        AIMASS_LOGIN_MAX_ATTEMPTS_PER_IP: '1000',
        AIMASS_SIGNUP_MAX_PER_IP: '3',
      },
    });
  });
  afterAll(() => hub?.close());

  /** A GraphQL request as the load balancer forwards it from `forwardedFor` (a client-written chain, then the real address). */
  async function from(forwardedFor: string, query: string, variables: object) {
    const res = await fetch(`${hub.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': forwardedFor },
      body: JSON.stringify({ query, variables }),
    });
    return (await res.json()) as { data?: any; errors?: { message: string; extensions?: Record<string, any> }[] };
  }
  const SIGN_UP = `mutation($input: SignUpInput!) { signUp(input: $input) { token user { username } } }`;
  const signUpFrom = (ip: string, username = uniqueName()) =>
    from(ip, SIGN_UP, { input: { username, email: `${username}@example.com`, password: PASSWORD } });

  it('stops an attacker failing from one address without locking the owner out from another', async () => {
    const owner = await signUpFrom('10.1.0.1');
    const login = owner.data.signUp.user.username;
    for (let i = 0; i < 10; i++) await from('10.6.6.6', LOG_IN, { login, password: 'wrong password' });
    const attacker = await from('10.6.6.6', LOG_IN, { login, password: PASSWORD });
    expect(codeOf(attacker)).toBe('RATE_LIMITED');
    expect(attacker.errors![0].extensions!.retryAfterSeconds).toBeGreaterThan(0);

    const ownerElsewhere = await from('10.1.0.2', LOG_IN, { login, password: PASSWORD });
    expect(ownerElsewhere.data.logIn.user.username).toBe(login);
  });

  it('does not let a forged X-Forwarded-For move the attacker past the limiter', async () => {
    const owner = await signUpFrom('10.2.0.1');
    const login = owner.data.signUp.user.username;
    // A fresh forged "client address" each time, before the address the proxy appends.
    for (let i = 0; i < 6; i++) await from(`203.0.113.${i}, 10.6.6.7`, LOG_IN, { login, password: 'wrong password' });
    expect(codeOf(await from('198.51.100.1, 10.6.6.7', LOG_IN, { login, password: PASSWORD }))).toBe('RATE_LIMITED');
    const stored = await hub.sql<{ ip: string }>(`SELECT DISTINCT ip FROM login_attempts WHERE username_lower = $1`, [login.toLowerCase()]);
    expect(stored.map((r) => r.ip)).toEqual(['10.6.6.7']);
  });

  it('guards an account against failures from many addresses, except from where its owner logged in before', async () => {
    const owner = await signUpFrom('10.3.0.1');
    const login = owner.data.signUp.user.username;
    expect((await from('10.3.0.1', LOG_IN, { login, password: PASSWORD })).data.logIn).toBeTruthy();
    for (let a = 1; a <= 4; a++) for (let i = 0; i < 2; i++) await from(`10.9.0.${a}`, LOG_IN, { login, password: 'wrong password' });
    // Eight failures from four addresses: a new address is held back even with the right password…
    expect(codeOf(await from('10.3.0.9', LOG_IN, { login, password: PASSWORD }))).toBe('RATE_LIMITED');
    // …the address the owner used before is not.
    expect((await from('10.3.0.1', LOG_IN, { login, password: PASSWORD })).data.logIn.user.username).toBe(login);
  });

  it('limits sign-ups per address with RATE_LIMITED and when to retry', async () => {
    for (let i = 0; i < 3; i++) expect((await signUpFrom('10.4.0.1')).data.signUp.token).toMatch(/^ams_/);
    const username = uniqueName();
    const flood = await signUpFrom('10.4.0.1', username);
    expect(codeOf(flood)).toBe('RATE_LIMITED');
    expect(flood.errors![0].message).toMatch(/Too many accounts/);
    expect(flood.errors![0].extensions!.retryAfterSeconds).toBeGreaterThan(0);
    expect(codeOf(await hub.graphql(`query($u: String!) { user(username: $u) { id } }`, { u: username }))).toBe('NOT_FOUND');
    // Another address is not affected.
    expect((await signUpFrom('10.4.0.2')).data.signUp.token).toMatch(/^ams_/);
  });
});
