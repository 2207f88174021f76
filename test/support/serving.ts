/**
 * Serving in tests: a classifier trained by SQL, deployments made and awaited through GraphQL,
 * inference keys, and the three front doors called as their clients call them.
 */
import * as tf from '@tensorflow/tfjs';
import { FeatureEncoder } from '../../schema/index.js';
import { tfReady } from '../catalog-support.js';
import { waitFor, waitForJob } from './compute.js';
import { createDataset, upload } from './datasets.js';
import { recentWarnings, type TestHub } from './hub.js';
import { csv, flowers, toSpec } from './synthetic-data.js';
import type { SignedUp } from './users.js';

export const DEPLOYMENT_FIELDS = `id owner name modelName versionNumber alias status statusMessage minReplicas maxReplicas visibility
  batching { maxBatchSize maxQueueDelayMs }
  replicas { id state versionNumber nodeId nodeName inFlight queued latencyMs }`;

/**
 * Uploads flowers and trains `owner.name` (a 3-class classifier of petal, sepal, color) by SQL;
 * waits for it. `again`: trains the next version of it (CREATE OR REPLACE) on the same data.
 */
export async function trainIris(hub: TestHub, user: SignedUp, name: string, visibility: 'PRIVATE' | 'PUBLIC' = 'PRIVATE', again = false): Promise<void> {
  if (!again) {
    await createDataset(hub, user.token, { name: `${name}_data`, visibility: 'PRIVATE' });
    const uploaded = await upload(hub, user.token, user.username, `${name}_data`, csv(flowers(400, 1, 0.05)));
    if (uploaded.status !== 201) throw new Error(`upload failed: ${uploaded.status}`);
  }
  const res = await hub.graphql(
    `mutation($q: String!) { runSql(query: $q) { rows } }`,
    {
      q: `CREATE ${again ? 'OR REPLACE ' : ''}MODEL ${user.username}.${name} OPTIONS (model_type = 'dnn_classifier', input_label_cols = ['species'], hidden_units = [8], epochs = 8, learn_rate = 0.05, early_stop = FALSE)
          AS SELECT petal, sepal, color, species FROM ${user.username}.${name}_data`,
    },
    user.token,
  );
  if (res.errors) throw new Error(`CREATE MODEL failed: ${JSON.stringify(res.errors)}`);
  const job = await waitForJob(hub, user.token, res.data.runSql.rows[0][0], (j) => j.status === 'SUCCEEDED' || j.status === 'FAILED', 180_000);
  if (job.status !== 'SUCCEEDED') throw new Error(`training failed: ${job.error}`);
  if (visibility === 'PUBLIC' && !again) {
    const shared = await hub.graphql(`mutation($o: String!, $n: String!) { updateModel(owner: $o, name: $n, input: { visibility: PUBLIC }) { id } }`, { o: user.username, n: name }, user.token);
    if (shared.errors) throw new Error(`making the model public failed: ${JSON.stringify(shared.errors)}`);
  }
}

export async function createDeployment(hub: TestHub, token: string, input: Record<string, unknown>): Promise<any> {
  const res = await hub.graphql(`mutation($input: CreateDeploymentInput!) { createDeployment(input: $input) { ${DEPLOYMENT_FIELDS} } }`, { input }, token);
  if (res.errors) throw new Error(`createDeployment failed: ${JSON.stringify(res.errors)}`);
  return res.data.createDeployment;
}

export async function getDeployment(hub: TestHub, token: string, owner: string, name: string): Promise<any> {
  const res = await hub.graphql(`query($o: String!, $n: String!) { deployment(owner: $o, name: $n) { ${DEPLOYMENT_FIELDS} } }`, { o: owner, n: name }, token);
  if (res.errors) throw new Error(`deployment failed: ${JSON.stringify(res.errors)}`);
  return res.data.deployment;
}

/** Waits until the deployment satisfies `done` (default: READY with every replica ready); fails with the last state seen and the hub's last warnings. */
export async function waitForDeployment(hub: TestHub, token: string, owner: string, name: string, done = (d: any) => d.status === 'READY', timeoutMs = 90_000): Promise<any> {
  let last: any;
  try {
    return await waitFor(`deployment ${owner}/${name}`, async () => {
      last = await getDeployment(hub, token, owner, name);
      return done(last) ? last : undefined;
    }, timeoutMs);
  } catch (error) {
    throw new Error(`${(error as Error).message}; last seen: ${JSON.stringify(last)}; ${recentWarnings({ hub })}`);
  }
}

