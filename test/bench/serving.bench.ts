/**
 * `npm run bench` (after the other benchmarks), or `npm run bench:serving` alone: online serving,
 * all figures from one run on one machine, with real node-agent processes on this machine:
 *
 *  1. throughput and p50/p99 latency of BENCH_SERVE_REQUESTS single-record requests from
 *     BENCH_SERVE_CLIENTS (64) concurrent clients through the hub (TF Serving REST) to one replica
 *     with dynamic batching, against (a) the same with batching off (maxBatchSize 1) and (b) direct
 *     in-process `model.predict` of the downloaded artifact one request at a time; the ratios (the
 *     goal: batching at least 3× per-request predict), the ceiling (c) in-process predict of the
 *     same rows in batches of 64, (d) an empty HTTP server answering the same clients (the most
 *     any HTTP door answers on this machine), and the hub's CPU per 1,000 requests — for
 *     a light network (BENCH_SERVE_HIDDEN), whose in-process prediction is cheaper than any trip
 *     through HTTP, and a heavy one (BENCH_SERVE_HEAVY_HIDDEN), where predicting dominates;
 *  2. the hub's added latency at low load: p50 of one client's requests through the hub against
 *     the same requests sent straight to an agent by this process acting as its hub (the agent
 *     protocol's infer.request over a WebSocket, the same serve code on the agent);
 *  3. a slow replica (2 s per request) among four: success rate, p50/p99, share under 1 s;
 *  4. overload: 400 requests from 200 clients at a replica (in use before) that takes 2 s per
 *     request one at a time: how many were refused (429/503), how fast, and /readyz's p99 meanwhile.
 *
 * Needs PostgreSQL (DATABASE_URL as an admin connection, else a throwaway server). Everything it
 * starts is removed before it exits, on failure and on Ctrl-C too.
 */
import { spawn } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import http from 'node:http';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type * as tfjs from '@tensorflow/tfjs';
import { WebSocketServer, type WebSocket } from 'ws';
import { loadBestBackend } from '../../node-agent/src/tf/load-backend.js';
import { FeatureEncoder, PROTOCOL_VERSION, type FeatureSpec, type ServePayload } from '../../schema/index.js';
import { generator } from '../support/synthetic-data.js';
import { fmt, graphql, intEnv, listEnv, onCleanup, ratio, ROOT, runBenchmark, setUpDatabase, signUp, sleep, summarize, table, type Hub, startHub } from './harness.js';
import { cpuSeconds } from './proc-stats.js';

const SETTINGS = {
  requests: intEnv('BENCH_SERVE_REQUESTS', 3000),
  clients: intEnv('BENCH_SERVE_CLIENTS', 64),
  lowLoadRequests: intEnv('BENCH_SERVE_LOW_LOAD_REQUESTS', 500),
  /** The light network's hidden layers (parts 1 to 4): a prediction costs about 0.1 ms in process. */
  hidden: listEnv('BENCH_SERVE_HIDDEN', [512, 512, 256]),
  /**
   * A heavy network measured in part 1 beside it (empty: skipped): one row's prediction reads
   * every weight (about 25 MB) for a handful of multiplications each, which a batch shares.
   */
  heavyHidden: listEnv('BENCH_SERVE_HEAVY_HIDDEN', [2048, 2048, 1024], true),
  /** Which of parts 1 to 4 run (the light version is always trained; part 4 needs part 3's slow agent). */
  parts: listEnv('BENCH_SERVE_PARTS', [1, 2, 3, 4]),
};
const AGENT_ENTRY = path.join(ROOT, 'dist/node-agent/src/main.js');
const COLORS = ['red', 'green', 'blue'];

function rows(n: number, seed: number) {
  const { uniform } = generator(seed);
  return Array.from({ length: n }, () => {
    const a = Number((4 * uniform() - 2).toFixed(4));
    const b = Number((4 * uniform() - 2).toFixed(4));
    const color = COLORS[Math.floor(uniform() * 3)];
    const z = 2 * a - b + (color === 'red' ? 1 : color === 'blue' ? -1 : 0);
    return { a, b, color, kind: z < -1 ? 'low' : z < 1 ? 'mid' : 'high' };
  });
}

