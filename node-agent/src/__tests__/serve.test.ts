import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type * as tfjs from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FeatureEncoder, JOB_KINDS, type FeatureSpec, type ServePayload } from '../../../schema/index.js';
import type { InferAnswer, JobContext, ReplicaLoadSnapshot, ServeRequest } from '../jobs/job-handler.js';
import { serve } from '../jobs/serve/serve.js';
import { sha256Hex } from '../jobs/serve/file-cache.js';
import { loadBestBackend, type LoadedTf } from '../tf/load-backend.js';

const features: FeatureSpec[] = [
  { name: 'x', type: 'number', preprocessing: { kind: 'standardize', mean: 2, std: 4 } },
  { name: 'color', type: 'category', preprocessing: { kind: 'one_hot', vocabulary: ['red', 'blue', '__missing__'] } },
];
const labels = ['a', 'b', 'c'];

/** A tiny classifier saved the way the trainer saves one: model.json plus one weight shard. */
async function buildModel(tf: LoadedTf['tf']) {
  const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [4], units: 5, activation: 'relu' }), tf.layers.dense({ units: 3, activation: 'softmax' })] });
  let artifacts!: tfjs.io.ModelArtifacts;
  await model.save(tf.io.withSaveHandler(async (a) => ((artifacts = a), { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } })));
  const json = new TextEncoder().encode(JSON.stringify({ modelTopology: artifacts.modelTopology, weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights: artifacts.weightSpecs }] }));
  const weights = new Uint8Array(artifacts.weightData as ArrayBuffer);
  return { model, files: new Map([['model.json', json], ['group1-shard1of1.bin', weights]]) };
}

function harness(files: Map<string, Uint8Array>, cacheDir: string, overrides: Partial<ServePayload> = {}, delayMs = 0) {
  const payload: ServePayload = JOB_KINDS.serve.payload.parse({
    deploymentId: '00000000-0000-4000-8000-000000000001',
    model: 'alice.tiny@1',
    versionId: '00000000-0000-4000-8000-000000000002',
    versionNumber: 1,
    task: 'classification',
    features,
    labels,
    files: [...files].map(([p, bytes]) => ({ path: p, sha256: sha256Hex(bytes), size: bytes.length })),
    batching: { maxBatchSize: 16, maxQueueDelayMs: 20 },
    maxQueue: 8,
    ...overrides,
  });
  const fetched: string[] = [];
  const answers = new Map<string, InferAnswer>();
  const loads: ReplicaLoadSnapshot[] = [];
  let handler: ((request: ServeRequest) => void) | undefined;
  let drain: (() => void) | undefined;
  let markReady!: (warmupMs: number) => void;
  const ready = new Promise<number>((resolve) => (markReady = resolve));
  const waiters: (() => void)[] = [];
  const controller = new AbortController();
  const ctx: JobContext<'serve'> = {
    jobId: '00000000-0000-4000-8000-000000000003',
    attempt: 1,
    payload,
    signal: controller.signal,
    progress: () => undefined,
    tf: () => loadBestBackend(),
    hubFetch: async (url) => {
      const parsed = new URL(url, 'http://hub');
      expect(parsed.pathname).toBe('/serve/file');
      const name = parsed.searchParams.get('path')!;
      fetched.push(name);
      const bytes = files.get(name);
      return bytes ? new Response(bytes.slice()) : new Response('{"error":{"message":"no such file"}}', { status: 404 });
    },
    serving: {
      cacheDir,
      delayMs,
      onRequest: (h) => (handler = h),
      onDrain: (d) => (drain = d),
      answer: (answer) => {
        answers.set(answer.requestId, answer);
        for (const wake of waiters.splice(0)) wake();
      },
      ready: (warmupMs) => markReady(warmupMs),
      load: (load) => loads.push(load),
    },
  };
  let n = 0;
  const send = (records: unknown[], deadlineMs = 10_000) => {
    const requestId = `req-${++n}`;
    const receivedAt = performance.timeOrigin + performance.now();
    handler!({ requestId, records: records as ServeRequest['records'], receivedAt, deadlineAt: receivedAt + deadlineMs });
    return requestId;
  };
  const answer = async (requestId: string): Promise<InferAnswer> => {
    while (!answers.has(requestId)) await new Promise<void>((resolve) => waiters.push(resolve));
    return answers.get(requestId)!;
  };
  const run = serve(ctx);
  run.catch(() => undefined);
  return { ctx, controller, run, ready, send, answer, fetched, loads, drain: () => drain!() };
}