/** An API key of `user` with `scopes`, and optional inference limits. */
export async function apiKey(hub: TestHub, user: SignedUp, scopes: string[], limits: { requestsPerSecond?: number; dailyRequests?: number } = {}): Promise<string> {
  const res = await hub.graphql(
    `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret } }`,
    { input: { name: `key-${Math.random().toString(36).slice(2, 8)}`, scopes, ...limits } },
    user.token,
  );
  if (res.errors) throw new Error(`createApiKey failed: ${JSON.stringify(res.errors)}`);
  return res.data.createApiKey.secret;
}

export interface HttpAnswer {
  status: number;
  headers: Headers;
  body: any;
}

async function call(url: string, token: string | undefined, init: RequestInit = {}): Promise<HttpAnswer> {
  const headers = new Headers(init.headers);
  if (token) headers.set('authorization', `Bearer ${token}`);
  if (init.body !== undefined) headers.set('content-type', 'application/json');
  const res = await fetch(url, { ...init, headers });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: the test sees the text
  }
  return { status: res.status, headers: res.headers, body };
}

/** POST /v1/models/{owner}.{name}[/versions/n]:predict (TF Serving REST). */
export function tfServingPredict(hub: TestHub, token: string | undefined, owner: string, name: string, body: unknown, extra: { path?: string; headers?: Record<string, string> } = {}): Promise<HttpAnswer> {
  return call(`${hub.url}/v1/models/${owner}.${name}${extra.path ?? ''}:predict`, token, {
    method: 'POST',
    body: typeof body === 'string' ? body : JSON.stringify(body),
    headers: extra.headers,
  });
}

/** POST /v2/models/{owner}.{name}[/versions/n]/infer (KServe Open Inference Protocol). */
export function kserveInfer(hub: TestHub, token: string | undefined, owner: string, name: string, body: unknown, path = ''): Promise<HttpAnswer> {
  return call(`${hub.url}/v2/models/${owner}.${name}${path}/infer`, token, { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body) });
}

export function httpGet(hub: TestHub, token: string | undefined, path: string): Promise<HttpAnswer> {
  return call(`${hub.url}${path}`, token);
}

/** The downloaded artifact's class probabilities for raw records, with the version's stored preprocessing. */
export async function localPredict(hub: TestHub, user: SignedUp, model: string, version: number, records: Record<string, unknown>[]): Promise<{ outputs: number[][]; labels: string[] }> {
  await tfReady();
  const res = await hub.graphql(
    `query($o: String!, $n: String!, $v: Int!) { modelVersion(owner: $o, name: $n, number: $v) { signature { features { name type preprocessing { kind mean std vocabulary } } labels } } }`,
    { o: user.username, n: model, v: version },
    user.token,
  );
  const signature = res.data.modelVersion.signature;
  const loaded = await tf.loadLayersModel(`${hub.url}/api/models/${user.username}/${model}/versions/${version}/model.json`, {
    requestInit: { headers: { authorization: `Bearer ${user.token}` } },
  });
  const encoder = new FeatureEncoder(signature.features.map(toSpec));
  const x = tf.tensor2d(records.flatMap((r) => [...encoder.encodeRecord(r)]), [records.length, encoder.width]);
  const y = loaded.predict(x) as tf.Tensor;
  const outputs = y.arraySync() as number[][];
  tf.dispose([x, y]);
  loaded.dispose();
  return { outputs, labels: signature.labels };
}

/** Fires `count` requests with at most `concurrency` in flight; returns every answer's status and latency. */
export async function load(count: number, concurrency: number, send: (i: number) => Promise<HttpAnswer>): Promise<{ status: number; ms: number; answer: HttpAnswer }[]> {
  const results: { status: number; ms: number; answer: HttpAnswer }[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const i = next++;
        const started = performance.now();
        let answer: HttpAnswer;
        try {
          answer = await send(i);
        } catch (error) {
          answer = { status: 0, headers: new Headers(), body: String(error) };
        }
        results.push({ status: answer.status, ms: performance.now() - started, answer });
      }
    }),
  );
  return results;
}
