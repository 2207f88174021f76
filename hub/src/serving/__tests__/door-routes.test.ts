/**
 * The TF Serving and KServe v2 routes over real HTTP, with the inference path's collaborators
 * (deployments, admission, router, metering, replicas) as small in-test objects: credentials and
 * scopes, 404 for what the caller may not call, the protocols' `{"error"}` bodies and status codes,
 * body limits, NaN bodies, deadlines, Retry-After and RateLimit headers, and metering.
 */
import 'reflect-metadata';
import express from 'express';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FeatureSpec, RawRecord } from '../../../../schema/index.js';
import type { Principal } from '../../accounts/principal.js';
import { Scope } from '../../accounts/scopes.js';
import { AppError, forbidden, notFound, unauthenticated } from '../../errors.js';
import type { UsageEntry } from '../admission.js';
import type { DeploymentTarget } from '../deployment-target.js';
import type { InferenceCall } from '../inference.js';
import type { ReplicaView } from '../replica-directory.js';
import { InferenceService } from '../doors/inference-service.js';
import { kserveRouter } from '../doors/kserve-v2.routes.js';
import { tfServingRouter } from '../doors/tf-serving.routes.js';

const features: FeatureSpec[] = [
  { name: 'x', type: 'number', preprocessing: { kind: 'standardize', mean: 0, std: 1 } },
  { name: 'colour', type: 'category', preprocessing: { kind: 'one_hot', vocabulary: ['red', 'blue', '__missing__'] } },
];
const target: DeploymentTarget = {
  id: '00000000-0000-4000-8000-000000000001',
  owner: 'alice',
  name: 'churn',
  ownerId: 'u-alice',
  model: 'alice/churn',
  modelId: 'm-1',
  versionId: 'v-3',
  versionNumber: 3,
  task: 'classification',
  features,
  labels: ['no', 'yes'],
  labelName: 'churned',
  requestsPerSecond: null,
  dailyRequestQuota: null,
};

const user = (id: string) => ({ id, username: id }) as unknown as Principal['user'];
const PRINCIPALS: Record<string, Principal> = {
  'alice-session': { user: user('u-alice'), via: 'session', credentialId: 's-1', scopes: 'all' },
  'alice-inference-key': { user: user('u-alice'), via: 'apiKey', credentialId: 'k-1', scopes: new Set([Scope.INFERENCE]) },
  'alice-models-key': { user: user('u-alice'), via: 'apiKey', credentialId: 'k-2', scopes: new Set([Scope.MODELS_READ]) },
  'bob-session': { user: user('u-bob'), via: 'session', credentialId: 's-2', scopes: 'all' },
};

/** What the router is told to do with the next call. */
let routerDoes: (call: InferenceCall) => Promise<(number | null)[][]>;
let calls: InferenceCall[];
let usage: UsageEntry[];
let ready: ReplicaView[];
let admitThrows: AppError | null;

const replica = (versionNumber: number): ReplicaView => ({ jobId: `r-${versionNumber}`, attempt: 1, deploymentId: target.id, versionId: `v-${versionNumber}`, versionNumber, nodeId: 'n-1', nodeName: 'node-1', hubInstance: 'h', outputWidth: 3 });

const inference = new InferenceService(
  {
    deployments: {
      // Alice's deployment is private: Bob may not call it, and nobody sees anything else.
      async callable(principal, owner, name) {
        if (owner !== 'alice' || name !== 'churn' || principal.user.id !== 'u-alice') throw notFound('Deployment');
        return { target, access: { via: 'member', plan: null } };
      },
    },
    admission: {
      async admit() {
        if (admitThrows) throw admitThrows;
        return { 'RateLimit-Limit': '10', 'RateLimit-Remaining': '9', 'RateLimit-Reset': '1' };
      },
    },
    router: {
      async infer(call) {
        calls.push(call);
        const outputs = await routerDoes(call);
        return { outputs, versionNumber: call.versionNumber ?? 3, replicaId: 'r-3', nodeId: 'n-1', nodeName: 'node-1', latencyMs: 2, batchSize: 1, computeMs: 1.5, retried: false };
      },
    },
    metering: { record: (entry) => usage.push(entry) },
    replicas: { ready: () => ready },
  },
  { aliasesOfModels: async (ids) => new Map(ids.map((id) => [id, [{ alias: 'prod', number: 2 }]])) },
);