function startAgent(hubUrl: string, token: string, name: string, args: string[] = [], env: Record<string, string> = {}): Promise<void> {
  const child = spawn(process.execPath, [AGENT_ENTRY, '--hub', hubUrl, '--token', token, '--name', name, ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  onCleanup(`stop agent ${name}`, async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  });
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error(`agent ${name} did not connect:\n${text}`)), 60_000);
    for (const stream of [child.stdout!, child.stderr!]) {
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => {
        text = (text + chunk).slice(-20_000);
        if (/connected to hub/.test(text)) {
          clearTimeout(timer);
          resolve();
        }
      });
    }
    child.once('exit', (code) => reject(new Error(`agent ${name} exited with ${code}:\n${text}`)));
  });
}

/**
 * (d) A node:http server in a process of its own that reads each body and answers a fixed
 * prediction: no hub, no model, no agent. What the same clients get from it is the most any HTTP
 * front door on Node could answer on this machine, whatever it does behind.
 */
async function emptyHttpServer(): Promise<{ url: string; cpu(): number }> {
  const script = `const body = JSON.stringify({ predictions: [{ label: 'mid', probabilities: [0.2, 0.5, 0.3] }] });
    require('node:http').createServer((req, res) => { req.on('data', () => {}); req.on('end', () => res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body)); })
      .listen(0, '127.0.0.1', function () { console.log('port ' + this.address().port); });`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  onCleanup('stop the empty HTTP server', () => child.kill('SIGKILL'));
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.setEncoding('utf8').on('data', (text: string) => {
      const m = /port (\d+)/.exec(text);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`the empty HTTP server exited with ${code}`)));
  });
  return { url: `http://127.0.0.1:${port}`, cpu: () => cpuSeconds(child.pid!) ?? 0 };
}

async function waitReady(hub: Hub, token: string, owner: string, name: string, replicas: number): Promise<void> {
  for (;;) {
    const { deployment } = await graphql(hub, `query($o: String!, $n: String!) { deployment(owner: $o, name: $n) { status replicas { state } } }`, { o: owner, n: name }, token);
    if (deployment.replicas.filter((r: { state: string }) => r.state === 'READY').length >= replicas) return;
    await sleep(100);
  }
}

/**
 * POST with node:http over kept-alive sockets: the clients' own cost stays small next to the hub's
 * (fetch costs a few hundred microseconds a request by itself, which would count as the hub's).
 */
const keepAlive = new http.Agent({ keepAlive: true, maxSockets: 256 });
function post(url: string, headers: Record<string, string>, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', agent: keepAlive, headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) } }, (res) => {
      res.resume();
      res.once('end', () => resolve(res.statusCode ?? 0));
      res.once('error', reject);
    });
    req.once('error', reject);
    req.end(body);
  });
}

interface Shot {
  status: number;
  ms: number;
}

/** `count` requests from `clients` concurrent clients; every answer's status and latency, and the wall time. */
async function fire(count: number, clients: number, send: (i: number) => Promise<number>): Promise<{ shots: Shot[]; seconds: number }> {
  const shots: Shot[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (next < count) {
        const i = next++;
        const t = performance.now();
        let status = 0;
        try {
          status = await send(i);
        } catch {
          status = 0;
        }
        shots.push({ status, ms: performance.now() - t });
      }
    }),
  );
  return { shots, seconds: (performance.now() - started) / 1000 };
}

/**
 * This process as an agent's hub: accepts one agent, hands it the serve job, serves the version's
 * files, and sends infer.request frames straight to it.
 */
async function directAgent(payload: ServePayload, files: Map<string, Buffer>): Promise<{ url: string; ready: Promise<void>; infer(record: Record<string, unknown>): Promise<void> }> {
  const jobId = randomUUID();
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const file = files.get(url.searchParams.get('path') ?? '');
    if (url.pathname !== `/api/jobs/${jobId}/serve/file` || !file) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(file);
  });
  const wss = new WebSocketServer({ server, path: '/agents' });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onCleanup('close the kept-alive sockets', () => keepAlive.destroy());
  onCleanup('stop the direct hub', () => new Promise<void>((resolve) => {
    for (const c of wss.clients) c.terminate();
    wss.close();
    server.close(() => resolve());
  }));
  const pending = new Map<string, () => void>();
  let socket: WebSocket | undefined;
  let readyResolve!: () => void;
  const ready = new Promise<void>((resolve) => (readyResolve = resolve));
  wss.on('connection', (ws) => {
    socket = ws;
    ws.on('message', (data) => {
      const message = JSON.parse(data.toString());
      if (message.type === 'hello') {
        ws.send(JSON.stringify({ type: 'welcome', protocolVersion: PROTOCOL_VERSION, nodeId: randomUUID(), nodeName: 'direct', heartbeatSeconds: 5, leaseSeconds: 600 }));
        ws.send(JSON.stringify({ type: 'job.assign', jobId, attempt: 1, kind: 'serve', payload, leaseExpiresAt: new Date(Date.now() + 600_000).toISOString(), jobToken: 'direct' }));
      } else if (message.type === 'replica.ready') readyResolve();
      else if (message.type === 'infer.result') pending.get(message.requestId)?.();
    });
  });
  let n = 0;
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    ready,
    infer(record) {
      const requestId = `r${n++}`;
      return new Promise<void>((resolve) => {
        pending.set(requestId, () => {
          pending.delete(requestId);
          resolve();
        });
        socket!.send(JSON.stringify({ type: 'infer.request', requestId, jobId, records: [record], deadlineMs: 10_000 }));
      });
    },
  };
}

