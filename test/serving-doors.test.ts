/**
 * Serving's front doors on a real hub, real PostgreSQL and real HTTP clients: the TF Serving
 * (/v1/models) and KServe v2 (/v2) routes are mounted at the root, speak their protocols' error
 * shape, want a credential with the inference scope, and answer 404 for a deployment the caller
 * may not call; GraphQL predict is open to an inference-only key and closed to a key without it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, type TestHub } from './support/hub.js';
import { codeOf, signUp, uniqueName, type SignedUp } from './support/users.js';

const CREATE_KEY = `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret } }`;
const PREDICT = `mutation($d: String!, $i: [JSON!]!) { predict(deployment: $d, instances: $i) { versionNumber predictions { label value } } }`;

describe('Serving front doors on a hub', () => {
  let hub: TestHub;
  let alice: SignedUp;
  let inferenceKey: string;
  let modelsKey: string;

  beforeAll(async () => {
    hub = await startTestHub({ env: { AIMASS_SERVING_MAX_BODY_BYTES: '65536' } });
    alice = await signUp(hub);
    const key = async (scopes: string[]) => (await hub.graphql(CREATE_KEY, { input: { name: uniqueName('k'), scopes } }, alice.token)).data.createApiKey.secret as string;
    inferenceKey = await key(['INFERENCE']);
    modelsKey = await key(['MODELS_READ']);
  });
  afterAll(() => hub?.close());

  const call = async (method: string, path: string, token: string | null, body?: string) => {
    const res = await fetch(`${hub.url}${path}`, { method, headers: token ? { authorization: `Bearer ${token}` } : {}, body });
    return { status: res.status, headers: res.headers, body: await res.json() };
  };

  it('answers the KServe health probes at the root, without a credential', async () => {
    expect(await call('GET', '/v2/health/live', null)).toMatchObject({ status: 200, body: { live: true } });
    expect(await call('GET', '/v2/health/ready', null)).toMatchObject({ status: 200, body: { ready: true } });
  });

  it('wants a credential with the inference scope, and says so in the protocols\' {"error"} shape', async () => {
    const predict = `/v1/models/${alice.username}.churn:predict`;
    const body = JSON.stringify({ instances: [{ x: 1 }] });
    expect(await call('POST', predict, null, body)).toEqual({ status: 401, headers: expect.anything(), body: { error: 'Send "Authorization: Bearer <session token or API key>"' } });
    expect(await call('POST', predict, modelsKey, body)).toMatchObject({ status: 403, body: { error: 'This API key lacks the inference scope' } });
    expect(await call('GET', `/v2/models/${alice.username}.churn`, modelsKey)).toMatchObject({ status: 403, body: { error: 'This API key lacks the inference scope' } });
  });

  it('answers 404 for a deployment the caller cannot call, on every route', async () => {
    for (const [method, path] of [
      ['POST', `/v1/models/${alice.username}.churn:predict`],
      ['POST', `/v1/models/${alice.username}.churn/versions/1:predict`],
      ['GET', `/v1/models/${alice.username}.churn`],
      ['GET', `/v1/models/${alice.username}.churn/metadata`],
      ['GET', `/v2/models/${alice.username}.churn`],
      ['GET', `/v2/models/${alice.username}.churn/ready`],
      ['POST', `/v2/models/${alice.username}.churn/infer`],
    ]) {
      const res = await call(method!, path!, inferenceKey, method === 'POST' ? '{"instances": [{"x": 1}]}' : undefined);
      expect(res, `${method} ${path}`).toMatchObject({ status: 404, body: { error: 'Deployment not found' } });
    }
    expect(await call('GET', '/v2/no/such/route', inferenceKey)).toMatchObject({ status: 404, body: { error: 'No KServe v2 route GET /v2/no/such/route' } });
  });

  it('answers 400 for a body that is not JSON (NaN) and 413 past AIMASS_SERVING_MAX_BODY_BYTES, and keeps serving', async () => {
    const nan = await call('POST', `/v1/models/${alice.username}.churn:predict`, inferenceKey, '{"instances": [{"x": NaN}]}');
    expect(nan.status).toBe(400);
    expect(nan.body.error).toMatch(/^body is not valid JSON/);
    const big = await call('POST', `/v2/models/${alice.username}.churn/infer`, inferenceKey, JSON.stringify({ inputs: [{ name: 'x', shape: [20000], datatype: 'FP32', data: Array(20000).fill(1.5) }] }));
    expect(big).toMatchObject({ status: 413, body: { error: 'body: the request body is larger than 65536 bytes' } });
    expect((await fetch(`${hub.url}/readyz`)).status).toBe(200);
  });

  it('opens GraphQL predict to an inference-only key and closes it to a key without the scope', async () => {
    const withInference = await hub.graphql(PREDICT, { d: `${alice.username}/churn`, i: [{ x: 1 }] }, inferenceKey);
    expect(codeOf(withInference)).toBe('NOT_FOUND');
    const withModels = await hub.graphql(PREDICT, { d: `${alice.username}/churn`, i: [{ x: 1 }] }, modelsKey);
    expect(codeOf(withModels)).toBe('FORBIDDEN');
    expect(withModels.errors?.[0]?.message).toBe('This API key lacks the inference scope');
    expect(codeOf(await hub.graphql(PREDICT, { d: 'no-slash', i: [] }, alice.token))).toBe('BAD_USER_INPUT');
    // The inference scope opens nothing else.
    expect(codeOf(await hub.graphql(`query { me { id } }`, {}, inferenceKey))).toBe('FORBIDDEN');
  });
});