const accounts = {
  async authenticate(token: string): Promise<Principal> {
    const principal = PRINCIPALS[token];
    if (!principal) throw unauthenticated('Unknown token');
    return principal;
  },
  requireKeyAccess(principal: Principal, scope: Scope): void {
    if (principal.via === 'apiKey' && principal.scopes !== 'all' && !principal.scopes.has(scope)) throw forbidden(`This API key lacks the ${scope} scope`);
  },
};

let base: string;
let server: ReturnType<express.Express['listen']>;
const MAX_BODY = 64 * 1024;

beforeAll(async () => {
  const app = express();
  const deps = { accounts, inference, maxBodyBytes: MAX_BODY, deadlineMs: 30_000, development: false };
  app.use('/v1/models', tfServingRouter(deps));
  app.use('/v2', kserveRouter(deps));
  server = app.listen(0);
  await new Promise((resolve) => server.once('listening', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  routerDoes = async (call) => call.records.map((r: RawRecord) => (r.colour === 'red' ? [0.2, 0.8] : [0.7, 0.3]));
  calls = [];
  usage = [];
  ready = [replica(3)];
  admitThrows = null;
});

async function call(method: string, path: string, body?: unknown, token: string | null = 'alice-inference-key', headers: Record<string, string> = {}) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null };
}