await runBenchmark(async () => {
  console.log(`serving benchmark: ${SETTINGS.requests.toLocaleString('en-US')} single-record requests from ${SETTINGS.clients} clients; ${SETTINGS.lowLoadRequests} at low load; hidden_units ${JSON.stringify(SETTINGS.hidden)}${SETTINGS.heavyHidden.length > 0 ? ` and ${JSON.stringify(SETTINGS.heavyHidden)}` : ''}`);
  const db = await setUpDatabase();
  const hub = await startHub(db, { AIMASS_AGENT_HEARTBEAT_SECONDS: '1', AIMASS_SCHEDULER_TICK_SECONDS: '1', AIMASS_JOB_LEASE_SECONDS: '10' });
  const user = await signUp(hub);
  const data = rows(2000, 1);
  await graphql(hub, `mutation($input: CreateDatasetInput!) { createDataset(input: $input) { id } }`, { input: { name: 'train', visibility: 'PRIVATE' } }, user.token);
  const csv = ['a,b,color,kind', ...data.map((r) => `${r.a},${r.b},${r.color},${r.kind}`)].join('\n') + '\n';
  const uploaded = await fetch(`${hub.url}/api/datasets/${user.username}/train/versions`, { method: 'POST', headers: { 'content-type': 'text/csv', authorization: `Bearer ${user.token}` }, body: csv });
  if (uploaded.status !== 201) throw new Error(`upload failed: ${uploaded.status}`);
  const node = async (name: string) => (await graphql(hub, `mutation($n: String!) { registerNode(input: { name: $n }) { token } }`, { n: name }, user.token)).registerNode.token as string;
  await startAgent(hub.url, await node('fast-1'), 'fast-1', ['--slots', '4']);

  const key = (await graphql(hub, `mutation { createApiKey(input: { name: "bench", scopes: [INFERENCE] }) { secret } }`, {}, user.token)).createApiKey.secret as string;
  const record = (i: number) => {
    const r = data[i % data.length];
    return { a: r.a, b: r.b, color: r.color };
  };
  const viaHub = (name: string, timeoutMs?: number) => (i: number) =>
    post(
      `${hub.url}/v1/models/${user.username}.${name}:predict`,
      { 'content-type': 'application/json', authorization: `Bearer ${key}`, ...(timeoutMs ? { 'x-request-timeout-ms': String(timeoutMs) } : {}) },
      JSON.stringify({ instances: [record(i)] }),
    );
  const deploy = async (name: string, extra: object) => {
    await graphql(hub, `mutation($input: CreateDeploymentInput!) { createDeployment(input: $input) { id } }`, { input: { name, model: `${user.username}/m`, ...extra } }, user.token);
  };
  const undeploy = (name: string) => graphql(hub, `mutation($o: String!, $n: String!) { deleteDeployment(owner: $o, name: $n) }`, { o: user.username, n: name }, user.token);
  const { tf, backend } = await loadBestBackend();

  /** Trains model `m` with these hidden layers as version `number` (CREATE MODEL again adds one). */
  async function train(hidden: number[]): Promise<number> {
    const created = await graphql(hub, `mutation($q: String!) { runSql(query: $q) { rows } }`, {
      q: `CREATE OR REPLACE MODEL ${user.username}.m OPTIONS (model_type = 'dnn_classifier', input_label_cols = ['kind'], hidden_units = ${JSON.stringify(hidden)}, epochs = 2, early_stop = FALSE)
          AS SELECT a, b, color, kind FROM ${user.username}.train`,
    }, user.token);
    for (;;) {
      const { job } = await graphql(hub, `query($id: ID!) { job(id: $id) { status error } }`, { id: created.runSql.rows[0][0] }, user.token);
      if (job.status === 'SUCCEEDED') break;
      if (['FAILED', 'CANCELED'].includes(job.status)) throw new Error(`training failed: ${job.error}`);
      await sleep(100);
    }
    const { model } = await graphql(hub, `query($o: String!) { model(owner: $o, name: "m") { versions { number } } }`, { o: user.username }, user.token);
    return Math.max(...model.versions.map((v: { number: number }) => v.number));
  }

  /** The version's artifact as this process loads it (the in-process reference and the direct agent). */
  async function artifact(version: number) {
    const { modelVersion } = await graphql(
      hub,
      `query($o: String!, $v: Int!) { modelVersion(owner: $o, name: "m", number: $v) { id files { path sha256 size } signature { features { name type preprocessing { kind mean std vocabulary } } labels } } }`,
      { o: user.username, v: version },
      user.token,
    );
    const features: FeatureSpec[] = modelVersion.signature.features.map((f: any) => ({
      name: f.name,
      type: f.type.toLowerCase(),
      preprocessing: f.preprocessing.kind === 'STANDARDIZE' ? { kind: 'standardize', mean: f.preprocessing.mean, std: f.preprocessing.std } : { kind: 'one_hot', vocabulary: f.preprocessing.vocabulary },
    }));
    const files = new Map<string, Buffer>();
    for (const f of modelVersion.files as { path: string }[]) {
      const res = await fetch(`${hub.url}/api/models/${user.username}/m/versions/${version}/${f.path}`, { headers: { authorization: `Bearer ${user.token}` } });
      files.set(f.path, Buffer.from(await res.arrayBuffer()));
    }
    return { id: modelVersion.id as string, labels: modelVersion.signature.labels as string[], features, files };
  }

  /** Part 1 for one version: batching on, off, and in-process predict one request at a time. */
  async function throughput(version: number, hidden: number[]) {
    const results: { name: string; seconds: number; shots: Shot[]; cpu: number }[] = [];
    const variants = [
      [`batched-${version}`, { maxBatchSize: 64, maxQueueDelayMs: 2 }],
      [`unbatched-${version}`, { maxBatchSize: 1, maxQueueDelayMs: 0 }],
    ] as const;
    // Both deployed and warmed up first, then measured one after the other.
    for (const [name, batching] of variants) await deploy(name, { version, minReplicas: 1, maxReplicas: 1, batching });
    for (const [name] of variants) {
      await waitReady(hub, user.token, user.username, name, 1);
      await fire(500, SETTINGS.clients, viaHub(name)); // warm-up
    }
    for (const [name] of variants) {
      const cpuBefore = cpuSeconds(hub.pid) ?? 0;
      const run = await fire(SETTINGS.requests, SETTINGS.clients, viaHub(name));
      results.push({ name, ...run, cpu: (cpuSeconds(hub.pid) ?? 0) - cpuBefore });
    }
    for (const [name] of variants) await undeploy(name);

    // (b) The downloaded artifact in this process, one request at a time.
    const served = await artifact(version);
    const { features, files } = served;
    const json = JSON.parse(files.get('model.json')!.toString());
    const weightData = tf.io.concatenateArrayBuffers(json.weightsManifest.flatMap((g: { paths: string[] }) => g.paths.map((p) => new Uint8Array(files.get(p)!).buffer)));
    const model = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest.flatMap((g: { weights: unknown[] }) => g.weights), weightData }));
    const encoder = new FeatureEncoder(features);
    const predictOne = async (i: number) => {
      const y = tf.tidy(() => model.predict(tf.tensor2d(encoder.encodeRecord(record(i)), [1, encoder.width])) as tfjs.Tensor);
      await y.data();
      y.dispose();
    };
    for (let i = 0; i < 50; i++) await predictOne(i); // warm-up
    const direct: number[] = [];
    const directStarted = performance.now();
    for (let i = 0; i < SETTINGS.requests; i++) {
      const t = performance.now();
      await predictOne(i);
      direct.push(performance.now() - t);
    }
    const directSeconds = (performance.now() - directStarted) / 1000;
    // (c) The same rows in batches of 64: what batching could reach with no trip at all.
    const predictBatch = async (from: number, size: number) => {
      const rows = new Float32Array(size * encoder.width);
      for (let k = 0; k < size; k++) rows.set(encoder.encodeRecord(record(from + k)), k * encoder.width);
      const y = tf.tidy(() => model.predict(tf.tensor2d(rows, [size, encoder.width])) as tfjs.Tensor);
      await y.data();
      y.dispose();
    };
    for (let i = 0; i < 5; i++) await predictBatch(i * 64, 64); // warm-up
    const batchStarted = performance.now();
    for (let i = 0; i < SETTINGS.requests; i += 64) await predictBatch(i, Math.min(64, SETTINGS.requests - i));
    const batchRowsPerSecond = SETTINGS.requests / ((performance.now() - batchStarted) / 1000);
    model.dispose();
    // (d) The same requests answered by an empty HTTP server.
    const empty = await emptyHttpServer();
    const toEmpty = (i: number) => post(`${empty.url}/v1/models/x.y:predict`, { 'content-type': 'application/json' }, JSON.stringify({ instances: [record(i)] }));
    await fire(500, SETTINGS.clients, toEmpty); // warm-up
    const emptyCpu = empty.cpu();
    const floor = await fire(SETTINGS.requests, SETTINGS.clients, toEmpty);
    const floorRow = { name: 'empty', ...floor, cpu: empty.cpu() - emptyCpu };

    const rps = (r: { shots: Shot[]; seconds: number }) => r.shots.filter((x) => x.status === 200).length / r.seconds;
    const [batched, unbatched] = results;
    const directRps = SETTINGS.requests / directSeconds;
    console.log(`\n1. throughput, hidden_units ${JSON.stringify(hidden)}, ${SETTINGS.clients} clients, one replica on one local agent (in-process backend: ${backend})`);
    const s = (shots: Shot[]) => summarize(shots.map((x) => x.ms));
    const row = (label: string, r: (typeof results)[number]) => [
      label,
      `${r.shots.filter((x) => x.status === 200).length}/${r.shots.length}`,
      fmt(rps(r), 0),
      fmt(s(r.shots).p50),
      fmt(s(r.shots).p99),
      ratio(rps(r), directRps),
      fmt((r.cpu / SETTINGS.requests) * 1000, 3),
    ];
    console.log(
      table(
        ['', 'ok', 'requests/s', 'p50 ms', 'p99 ms', 'vs per-request predict', 'hub CPU s / 1,000 req'],
        [
          row('through the hub, dynamic batching (64, 2 ms)', batched),
          row('through the hub, batching off', unbatched),
          ['in-process model.predict, one at a time', `${SETTINGS.requests}`, fmt(directRps, 0), fmt(summarize(direct).p50), fmt(summarize(direct).p99), '1.00×', ''],
          ['in-process model.predict, batches of 64 (rows/s: the ceiling)', `${SETTINGS.requests}`, fmt(batchRowsPerSecond, 0), '', '', ratio(batchRowsPerSecond, directRps), ''],
          row('an empty node:http server, same clients (no hub, no model: the most any HTTP door answers here; its CPU)', floorRow),
        ],
      ),
    );
    console.log(`batching vs batching off: ${ratio(rps(batched), rps(unbatched))}`);
    return { version, ...served };
  }

  const part = (n: number) => SETTINGS.parts.includes(n);
  const lightVersion = await train(SETTINGS.hidden);
  const { version: light, id: lightId, labels, features, files } = part(1) ? await throughput(lightVersion, SETTINGS.hidden) : { version: lightVersion, ...(await artifact(lightVersion)) };
  if (part(1) && SETTINGS.heavyHidden.length > 0) await throughput(await train(SETTINGS.heavyHidden), SETTINGS.heavyHidden);

  // 2. Low load: one client, through the hub vs straight to an agent.
  if (part(2)) {
    await deploy('single', { version: light, minReplicas: 1, maxReplicas: 1, batching: { maxBatchSize: 1, maxQueueDelayMs: 0 } });
    await waitReady(hub, user.token, user.username, 'single', 1);
    const payload: ServePayload = {
      deploymentId: randomUUID(),
      model: `${user.username}.m@${light}`,
      versionId: lightId,
      versionNumber: light,
      task: 'classification',
      features,
      labels,
      files: ['model.json', ...[...files.keys()].filter((p) => p !== 'model.json')].map((p) => ({ path: p, sha256: createHash('sha256').update(files.get(p)!).digest('hex'), size: files.get(p)!.length })),
      batching: { maxBatchSize: 1, maxQueueDelayMs: 0 },
      maxQueue: 256,
    };
    const straight = await directAgent(payload, files);
    await startAgent(straight.url, 'direct-token', 'direct');
    await straight.ready;
    const lowHub: number[] = [];
    const lowDirect: number[] = [];
    for (let i = 0; i < 50; i++) {
      await viaHub('single')(i);
      await straight.infer(record(i));
    }
    for (let i = 0; i < SETTINGS.lowLoadRequests; i++) {
      let t = performance.now();
      await viaHub('single')(i);
      lowHub.push(performance.now() - t);
      t = performance.now();
      await straight.infer(record(i));
      lowDirect.push(performance.now() - t);
    }
    const hubLow = summarize(lowHub);
    const directLow = summarize(lowDirect);
    console.log('\n2. low load: one client, one record per request, batching off');
    console.log(
      table(
        ['', 'p50 ms', 'p99 ms'],
        [
          ['through the hub (HTTP TF Serving → router → agent)', fmt(hubLow.p50, 3), fmt(hubLow.p99, 3)],
          ['straight to the agent (infer.request over its socket)', fmt(directLow.p50, 3), fmt(directLow.p99, 3)],
          ['the hub’s added latency (p50 difference)', fmt(hubLow.p50 - directLow.p50, 3), ''],
        ],
      ),
    );
  }

  // 3. One slow replica among four.
  if (part(3)) {
    for (const name of ['fast-2', 'fast-3']) await startAgent(hub.url, await node(name), name, ['--slots', '4']);
    await startAgent(hub.url, await node('slow'), 'slow', ['--slots', '4', '--label', 'slow'], { AIMASS_AGENT_SERVE_DELAY_MS: '2000' });
    await deploy('mixed', { version: light, minReplicas: 4, maxReplicas: 4 });
    await waitReady(hub, user.token, user.username, 'mixed', 4);
    const mixed = await fire(1000, 8, viaHub('mixed'));
    const mixedStats = summarize(mixed.shots.map((x) => x.ms));
    console.log('\n3. one replica taking 2 s per request among four, 8 clients, 1,000 requests');
    console.log(
      table(
        ['ok', 'p50 ms', 'p99 ms', 'share under 1 s'],
        [[`${mixed.shots.filter((x) => x.status === 200).length}/${mixed.shots.length}`, fmt(mixedStats.p50), fmt(mixedStats.p99), `${fmt((100 * mixed.shots.filter((x) => x.ms < 1000).length) / mixed.shots.length, 1)} %`]],
      ),
    );
  }

  // 4. Overload: one replica, 2 s per request, one at a time.
  if (part(4)) {
    await deploy('tiny', { version: light, minReplicas: 1, maxReplicas: 1, requirements: { labels: ['slow'] }, batching: { maxBatchSize: 1, maxQueueDelayMs: 0 } });
    await waitReady(hub, user.token, user.username, 'tiny', 1);
    // In use before the rush, so the hub has measured it (a cold replica's first wave waits out its deadline instead).
    for (let i = 0; i < 2; i++) await viaHub('tiny', 20_000)(i);
    let loading = true;
    const probes: number[] = [];
    const prober = (async () => {
      while (loading) {
        const t = performance.now();
        await (await fetch(`${hub.url}/readyz`)).arrayBuffer();
        probes.push(performance.now() - t);
      }
    })();
    const over = await fire(400, 200, viaHub('tiny', 5000));
    loading = false;
    await prober;
    const refused = over.shots.filter((x) => x.status === 429 || x.status === 503);
    const refusedStats = summarize(refused.map((x) => x.ms));
    console.log('\n4. overload: 400 requests from 200 clients at one replica that takes 2 s per request, one at a time');
    console.log(
      table(
        ['answered 200', 'refused 429/503', 'deadline 504', 'refusal p50 ms', 'refusal p99 ms', '/readyz p99 ms'],
        [[over.shots.filter((x) => x.status === 200).length, refused.length, over.shots.filter((x) => x.status === 504).length, fmt(refusedStats.p50), fmt(refusedStats.p99), fmt(summarize(probes).p99)]],
      ),
    );
  }
});
