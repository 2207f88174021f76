/**
 * The agent's side of serving, end to end against a fake hub that speaks the protocol: the real
 * built agent process downloads a replica's files from the job's file route, says replica.ready,
 * answers infer.request frames (one infer.result each, `type` and `requestId` first), reports its
 * replicas' load in heartbeats, answers UNAVAILABLE for unknown and canceled replicas, survives
 * malformed frames, and on SIGTERM answers what it holds before releasing the replica.
 */
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type * as tfjs from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { createHash } from 'node:crypto';
import { FeatureEncoder, PROTOCOL_VERSION, type FeatureSpec } from '../schema/index.js';
import { spawnAgent, type AgentProcess } from './support/agent.js';
import { waitFor } from './support/compute.js';

const features: FeatureSpec[] = [
  { name: 'x', type: 'number', preprocessing: { kind: 'standardize', mean: 1, std: 2 } },
  { name: 'kind', type: 'category', preprocessing: { kind: 'one_hot', vocabulary: ['p', 'q', '__missing__'] } },
];
const DELAY_MS = 150;
const sha256Hex = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

type Frame = Record<string, unknown> & { type: string };

describe('Serving replicas on a real agent process (fake hub)', () => {
  let tf: typeof tfjs;
  let model: tfjs.LayersModel;
  const files = new Map<string, Uint8Array>();
  let server: Server;
  let wss: WebSocketServer;
  let socket: WebSocket | undefined;
  const frames: { raw: string; frame: Frame }[] = [];
  const fileRequests: string[] = [];
  const tokens = new Map<string, string>();
  let agent: AgentProcess;
  let cacheDir: string;

  const send = (frame: object) => socket!.send(JSON.stringify(frame));
  const next = async (match: (f: Frame) => boolean, what: string): Promise<{ raw: string; frame: Frame }> => {
    let hit: { raw: string; frame: Frame } | undefined;
    await waitFor(what, async () => Boolean((hit = frames.find((f) => match(f.frame)))), 20_000);
    return hit!;
  };
  const result = (requestId: string) => next((f) => f.type === 'infer.result' && f.requestId === requestId, `infer.result ${requestId}`);

  function assign(jobId: string, batching: { maxBatchSize: number; maxQueueDelayMs: number }, maxQueue = 100) {
    tokens.set(jobId, `tok-${jobId}`);
    send({
      type: 'job.assign',
      jobId,
      attempt: 1,
      kind: 'serve',
      leaseExpiresAt: new Date(Date.now() + 60_000).toISOString(),
      jobToken: `tok-${jobId}`,
      payload: {
        deploymentId: '00000000-0000-4000-8000-0000000000d1',
        model: 'alice.tiny@1',
        versionId: '00000000-0000-4000-8000-0000000000f1',
        versionNumber: 1,
        task: 'regression',
        features,
        labels: [],
        files: [...files].map(([p, bytes]) => ({ path: p, sha256: sha256Hex(bytes), size: bytes.length })),
        batching,
        maxQueue,
      },
    });
  }

  beforeAll(async () => {
    tf = await import('@tensorflow/tfjs');
    model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [4], units: 1 })] });
    let artifacts!: tfjs.io.ModelArtifacts;
    await model.save(tf.io.withSaveHandler(async (a) => ((artifacts = a), { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } })));
    files.set('model.json', new TextEncoder().encode(JSON.stringify({ modelTopology: artifacts.modelTopology, weightsManifest: [{ paths: ['w.bin'], weights: artifacts.weightSpecs }] })));
    files.set('w.bin', new Uint8Array(artifacts.weightData as ArrayBuffer));

    server = createServer((req, res) => {
      const url = new URL(req.url!, 'http://hub');
      const match = /^\/api\/jobs\/([^/]+)\/serve\/file$/.exec(url.pathname);
      const bytes = files.get(url.searchParams.get('path') ?? '');
      if (!match || req.headers.authorization !== `Bearer ${tokens.get(match[1])}` || !bytes) {
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"message":"not found"}}');
        return;
      }
      fileRequests.push(`${match[1]} ${url.searchParams.get('path')}`);
      res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(bytes);
    });
    wss = new WebSocketServer({ server, path: '/agents' });
    wss.on('connection', (ws) => {
      socket = ws;
      ws.on('message', (data) => {
        const raw = data.toString();
        const frame = JSON.parse(raw) as Frame;
        frames.push({ raw, frame });
        if (frame.type === 'hello') ws.send(JSON.stringify({ type: 'welcome', protocolVersion: PROTOCOL_VERSION, nodeId: 'n1', nodeName: 'fake', heartbeatSeconds: 1, leaseSeconds: 30 }));
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    cacheDir = await mkdtemp(path.join(os.tmpdir(), 'aimass-serve-agent-'));
    agent = spawnAgent(['--hub', `http://127.0.0.1:${(server.address() as AddressInfo).port}`, '--token', 'amn_fake', '--slots', '2', '--cache-dir', cacheDir], {
      AIMASS_AGENT_SERVE_DELAY_MS: String(DELAY_MS),
    });
    await agent.waitFor(/connected to hub/);
  }, 60_000);

  afterAll(async () => {
    await agent?.stop();
    wss?.close();
    server?.close();
    model?.dispose();
    if (cacheDir) await rm(cacheDir, { recursive: true, force: true });
  });

  it('answers UNAVAILABLE at once for a replica it does not hold, with type and requestId leading the frame', async () => {
    send({ type: 'infer.request', requestId: 'nobody-1', jobId: '00000000-0000-4000-8000-00000000dead', records: [{ x: 1 }], deadlineMs: 1000 });
    const { raw, frame } = await result('nobody-1');
    expect(raw.startsWith('{"type":"infer.result","requestId":"nobody-1"')).toBe(true);
    expect(frame).toMatchObject({ error: { code: 'UNAVAILABLE' }, batchSize: 0 });
  });

  it('loads a replica from the file route, says ready, and answers batched requests with the model’s predictions', async () => {
    const jobId = '00000000-0000-4000-8000-000000000a01';
    // The four rows below fill a batch, which then leaves at once (a slow machine cannot split it).
    assign(jobId, { maxBatchSize: 4, maxQueueDelayMs: 1000 });
    await next((f) => f.type === 'job.started' && f.jobId === jobId, 'job.started');
    const ready = await next((f) => f.type === 'replica.ready' && f.jobId === jobId, 'replica.ready');
    expect(ready.frame).toMatchObject({ attempt: 1, warmupMs: expect.any(Number) });
    expect(fileRequests.sort()).toEqual([`${jobId} model.json`, `${jobId} w.bin`]);

    const records = [[{ x: 3, kind: 'p' }], [{ x: -1, kind: 'q' }, { x: null }], [{ x: '2.5', kind: 'zzz' }]];
    records.forEach((r, i) => send({ type: 'infer.request', requestId: `r${i}`, jobId, records: r, deadlineMs: 10_000 }));
    const answers = await Promise.all(records.map((_, i) => result(`r${i}`)));
    const encoder = new FeatureEncoder(features);
    const rows = records.flat();
    const expected = tf.tidy(() => (model.predict(tf.tensor2d(rows.flatMap((r) => [...encoder.encodeRecord(r)]), [rows.length, 4])) as tfjs.Tensor).arraySync()) as number[][];
    let at = 0;
    answers.forEach(({ raw, frame }, i) => {
      expect(raw.startsWith(`{"type":"infer.result","requestId":"r${i}"`)).toBe(true);
      expect(frame).toMatchObject({ jobId, batchSize: 4 });
      expect(frame.computeMs as number).toBeGreaterThanOrEqual(DELAY_MS);
      (frame.outputs as number[][]).forEach((row, r) => expect(row[0]).toBeCloseTo(expected[at + r][0], 4));
      at += records[i].length;
    });

    // Heartbeats carry the replica's load.
    const beat = await next((f) => f.type === 'heartbeat' && (f.replicas as { requests: number }[]).some((r) => r.requests >= 3), 'a heartbeat with the replica');
    expect((beat.frame.replicas as object[])[0]).toMatchObject({ jobId, inFlight: 0, queued: 0, requests: 3, latencyMs: expect.any(Number) });
  });

  it('survives malformed frames and huge requests from the hub', async () => {
    const jobId = '00000000-0000-4000-8000-000000000a01';
    socket!.send('{not json');
    send({ type: 'infer.request', requestId: 'bad-1', jobId, records: 'nope', deadlineMs: 1000 });
    send({ type: 'infer.request', requestId: 'bad-2', jobId, records: [{ x: { nested: true } }], deadlineMs: 1000 });
    const big = Array.from({ length: 20_000 }, (_, i) => ({ x: i, kind: i % 2 ? 'p' : 'q' }));
    send({ type: 'infer.request', requestId: 'big-1', jobId, records: big, deadlineMs: 30_000 });
    const answer = await result('big-1');
    expect(answer.frame).toMatchObject({ batchSize: 20_000 });
    expect(answer.frame.outputs).toHaveLength(20_000);
    expect(frames.some((f) => f.frame.requestId === 'bad-1' || f.frame.requestId === 'bad-2')).toBe(false); // refused unread, not answered
    // 100,000 answers do not fit in a frame the hub reads (1 MiB unless its welcome says otherwise).
    send({ type: 'infer.request', requestId: 'huge-1', jobId, records: Array.from({ length: 100_000 }, (_, i) => ({ x: i })), deadlineMs: 60_000 });
    const huge = await result('huge-1');
    expect(huge.raw.length).toBeLessThan(1024);
    expect(huge.frame).toMatchObject({ error: { code: 'FAILED', message: expect.stringMatching(/more than the 1048576 a frame to the hub may carry/) }, batchSize: 100_000 });
    await agent.waitFor(/ignored a malformed frame from the hub/);
    expect(agent.child.exitCode).toBeNull();
  });

  it('after a reconnect says again which replicas are ready, and keeps serving them', async () => {
    const jobId = '00000000-0000-4000-8000-000000000a01';
    const readies = () => frames.filter((f) => f.frame.type === 'replica.ready' && f.frame.jobId === jobId).length;
    const before = readies();
    const hellos = () => frames.filter((f) => f.frame.type === 'hello');
    const count = hellos().length;
    socket!.terminate();
    await waitFor('the agent to reconnect', async () => hellos().length > count, 20_000);
    expect(hellos().at(-1)!.frame.running).toEqual([{ jobId, attempt: 1 }]);
    await waitFor('replica.ready again', async () => readies() === before + 1, 20_000);
    send({ type: 'infer.request', requestId: 'again-1', jobId, records: [{ x: 1 }], deadlineMs: 10_000 });
    expect((await result('again-1')).frame).toMatchObject({ batchSize: 1, outputs: [[expect.any(Number)]] });
  });

  it('on job.cancel answers what the replica holds UNAVAILABLE, then refuses requests for it', async () => {
    const jobId = '00000000-0000-4000-8000-000000000a01';
    send({ type: 'infer.request', requestId: 'held-1', jobId, records: [{ x: 1 }], deadlineMs: 10_000 });
    send({ type: 'job.cancel', jobId, attempt: 1, reason: 'deployment scaled down' });
    expect((await result('held-1')).frame).toMatchObject({ error: { code: 'UNAVAILABLE' }, batchSize: 0 });
    send({ type: 'infer.request', requestId: 'after-1', jobId, records: [{ x: 1 }], deadlineMs: 10_000 });
    expect((await result('after-1')).frame).toMatchObject({ error: { code: 'UNAVAILABLE', message: 'this agent holds no such replica' } });
    expect(frames.some((f) => f.frame.jobId === jobId && /^job\.(succeeded|failed|released)$/.test(f.frame.type))).toBe(false);
  });

  it('answers OVERLOADED at once beyond what a replica may hold, even while its worker computes', async () => {
    const jobId = '00000000-0000-4000-8000-000000000a03';
    assign(jobId, { maxBatchSize: 1, maxQueueDelayMs: 0 }, 2);
    await next((f) => f.type === 'replica.ready' && f.jobId === jobId, 'replica.ready');
    const ids = Array.from({ length: 10 }, (_, i) => `over-${i}`);
    for (const requestId of ids) send({ type: 'infer.request', requestId, jobId, records: [{ x: 1 }], deadlineMs: 30_000 });
    const answers = await Promise.all(ids.map((id) => result(id)));
    // One computing (at least DELAY_MS) and two waiting; the other seven are refused before any answer.
    expect(answers.filter((a) => a.frame.outputs).map((a) => a.frame.requestId)).toEqual(['over-0', 'over-1', 'over-2']);
    const refused = answers.filter((a) => a.frame.error);
    expect(refused).toHaveLength(7);
    for (const a of refused) expect(a.frame).toMatchObject({ error: { code: 'OVERLOADED' }, batchSize: 0 });
    expect(Math.max(...refused.map((a) => frames.indexOf(a)))).toBeLessThan(Math.min(...answers.filter((a) => a.frame.outputs).map((a) => frames.indexOf(a))));
    send({ type: 'job.cancel', jobId, reason: 'test over' });
  });

  it('a second replica of the version loads from the cache; on SIGTERM it answers what it holds, then is released', async () => {
    const jobId = '00000000-0000-4000-8000-000000000a02';
    const before = fileRequests.length;
    assign(jobId, { maxBatchSize: 1, maxQueueDelayMs: 0 });
    await next((f) => f.type === 'replica.ready' && f.jobId === jobId, 'replica.ready');
    expect(fileRequests.length).toBe(before);
    // 20 requests one at a time, each at least DELAY_MS: about 3 s of held work.
    const ids = Array.from({ length: 20 }, (_, i) => `drain-${i}`);
    for (const requestId of ids) send({ type: 'infer.request', requestId, jobId, records: [{ x: 5 }], deadlineMs: 60_000 });
    type Load = { jobId: string; inFlight: number; queued: number; requests: number };
    await next(
      (f) => f.type === 'heartbeat' && (f.replicas as Load[]).some((r) => r.jobId === jobId && r.queued > 0 && r.requests + r.inFlight + r.queued === ids.length),
      'a heartbeat showing all requests held',
    );
    agent.child.kill('SIGTERM');
    await next((f) => f.type === 'draining', 'draining');
    const answers = await Promise.all(ids.map((id) => result(id)));
    for (const { frame } of answers) expect(frame).toMatchObject({ batchSize: 1, outputs: [[expect.any(Number)]] });
    const released = await next((f) => f.type === 'job.released' && f.jobId === jobId, 'job.released');
    expect(frames.indexOf(released)).toBeGreaterThan(Math.max(...answers.map((a) => frames.indexOf(a))));
    expect(await agent.exited).toBe(0);
  });
});
