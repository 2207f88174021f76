/**
 * `npm run bench` (after the other benchmarks), or `npm run bench:leaderboards` alone: the
 * verified-evaluation benchmark, all figures from one run on one machine:
 *
 *  1. evaluation compute with verification against one unverified run: the same submission of a
 *     public 3-class model to a benchmark with BENCH_EVAL_ROWS hidden rows (default 10,000), on
 *     two hubs side by side — one unverified (AIMASS_EVALUATION_QUORUM=1, no spot checks), one
 *     verified (the defaults, AIMASS_EVALUATION_TRUSTED_AFTER=BENCH_TRUSTED_AFTER, default 2) —
 *     answered by in-process agents of two owners that read the hidden rows, predict with TF.js
 *     and post the outputs. Per evaluation: the runs, the agents' busy seconds (reading,
 *     predicting, posting), the hub's CPU seconds (its spot check, agreement check and scoring),
 *     and their sum against the unverified evaluation's, for new nodes and once they are trusted;
 *  2. submission → leaderboard latency: from submitToBenchmark to the submission SCORED, on each;
 *  3. the hub's CPU to score BENCH_SCORE_ROWS (default 100,000) predictions of a 3-class model
 *     (accuracy, macro F1, log loss and the 1000-resample bootstrap interval), and to check two
 *     runs of that size agree, in this process with the hub's own code.
 *
 * Needs PostgreSQL (DATABASE_URL as an admin connection, else a throwaway server). Every hub and
 * temporary file it starts is removed before it exits, on failure and on Ctrl-C too.
 */
import { performance } from 'node:perf_hooks';
import * as tf from '@tensorflow/tfjs';
import WebSocket from 'ws';
import { PROTOCOL_VERSION } from '../../schema/index.js';
import { cpuSeconds } from './proc-stats.js';
import { fmt, graphql, intEnv, ratio, runBenchmark, setUpDatabase, signUp, startHub, table, type Database, type Hub } from './harness.js';

const SETTINGS = {
  evalRows: intEnv('BENCH_EVAL_ROWS', 10_000),
  scoreRows: intEnv('BENCH_SCORE_ROWS', 100_000),
  trustedAfter: intEnv('BENCH_TRUSTED_AFTER', 2),
};
const CLASSES = ['low', 'mid', 'high'];
/**
 * The hub's own scoring and agreement code, loaded from its build at run time: importing them here
 * would type-check the hub's domain index files without the rest of the hub.
 */
const built = (file: string) => import(new URL(`../../hub/src/leaderboards/${file}`, import.meta.url).href);
const { scoreBenchmarkRun } = await built('benchmark-run-score.js');
const { disagreements } = await built('verification/agreement.js');
const CHUNK = 1000;

function dataset(n: number): string {
  const lines = ['a,b,c,kind'];
  for (let i = 0; i < n; i++) {
    const a = (i * 7919) % 1000 / 100;
    const b = (i * 104729) % 997 / 100;
    const c = (i * 31) % 10;
    const z = a - b + c / 5;
    lines.push(`${a},${b},${c},${z < -1 ? 'low' : z < 2 ? 'mid' : 'high'}`);
  }
  return lines.join('\n') + '\n';
}

async function modelFiles(): Promise<{ files: Map<string, Uint8Array>; model: tf.LayersModel }> {
  await tf.setBackend('cpu');
  const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [3], units: 8, activation: 'relu' }), tf.layers.dense({ units: 3, activation: 'softmax' })] });
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(tf.io.withSaveHandler(async (a) => ((saved = a), { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } })));
  const data = saved!.weightData!;
  const weights = new Uint8Array(Array.isArray(data) ? Buffer.concat(data.map((d) => Buffer.from(d))) : Buffer.from(data as ArrayBuffer));
  const manifest = { format: 'layers-model', generatedBy: 'bench', convertedBy: null, modelTopology: saved!.modelTopology, weightsManifest: [{ paths: ['weights.bin'], weights: saved!.weightSpecs }] };
  return { files: new Map([['model.json', new TextEncoder().encode(JSON.stringify(manifest))], ['weights.bin', weights]]), model };
}

/** An agent in this process: answers predict jobs with the model's outputs; `busy` adds up its seconds per job. */
class PredictAgent {
  busy = 0;
  runs = 0;
  private socket!: WebSocket;
  constructor(private readonly hub: Hub, private readonly model: tf.LayersModel) {}

  async connect(token: string): Promise<void> {
    this.socket = new WebSocket(this.hub.wsUrl);
    await new Promise((resolve, reject) => this.socket.once('open', resolve).once('error', reject));
    const welcomed = new Promise<void>((resolve) => {
      this.socket.on('message', (d) => {
        const m = JSON.parse(d.toString());
        if (m.type === 'welcome') resolve();
        if (m.type === 'job.assign' && m.kind === 'predict') void this.serve(m).catch((e) => console.error(`agent: ${(e as Error).message}`));
      });
    });
    this.socket.send(JSON.stringify({ type: 'hello', protocolVersion: PROTOCOL_VERSION, token, agentVersion: 'bench', running: [], capabilities: { backend: 'cpu', cpuCores: 1, memoryBytes: 1e9, gpu: null, slots: 1, labels: [] } }));
    await welcomed;
  }

