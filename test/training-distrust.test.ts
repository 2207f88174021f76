/**
 * A training agent is a stranger's machine: everything it sends about a training job is checked
 * against the job, never believed. With the job's token it reads only that job's rows, in chunks;
 * malformed or impossible epochs, checkpoints and models are refused and leave nothing behind; and
 * a success it reports without the model the hub made fails the attempt.
 */
import { randomUUID } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MISSING_CATEGORY } from '../schema/index.js';
import { FAST_SCHEDULER, registerNode, waitFor, waitForJob } from './support/compute.js';
import { createDataset, upload } from './support/datasets.js';
import { startTestHub, type TestHub } from './support/hub.js';
import { connectRawAgent } from './support/raw-agent.js';
import { csv, flowers } from './support/synthetic-data.js';
import { createModel as createModelAs } from './support/training.js';
import { signUp, type SignedUp } from './support/users.js';

describe('Training agents are not believed', () => {
  let hub: TestHub;
  let alice: SignedUp;
  const createModel = (statement: string) => createModelAs(hub, alice.token, statement);

  beforeAll(async () => {
    hub = await startTestHub({ env: { ...FAST_SCHEDULER, AIMASS_TRAIN_CHUNK_ROWS: '250' } });
    alice = await signUp(hub);
    await createDataset(hub, alice.token, { name: 'flowers', visibility: 'PRIVATE' });
    expect((await upload(hub, alice.token, alice.username, 'flowers', csv(flowers(600, 1)))).status).toBe(201);
  });
  afterAll(() => hub?.close());

  it('believes nothing a training agent says without checking it: bad epochs, checkpoints and models are refused, a fake success fails the attempt', async () => {
    const node = await registerNode(hub, alice.token, 'liar');
    const { socket, received } = await connectRawAgent(hub, node.token);
    try {
      const { jobId } = await createModel(`CREATE MODEL ${alice.username}.lies OPTIONS (model_type = 'logistic_reg', input_label_cols = ['species'], epochs = 3)
        AS SELECT petal, color, species FROM ${alice.username}.flowers`);
      const assign = await waitFor('assign', async () => received.find((m) => m.type === 'job.assign' && m.jobId === jobId));
      const call = (p: string, init: RequestInit = {}, token = assign.jobToken) =>
        fetch(`${hub.url}/api/jobs/${jobId}${p}`, { ...init, headers: { authorization: `Bearer ${token}`, ...(init.headers ?? {}) } });
      const json = (body: unknown) => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const multipart = (files: Record<string, string>) => {
        const form = new FormData();
        for (const [name, content] of Object.entries(files)) form.append('files', new Blob([content]), name);
        return { method: 'POST', body: form };
      };

      // The rows are there for the token's own job only, in chunks.
      const chunk = await call('/rows?offset=0&limit=100000');
      expect(chunk.status).toBe(200);
      const rows = await chunk.json();
      expect(rows.columns).toEqual(['petal', 'color', 'species']);
      expect(rows.rows).toHaveLength(250); // AIMASS_TRAIN_CHUNK_ROWS caps what one request returns
      expect((await call('/rows', {}, alice.token)).status).toBe(404);
      expect((await fetch(`${hub.url}/api/jobs/${randomUUID()}/rows`, { headers: { authorization: `Bearer ${assign.jobToken}` } })).status).toBe(404);

      const before = await artifactCount();
      const badEpoch = await call('/epochs', json({ epochs: [{ epoch: 1, loss: 'low', evalLoss: null, learningRate: 0.01, durationMs: 5, metrics: {} }] }));
      expect(badEpoch.status).toBe(400);
      expect((await badEpoch.json()).error.fields[0].field).toBe('body.epochs.0.loss');
      const future = await call('/epochs', json({ epochs: [{ epoch: 4, loss: 1, evalLoss: null, learningRate: 0.01, durationMs: 5, metrics: {} }] }));
      expect((await future.json()).error.message).toMatch(/epoch 4 is beyond the 3 epochs/);
      const badCheckpoint = await call('/checkpoints', multipart({ 'state.json': '{"epoch": 1}', 'weights.bin': 'xxxx' }));
      expect(badCheckpoint.status).toBe(400);
      const info = {
        features: [
          { name: 'petal', type: 'number', preprocessing: { kind: 'standardize', mean: 0, std: 1 } },
          { name: 'color', type: 'category', preprocessing: { kind: 'one_hot', vocabulary: ['red', MISSING_CATEGORY] } },
        ],
        labels: ['iris_a', 'iris_b', 'iris_c'],
        metrics: { accuracy: 1 },
        epochs: 3,
        stoppedEarly: false,
      };
      expect((await call('/model', multipart({ 'model.json': '{}', 'training.json': '{}' }))).status).toBe(400);
      const badModel = await call('/model', multipart({ 'model.json': '{"format":"layers-model","modelTopology":{},"weightsManifest":[]}', 'training.json': JSON.stringify(info) }));
      expect(badModel.status).toBe(400);
      expect((await badModel.json()).error.message).toMatch(/TF\.js could not load the model/);
      const wrongFeatures = await call('/model', multipart({
        'model.json': '{}',
        'training.json': JSON.stringify({ ...info, features: info.features.slice(0, 1) }),
      }));
      expect((await wrongFeatures.json()).error.message).toMatch(/must be the run's feature columns in order \(petal, color\)/);
      expect(await artifactCount()).toBe(before); // every refused upload left nothing behind
      expect(await hub.sql(`SELECT 1 FROM training_epochs e JOIN training_runs r ON r.id = e.run_id WHERE r.job_id = $1`, [jobId])).toEqual([]);

      // Success without a model the hub made: the attempt fails, the job is retried.
      socket.send(JSON.stringify({ type: 'job.started', jobId, attempt: assign.attempt }));
      socket.send(JSON.stringify({ type: 'job.succeeded', jobId, attempt: assign.attempt, result: { modelVersionId: randomUUID(), versionNumber: 1, epochs: 3, resumedFromEpoch: 0, stoppedEarly: false } }));
      const retried = await waitForJob(hub, alice.token, jobId, (j) => j.failures === 1);
      expect(retried.history[0]).toMatchObject({ outcome: 'failed', reason: expect.stringContaining('no trained model was uploaded') });
      expect(await hub.sql(`SELECT 1 FROM model_versions v JOIN models m ON m.id = v.model_id WHERE m.name = 'lies'`)).toEqual([]);
      await hub.graphql(`mutation($id: ID!) { cancelJob(id: $id) { status } }`, { id: jobId }, alice.token);
    } finally {
      socket.close();
    }

    async function artifactCount(): Promise<number> {
      let n = 0;
      const root = path.join(hub.dataDir, 'artifacts');
      for (const a of await readdir(root).catch(() => [] as string[])) {
        if (a === 'tmp') continue;
        for (const b of await readdir(path.join(root, a))) n += (await readdir(path.join(root, a, b))).length;
      }
      return n;
    }
  }, 60_000);
});