describe('TF Serving REST routes', () => {
  it('predicts the row format sent as `curl -d` sends it (no JSON content type), with RateLimit headers', async () => {
    const res = await call('POST', '/v1/models/alice.churn:predict', { instances: [{ x: 1, colour: 'red' }, [2, 'blue']] });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      predictions: [
        { label: 'yes', probabilities: [0.2, 0.8], classes: ['no', 'yes'] },
        { label: 'no', probabilities: [0.7, 0.3], classes: ['no', 'yes'] },
      ],
    });
    expect(res.headers.get('ratelimit-remaining')).toBe('9');
    expect(calls[0]).toMatchObject({ deploymentId: target.id, versionNumber: undefined, records: [{ x: 1, colour: 'red' }, { x: 2, colour: 'blue' }] });
    expect(usage).toEqual([expect.objectContaining({ deploymentId: target.id, userId: 'u-alice', apiKeyId: 'k-1', rows: 2, error: false, computeMs: 1.5 })]);
  });

  it('predicts the columnar format into "outputs", and routes /versions/n and /labels/alias to that version', async () => {
    ready = [replica(3), replica(2)];
    const res = await call('POST', '/v1/models/alice.churn/labels/prod:predict', { inputs: { x: [1], colour: ['red'] } });
    expect(res.body).toEqual({ outputs: { label: ['yes'], probabilities: [[0.2, 0.8]], classes: [['no', 'yes']] } });
    expect(calls[0]!.versionNumber).toBe(2);
    await call('POST', '/v1/models/alice.churn/versions/3:predict', { instances: [{ x: 1 }] });
    expect(calls[1]!.versionNumber).toBe(3);
  });

  it('answers 404 for a version nobody serves, an unknown label, and a deployment the caller may not call', async () => {
    expect(await call('POST', '/v1/models/alice.churn/versions/9:predict', { instances: [{ x: 1 }] })).toMatchObject({ status: 404, body: { error: 'Version 9 of deployment alice.churn not found' } });
    expect(await call('POST', '/v1/models/alice.churn/labels/beta:predict', { instances: [{ x: 1 }] })).toMatchObject({ status: 404, body: { error: 'Label "beta" of model alice/churn not found' } });
    const hidden = await call('POST', '/v1/models/alice.churn:predict', { instances: [{ x: 1 }] }, 'bob-session');
    expect(hidden).toMatchObject({ status: 404, body: { error: 'Deployment not found' } });
    expect((await call('GET', '/v1/models/nobody.nothing')).status).toBe(404);
    expect(await call('POST', '/v1/models/alice.churn:classify', { examples: [] })).toMatchObject({ status: 404 });
    expect(calls).toEqual([]);
    expect(usage).toEqual([]);
  });

  it('wants a credential with the inference scope', async () => {
    expect(await call('POST', '/v1/models/alice.churn:predict', { instances: [{ x: 1 }] }, null)).toMatchObject({ status: 401, body: { error: 'Send "Authorization: Bearer <session token or API key>"' } });
    expect(await call('POST', '/v1/models/alice.churn:predict', { instances: [{ x: 1 }] }, 'nonsense')).toMatchObject({ status: 401, body: { error: 'Unknown token' } });
    expect(await call('POST', '/v1/models/alice.churn:predict', { instances: [{ x: 1 }] }, 'alice-models-key')).toMatchObject({ status: 403, body: { error: 'This API key lacks the inference scope' } });
    expect((await call('POST', '/v1/models/alice.churn:predict', { instances: [{ x: 1 }] }, 'alice-session')).status).toBe(200);
  });

  it('answers 400 naming the field for bad records, metered as an error, and no replica sees them', async () => {
    const res = await call('POST', '/v1/models/alice.churn:predict', { instances: [{ x: 1, size: 3 }] });
    expect(res).toMatchObject({ status: 400, body: { error: expect.stringContaining('instances[0].size: "size" is not a feature of this model') } });
    expect(Object.keys(res.body)).toEqual(['error']);
    expect(calls).toEqual([]);
    expect(usage).toEqual([expect.objectContaining({ error: true, rows: 0 })]);
  });

  it('answers 400 "body is not valid JSON" for NaN, and 413 past the body limit', async () => {
    const nan = await call('POST', '/v1/models/alice.churn:predict', '{"instances": [{"x": NaN}]}');
    expect(nan.status).toBe(400);
    expect(nan.body.error).toMatch(/^body is not valid JSON/);
    const big = await fetch(`${base}/v1/models/alice.churn:predict`, {
      method: 'POST',
      headers: { authorization: 'Bearer alice-inference-key', 'content-type': 'application/json' },
      body: JSON.stringify({ instances: Array.from({ length: 1000 }, () => ({ colour: 'x'.repeat(100) })) }),
    });
    expect(big.status).toBe(413);
    expect(await big.json()).toEqual({ error: `body: the request body is larger than ${MAX_BODY} bytes` });
    expect(calls).toEqual([]);
  });

  it('passes 429 and 503 with Retry-After, and 504 past the deadline the client lowered', async () => {
    admitThrows = new AppError('RATE_LIMITED', 'Daily quota of 10 requests spent', [], 30).withHeaders({ 'RateLimit-Remaining': '0' });
    const limited = await call('POST', '/v1/models/alice.churn:predict', { instances: [{ x: 1 }] });
    expect(limited).toMatchObject({ status: 429, body: { error: 'Daily quota of 10 requests spent' } });
    expect(limited.headers.get('retry-after')).toBe('30');
    expect(limited.headers.get('ratelimit-remaining')).toBe('0');
    admitThrows = null;

    routerDoes = async () => {
      throw new AppError('UNAVAILABLE', 'No replica can take the request now', [], 1);
    };
    const shed = await call('POST', '/v1/models/alice.churn:predict', { instances: [{ x: 1 }] });
    expect(shed).toMatchObject({ status: 503, body: { error: 'No replica can take the request now' } });
    expect(shed.headers.get('retry-after')).toBe('1');
    expect(shed.headers.get('ratelimit-remaining')).toBe('9');

    routerDoes = async (c) => {
      throw new AppError('DEADLINE_EXCEEDED', `deadline passed (${c.deadlineAt - Date.now() < 300})`);
    };
    const late = await call('POST', '/v1/models/alice.churn:predict', { instances: [{ x: 1 }] }, 'alice-inference-key', { 'x-request-timeout-ms': '250' });
    expect(late).toMatchObject({ status: 504, body: { error: 'deadline passed (true)' } });
    expect((await call('POST', '/v1/models/alice.churn:predict', { instances: [{ x: 1 }] }, 'alice-inference-key', { 'x-request-timeout-ms': 'soon' })).status).toBe(400);
    expect(usage.map((u) => u.error)).toEqual([true, true]);
  });

  it('shows the model status and metadata', async () => {
    ready = [];
    expect((await call('GET', '/v1/models/alice.churn')).body).toEqual({ model_version_status: [{ version: '3', state: 'LOADING', status: { error_code: 'OK', error_message: '' } }] });
    ready = [replica(3)];
    expect((await call('GET', '/v1/models/alice.churn/versions/3')).body.model_version_status[0].state).toBe('AVAILABLE');
    const metadata = await call('GET', '/v1/models/alice.churn/metadata');
    expect(metadata.body.model_spec).toEqual({ name: 'alice.churn', signature_name: '', version: '3' });
    expect(Object.keys(metadata.body.metadata.signature_def.signature_def.serving_default.inputs)).toEqual(['x', 'colour']);
  });
});