  private async serve(assign: any): Promise<void> {
    const start = performance.now();
    const call = (path: string, init: RequestInit = {}) =>
      fetch(`${this.hub.url}/api/jobs/${assign.jobId}${path}`, { ...init, headers: { authorization: `Bearer ${assign.jobToken}`, ...(init.headers ?? {}) } });
    for (let offset = 0; ; ) {
      const chunk = await (await call(`/ml/rows?offset=${offset}&limit=${CHUNK}`)).json();
      const rows = chunk.rows as number[][];
      if (rows.length > 0) {
        const outputs = tf.tidy(() => (this.model.predict(tf.tensor2d(rows.map((r) => [(r[0] - 5) / 3, (r[1] - 5) / 3, (r[2] - 4.5) / 3]))) as tf.Tensor).arraySync() as number[][]);
        const res = await call('/ml/predictions', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ offset, outputs }) });
        if (res.status !== 200) throw new Error(`predictions refused: ${res.status} ${await res.text()}`);
      }
      offset += rows.length;
      if (rows.length < CHUNK) break;
    }
    this.busy += (performance.now() - start) / 1000;
    this.runs++;
    this.socket.send(JSON.stringify({ type: 'job.started', jobId: assign.jobId, attempt: assign.attempt }));
    this.socket.send(JSON.stringify({ type: 'job.succeeded', jobId: assign.jobId, attempt: assign.attempt, result: { rows: assign.payload.rowCount } }));
  }

  close(): void {
    this.socket?.close();
  }
}

interface Evaluation {
  runs: number;
  agentSeconds: number;
  hubCpu: number;
  latency: number;
}

/** A hub with the benchmark, the model and two owners' agents, ready to evaluate. */
async function prepare(db: Database, env: Record<string, string>, files: Map<string, Uint8Array>, model: tf.LayersModel) {
  const hub = await startHub(db, { AIMASS_TRAIN_CHUNK_ROWS: String(CHUNK), AIMASS_EVALUATION_TRUSTED_AFTER: String(SETTINGS.trustedAfter), ...env });
  const alice = await signUp(hub);
  await graphql(hub, `mutation($input: CreateDatasetInput!) { createDataset(input: $input) { id } }`, { input: { name: 'points', visibility: 'PUBLIC' } }, alice.token);
  const up = await fetch(`${hub.url}/api/datasets/${alice.username}/points/versions`, { method: 'POST', headers: { 'content-type': 'text/csv', authorization: `Bearer ${alice.token}` }, body: dataset(SETTINGS.evalRows * 2) });
  if (up.status !== 201) throw new Error(`upload failed: ${up.status} ${await up.text()}`);
  await graphql(
    hub,
    `mutation($input: CreateBenchmarkInput!) { createBenchmark(input: $input) { id } }`,
    { input: { name: 'points', dataset: `${alice.username}/points@1`, label: 'kind', task: 'CLASSIFICATION', metric: 'ACCURACY', visibility: 'PUBLIC', split: { testFraction: 0.5, publicFraction: 0.5, seed: 1 }, rules: { submissionsPerDay: 1000 } } },
    alice.token,
  );
  await graphql(hub, `mutation($input: CreateModelInput!) { createModel(input: $input) { id } }`, { input: { name: 'net', visibility: 'PUBLIC' } }, alice.token);
  const form = new FormData();
  for (const [p, bytes] of files) form.append('files', new Blob([bytes as BlobPart]), p);
  const res = await fetch(`${hub.url}/api/models/${alice.username}/net/versions`, { method: 'POST', headers: { authorization: `Bearer ${alice.token}` }, body: form });
  if (res.status !== 201) throw new Error(`model upload failed: ${res.status} ${await res.text()}`);
  await graphql(
    hub,
    `mutation($input: ModelVersionMetadataInput!, $o: String!) { setModelVersionMetadata(owner: $o, name: "net", number: 1, input: $input) { number } }`,
    {
      o: alice.username,
      input: { labels: CLASSES, features: [['a', 5], ['b', 5], ['c', 4.5]].map(([name, mean]) => ({ name, type: 'NUMBER', preprocessing: { kind: 'STANDARDIZE', mean, std: 3 } })) },
    },
    alice.token,
  );
  const agents: PredictAgent[] = [];
  for (let i = 0; i < 2; i++) {
    const owner = await signUp(hub);
    const { registerNode } = await graphql(hub, `mutation($n: String!) { registerNode(input: { name: $n }) { token } }`, { n: `bench-${i}` }, owner.token);
    const agent = new PredictAgent(hub, model);
    await agent.connect(registerNode.token);
    agents.push(agent);
  }

  async function evaluate(): Promise<Evaluation> {
    const busy = agents.reduce((s, a) => s + a.busy, 0);
    const runs = agents.reduce((s, a) => s + a.runs, 0);
    const cpu = cpuSeconds(hub.pid) ?? 0;
    const start = performance.now();
    const { submitToBenchmark } = await graphql(
      hub,
      `mutation($b: BenchmarkRefInput!, $m: ModelVersionRefInput!) { submitToBenchmark(benchmark: $b, model: $m) { id } }`,
      { b: { owner: alice.username, name: 'points' }, m: { owner: alice.username, name: 'net', version: 1 } },
      alice.token,
    );
    for (;;) {
      const { benchmark } = await graphql(hub, `query($o: String!) { benchmark(owner: $o, name: "points") { mySubmissions { id status error } } }`, { o: alice.username }, alice.token);
      const s = benchmark.mySubmissions.find((x: any) => x.id === submitToBenchmark.id);
      if (s.status === 'FAILED') throw new Error(`evaluation failed: ${s.error}`);
      if (s.status === 'SCORED') break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const latency = (performance.now() - start) / 1000;
    return { runs: agents.reduce((s, a) => s + a.runs, 0) - runs, agentSeconds: agents.reduce((s, a) => s + a.busy, 0) - busy, hubCpu: (cpuSeconds(hub.pid) ?? 0) - cpu, latency };
  }

  return {
    hub,
    evaluate,
    async stop() {
      for (const a of agents) a.close();
      await hub.stop();
    },
  };
}

async function scoring(n: number): Promise<{ score: number; agree: number }> {
  let s = 7;
  const uniform = () => ((s = (s * 16807) % 2147483647) - 1) / 2147483646;
  const outputs = Array.from({ length: n }, (_, i) => {
    const p = [uniform(), uniform(), uniform()];
    const sum = p[0] + p[1] + p[2];
    return { key: i + 1, output: p.map((x) => x / sum) };
  });
  const labels = outputs.map((o) => ({ key: o.key, label: CLASSES[Math.floor(uniform() * 3)], part: (o.key % 2 ? 'public' : 'private') as 'public' | 'private' }));
  const cpu = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1e6;
  };
  let t = cpu();
  await scoreBenchmarkRun(
    {
      outputs: async (after: number, limit: number) => outputs.slice(after, after + limit),
      labels: async (after: number, limit: number) => {
        const rows = labels.slice(after, after + limit);
        return { rows, next: after + limit < labels.length ? rows[rows.length - 1].key : null };
      },
    },
    { task: 'classification', metric: 'accuracy', secondaryMetrics: ['macro_f1', 'log_loss'] },
    CLASSES,
  );
  const score = cpu() - t;
  const a = new Map(outputs.map((o) => [o.key, o.output]));
  const b = new Map(outputs.map((o) => [o.key, o.output.map((x) => x * (1 + 1e-7))]));
  t = cpu();
  if (disagreements('classification', a, b, 1e-3) !== 0) throw new Error('the agreement check disagreed with itself');
  return { score, agree: cpu() - t };
}

