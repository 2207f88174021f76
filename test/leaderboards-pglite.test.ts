/**
 * A benchmark submission on the PGlite fallback (one connection, no sandbox pool): taken, run by a
 * raw agent answering the evaluation job, and scored onto the leaderboard, as on PostgreSQL
 * (test/leaderboards.test.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createModel, uploadFiles } from './catalog-support.js';
import { CHUNK_ROWS, csv, houses, plane, SUBMIT } from './support/benchmark-submissions.js';
import { FAST_SCHEDULER, registerNode, UNVERIFIED, waitFor } from './support/compute.js';
import { createDataset, upload } from './support/datasets.js';
import { startTestHub, type TestHub } from './support/hub.js';
import { connectRawAgent, type RawAgent } from './support/raw-agent.js';
import { denseModelFiles } from './support/tf-model.js';
import { signUp, type SignedUp } from './support/users.js';

describe('Benchmark submissions on the PGlite fallback', () => {
  let hub: TestHub;
  let alice: SignedUp;
  let agent: RawAgent;

  beforeAll(async () => {
    hub = await startTestHub({ backend: 'pglite', env: { ...FAST_SCHEDULER, AIMASS_JOB_LEASE_SECONDS: '60', AIMASS_TRAIN_CHUNK_ROWS: String(CHUNK_ROWS), ...UNVERIFIED } });
    alice = await signUp(hub);
    await createDataset(hub, alice.token, { name: 'houses', visibility: 'PUBLIC' });
    expect((await upload(hub, alice.token, alice.username, 'houses', csv(houses))).status).toBe(201);
    const created = await hub.graphql(
      `mutation($input: CreateBenchmarkInput!) { createBenchmark(input: $input) { id } }`,
      { input: { name: 'prices', dataset: `${alice.username}/houses@1`, label: 'price', task: 'REGRESSION', metric: 'MAE', visibility: 'PUBLIC', split: { testFraction: 0.5, publicFraction: 0.5 } } },
      alice.token,
    );
    expect(created.errors).toBeUndefined();
    await createModel(hub, alice.token, { name: 'price', visibility: 'PUBLIC' });
    expect((await uploadFiles(hub, alice.token, alice.username, 'price', await denseModelFiles(1, 'linear'))).status).toBe(201);
    const features = ['a', 'b', 'c'].map((name) => ({ name, type: 'NUMBER', preprocessing: { kind: 'STANDARDIZE', mean: 4.5, std: 2.9 } }));
    const set = await hub.graphql(
      `mutation($o: String!, $n: String!, $input: ModelVersionMetadataInput!) { setModelVersionMetadata(owner: $o, name: $n, number: 1, input: $input) { number } }`,
      { o: alice.username, n: 'price', input: { features } },
      alice.token,
    );
    expect(set.errors).toBeUndefined();
    agent = await connectRawAgent(hub, (await registerNode(hub, alice.token, 'raw')).token);
  }, 180_000);

  afterAll(async () => {
    agent?.socket.close();
    await hub?.close();
  });

  it('takes, runs and scores a submission there too', async () => {
    const res = await hub.graphql(SUBMIT, { b: { owner: alice.username, name: 'prices' }, m: { owner: alice.username, name: 'price', version: 1 } }, alice.token);
    expect(res.errors).toBeUndefined();
    const assign = await waitFor('job.assign', async () => agent.received.find((m) => m.type === 'job.assign' && m.kind === 'predict'));
    const call = (path: string, init: RequestInit = {}) =>
      fetch(`${hub.url}/api/jobs/${assign.jobId}${path}`, { ...init, headers: { authorization: `Bearer ${assign.jobToken}`, ...(init.headers ?? {}) } });
    const chunk = await (await call(`/ml/rows?offset=0&limit=${CHUNK_ROWS}`)).json();
    const rows: number[][] = [...chunk.rows];
    while (rows.length < assign.payload.rowCount) rows.push(...(await (await call(`/ml/rows?offset=${rows.length}&limit=${CHUNK_ROWS}`)).json()).rows);
    for (let at = 0; at < rows.length; at += CHUNK_ROWS) {
      const body = JSON.stringify({ offset: at, outputs: rows.slice(at, at + CHUNK_ROWS).map(plane) });
      expect((await call('/ml/predictions', { method: 'POST', headers: { 'content-type': 'application/json' }, body })).status).toBe(200);
    }
    agent.socket.send(JSON.stringify({ type: 'job.started', jobId: assign.jobId, attempt: assign.attempt }));
    agent.socket.send(JSON.stringify({ type: 'job.succeeded', jobId: assign.jobId, attempt: assign.attempt, result: { rows: rows.length } }));
    const board = await waitFor('scored', async () => {
      const b = await hub.graphql(`query($o: String!) { benchmark(owner: $o, name: "prices") { leaderboard { entries { rank submission { status publicScore } } } } }`, { o: alice.username }, alice.token);
      return b.data?.benchmark.leaderboard.entries[0];
    });
    expect(board.rank).toBe(1);
    expect(board.submission.status).toBe('SCORED');
    expect(board.submission.publicScore).toBeGreaterThan(0);
  }, 120_000);
});