describe('KServe v2 routes', () => {
  it('answers the health probes without a credential', async () => {
    expect(await call('GET', '/v2/health/live', undefined, null)).toMatchObject({ status: 200, body: { live: true } });
    expect(await call('GET', '/v2/health/ready', undefined, null)).toMatchObject({ status: 200, body: { ready: true } });
  });

  it('infers a multi-input request and answers the v2 response object', async () => {
    const res = await call('POST', '/v2/models/alice.churn/infer', {
      id: 'req-1',
      inputs: [
        { name: 'x', shape: [2], datatype: 'FP32', data: [1, 2] },
        { name: 'colour', shape: [2, 1], datatype: 'BYTES', data: ['red', 'blue'] },
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      model_name: 'alice.churn',
      model_version: '3',
      id: 'req-1',
      outputs: [
        { name: 'label', datatype: 'BYTES', shape: [2], data: ['yes', 'no'] },
        { name: 'probabilities', datatype: 'FP32', shape: [2, 2], data: [0.2, 0.8, 0.7, 0.3] },
      ],
    });
  });

  it('refuses a wrong datatype and a wrong shape with 400 naming the input', async () => {
    const wrongType = await call('POST', '/v2/models/alice.churn/infer', { inputs: [{ name: 'colour', shape: [1], datatype: 'FP32', data: [1] }] });
    expect(wrongType).toMatchObject({ status: 400, body: { error: 'inputs[0] (colour).datatype: datatype FP32 does not fit the category feature "colour"; send BYTES' } });
    const wrongShape = await call('POST', '/v2/models/alice.churn/versions/3/infer', { inputs: [{ name: 'x', shape: [2], datatype: 'FP32', data: [1] }] });
    expect(wrongShape).toMatchObject({ status: 400, body: { error: 'inputs[0] (x).data: has 1 value but shape [2] holds 2' } });
    expect(calls).toEqual([]);
  });

  it('describes the model and its readiness; 404 to whoever may not call it', async () => {
    const metadata = await call('GET', '/v2/models/alice.churn');
    expect(metadata.body).toMatchObject({ name: 'alice.churn', versions: ['3'], platform: 'tensorflowjs', inputs: [{ name: 'x', datatype: 'FP32', shape: [-1] }, { name: 'colour', datatype: 'BYTES', shape: [-1] }] });
    expect(await call('GET', '/v2/models/alice.churn/ready')).toMatchObject({ status: 200, body: { name: 'alice.churn', ready: true } });
    ready = [];
    expect(await call('GET', '/v2/models/alice.churn/versions/3/ready')).toMatchObject({ status: 503, body: { name: 'alice.churn', ready: false } });
    expect(await call('GET', '/v2/models/alice.churn', undefined, 'bob-session')).toMatchObject({ status: 404, body: { error: 'Deployment not found' } });
    expect(await call('GET', '/v2/models/alice.churn', undefined, null)).toMatchObject({ status: 401 });
    expect(await call('GET', '/v2/repository/index')).toMatchObject({ status: 404, body: { error: 'No KServe v2 route GET /v2/repository/index' } });
  });
});