await runBenchmark(async () => {
  console.log(`verified evaluation: ${SETTINGS.evalRows} hidden rows, trusted after ${SETTINGS.trustedAfter} clean results, scoring ${SETTINGS.scoreRows} predictions`);
  const db = await setUpDatabase();
  const { files, model } = await modelFiles();

  const plain = await prepare(db, { AIMASS_EVALUATION_QUORUM: '1', AIMASS_EVALUATION_SPOT_ROWS: '0' }, files, model);
  await plain.evaluate(); // warm-up: the hub's first scoring, the agents' first TF.js predict
  const unverified = await plain.evaluate();
  await plain.stop();

  const verifiedHub = await prepare(db, {}, files, model);
  const fresh: Evaluation[] = [];
  for (let i = 0; i < SETTINGS.trustedAfter; i++) fresh.push(await verifiedHub.evaluate());
  const trusted = [await verifiedHub.evaluate(), await verifiedHub.evaluate()];
  await verifiedHub.stop();

  const compute = (e: Evaluation) => e.agentSeconds + e.hubCpu;
  const row = (name: string, e: Evaluation) => [name, e.runs, fmt(e.agentSeconds), fmt(e.hubCpu), fmt(compute(e)), ratio(compute(e), compute(unverified)), fmt(e.latency)];
  console.log(
    table(
      ['evaluation', 'runs', 'agents s', 'hub CPU s', 'compute s', 'vs unverified', 'submission → board s'],
      [
        row('unverified (one run)', unverified),
        row('verified, new nodes (first)', fresh[0]),
        ...(fresh[1] ? [row('verified, new nodes (second)', fresh[1])] : []),
        row('verified, trusted (1)', trusted[0]),
        row('verified, trusted (2)', trusted[1]),
      ],
    ),
  );
  const s = await scoring(SETTINGS.scoreRows);
  console.log(table(['hub CPU for ' + SETTINGS.scoreRows + ' predictions', 'seconds'], [['scoring (3 metrics, bootstrap interval)', fmt(s.score)], ['agreement check of two runs', fmt(s.agree)]]));
});