describe('serve job (real TF.js, files from a fake job route)', () => {
  let tf: LoadedTf['tf'];
  let built: Awaited<ReturnType<typeof buildModel>>;
  let cacheDir: string;

  beforeAll(async () => {
    tf = (await loadBestBackend()).tf;
    built = await buildModel(tf);
    cacheDir = await mkdtemp(path.join(os.tmpdir(), 'aimass-serve-test-'));
  });
  afterAll(async () => {
    built.model.dispose();
    await rm(cacheDir, { recursive: true, force: true });
  });

  it('loads the version, warms up, and answers raw records batched into one call with model.predict’s outputs', async () => {
    const h = harness(built.files, cacheDir);
    expect(await h.ready).toBeGreaterThan(0);
    expect(h.fetched.sort()).toEqual(['group1-shard1of1.bin', 'model.json']);
    const requests = [
      [{ x: 1, color: 'red' }, { x: -3.5, color: 'blue' }],
      [{ x: null, color: 'green' }],
      [{ x: '7', extra: 'ignored' }, { color: 'red', x: true }, { x: 1e6, color: null }],
    ];
    const ids = requests.map((records) => h.send(records));
    const answers = await Promise.all(ids.map((id) => h.answer(id)));

    const encoder = new FeatureEncoder(features);
    const rows = requests.flat();
    const expected = tf.tidy(() => (built.model.predict(tf.tensor2d(rows.flatMap((r) => [...encoder.encodeRecord(r)]), [rows.length, 4])) as tfjs.Tensor).arraySync()) as number[][];
    let at = 0;
    answers.forEach((answer, i) => {
      expect(answer.error).toBeUndefined();
      expect(answer.batchSize).toBe(6); // the three requests arrived within 20 ms: one call
      expect(answer.outputs).toHaveLength(requests[i].length);
      answer.outputs!.forEach((row, r) => {
        expect(row).toHaveLength(3);
        row.forEach((p, c) => expect(p).toBeCloseTo(expected[at + r][c], 5));
      });
      at += requests[i].length;
      expect(answer.queueMs).toBeGreaterThanOrEqual(0);
      expect(answer.computeMs).toBeGreaterThan(0);
    });
    await expect.poll(() => h.loads.at(-1)).toMatchObject({ inFlight: 0, queued: 0, requests: 3 });
    expect(h.loads.at(-1)!.latencyMs).toBeGreaterThan(0);

    h.controller.abort();
    await expect(h.run).rejects.toThrow();
  });

  it('answers BAD_INPUT for a record it cannot encode, alone, and keeps serving the others', async () => {
    const h = harness(built.files, cacheDir);
    await h.ready;
    const bad = h.send([{ x: 1 }, 'not a record']);
    const nested = h.send([{ x: { $gt: 1 } }]);
    const good = h.send([{ x: 1, color: 'red' }]);
    expect(await h.answer(bad)).toMatchObject({ error: { code: 'BAD_INPUT', message: 'record 1 is not an object of feature values' }, batchSize: 0 });
    expect(await h.answer(nested)).toMatchObject({ error: { code: 'BAD_INPUT', message: expect.stringContaining('"x"') } });
    expect(await h.answer(good)).toMatchObject({ batchSize: 1, outputs: [expect.any(Array)] });
    h.controller.abort();
    await expect(h.run).rejects.toThrow();
  });

  it('reads the files from the cache the second time, and refuses files that do not match their hash', async () => {
    const h = harness(built.files, cacheDir);
    await h.ready;
    expect(h.fetched).toEqual([]);
    h.controller.abort();
    await expect(h.run).rejects.toThrow();

    const tampered = new Map(built.files);
    const json = JSON.parse(new TextDecoder().decode(built.files.get('model.json')));
    json.weightsManifest[0].weights[0].name = 'renamed';
    tampered.set('model.json', new TextEncoder().encode(JSON.stringify(json)));
    // The payload promises the tampered file's hash, but the route serves the original bytes.
    const liar = harness(built.files, await mkdtemp(path.join(os.tmpdir(), 'aimass-serve-test-')), {
      files: [...tampered].map(([p, bytes]) => ({ path: p, sha256: sha256Hex(bytes), size: bytes.length })),
    });
    await expect(liar.run).rejects.toThrow(/model\.json downloaded from the hub is not the version's file/);
  });

  it('refuses a model whose shapes do not fit the features or labels, for good', async () => {
    const h = harness(built.files, cacheDir, { labels: ['a', 'b'] });
    await expect(h.run).rejects.toThrow(/outputs of shape \[null,3\], not 2 per row/);
  });

  it('answers DEADLINE for work past its deadline, UNAVAILABLE for what it holds when stopped, and drains', async () => {
    const h = harness(built.files, cacheDir, { batching: { maxBatchSize: 1, maxQueueDelayMs: 0 } }, 200);
    await h.ready;
    const first = h.send([{ x: 1 }]); // computes for at least 200 ms (the fault-rehearsal delay)
    const late = h.send([{ x: 2 }], 50);
    const held = h.send([{ x: 3 }]);
    const a = await h.answer(first);
    expect(a.computeMs).toBeGreaterThanOrEqual(200);
    expect(await h.answer(late)).toMatchObject({ error: { code: 'DEADLINE' }, batchSize: 0 });
    h.controller.abort();
    // `held` started computing when `late` was dropped: stopping lets that call finish and answer.
    expect(await h.answer(held)).toMatchObject({ batchSize: 1, outputs: [expect.any(Array)] });
    await expect(h.run).rejects.toThrow();

    const d = harness(built.files, cacheDir, { batching: { maxBatchSize: 4, maxQueueDelayMs: 1000 } });
    await d.ready;
    const waiting = d.send([{ x: 1 }]);
    d.drain(); // runs what waits at once instead of gathering for 1 s
    expect(await d.answer(waiting)).toMatchObject({ batchSize: 1, outputs: [expect.any(Array)] });
    expect(await d.answer(d.send([{ x: 1 }]))).toMatchObject({ error: { code: 'UNAVAILABLE' } });
    d.controller.abort();
    await expect(d.run).rejects.toThrow();
  });

  it('answers UNAVAILABLE to waiting requests when canceled', async () => {
    const h = harness(built.files, cacheDir, { batching: { maxBatchSize: 8, maxQueueDelayMs: 1000 } });
    await h.ready;
    const waiting = h.send([{ x: 1 }]);
    h.controller.abort();
    expect(await h.answer(waiting)).toMatchObject({ error: { code: 'UNAVAILABLE', message: 'the replica was stopped' }, batchSize: 0 });
    await expect(h.run).rejects.toThrow();
  });
});
