/**
 * Two hub processes on one PostgreSQL database decide the same verification round at the same
 * instant: with a quorum of three, a submission's first run (carol's node) asks for two replicas,
 * which go to dave's node (connected to the first hub) and erin's (connected to the second); both
 * raw agents upload their outputs, then say `job.succeeded` at once, so each hub hears one run
 * return and decides the round. Checked for every submission: one decision — the three runs agree
 * and one is accepted, no replica is queued twice, the submission is scored once with the right
 * score — and one set of reputation updates (each node's record counts each evaluation once).
 * Then real node-agent processes of three owners, on both hubs, verify an evaluation the same way.
 */
import type * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnAgent, type AgentProcess } from './support/agent.js';
import { FAST_SCHEDULER, registerNode, waitFor } from './support/compute.js';
import { startTestHub, type TestHub } from './support/hub.js';
import { CLASSES, flowers, predictRow, setUpIrisBenchmark } from './support/iris-benchmark.js';
import { predictDoor } from './support/predict-door.js';
import { connectRawAgent, type RawAgent } from './support/raw-agent.js';
import { signUp, type SignedUp } from './support/users.js';

const CHUNK_ROWS = 40;
const SUBMISSIONS = 3;

interface Worker {
  name: string;
  owner: SignedUp;
  token: string;
  nodeId: string;
  hub: TestHub;
  raw: RawAgent | null;
  /** Holds its `job.succeeded` until the other replica's outputs are in too. */
  held: boolean;
}

describe('Verified evaluation decided by two hubs at once', () => {
  let first: TestHub;
  let second: TestHub;
  let alice: SignedUp;
  let model: tf.LayersModel;
  let expected: number;
  let publicRows: number;
  const workers: Record<'carol' | 'dave' | 'erin', Worker> = {} as never;

  const honest = (row: unknown[]): number[] => predictRow(model, row);

  /** The held replicas whose outputs are uploaded, each with the frames that finish it. */
  let ready: (() => void)[] = [];

  async function serve(w: Worker, assign: any) {
    const door = predictDoor(w.hub.url, assign, CHUNK_ROWS);
    const { rows } = await door.readAll();
    const outputs = rows.map((row) => honest(row));
    for (let at = 0; at < outputs.length; at += CHUNK_ROWS) expect((await door.post(at, outputs.slice(at, at + CHUNK_ROWS))).status).toBe(200);
    const finish = () => {
      w.raw!.socket.send(JSON.stringify({ type: 'job.started', jobId: assign.jobId, attempt: assign.attempt }));
      w.raw!.socket.send(JSON.stringify({ type: 'job.succeeded', jobId: assign.jobId, attempt: assign.attempt, result: { rows: rows.length } }));
    };
    if (!w.held) return finish();
    ready.push(finish);
    // Both replicas uploaded: both hubs hear them succeed in the same instant.
    if (ready.length === 2) {
      const both = ready;
      ready = [];
      for (const f of both) f();
    }
  }

  async function connect(w: Worker) {
    const raw = await connectRawAgent(w.hub, w.token);
    w.raw = raw;
    const answer = (m: any) => {
      if (m.type === 'job.assign' && m.kind === 'predict') serve(w, m).catch((error) => console.error(`${w.name} could not serve ${m.jobId}: ${error}`));
    };
    raw.received.forEach(answer);
    raw.socket.on('message', (data) => answer(JSON.parse(data.toString())));
  }

  async function disconnect(w: Worker) {
    w.raw!.socket.close();
    await w.raw!.closed;
    w.raw = null;
    await waitFor(`${w.name} offline`, async () => (await first.graphql(`query($id: ID!) { node(id: $id) { status } }`, { id: w.nodeId }, w.owner.token)).data?.node.status === 'OFFLINE');
  }

  const runs = (id: string): Promise<{ job_id: string; round: number; node_id: string | null; verdict: string | null; spot_check: string | null; accepted: boolean; status: string }[]> =>
    first.sql(`SELECT job_id, round, node_id, verdict, spot_check, accepted, status FROM benchmark_runs WHERE submission_id = $1 ORDER BY created_at`, [id]);

  beforeAll(async () => {
    const env = {
      ...FAST_SCHEDULER,
      AIMASS_JOB_LEASE_SECONDS: '60',
      AIMASS_TRAIN_CHUNK_ROWS: String(CHUNK_ROWS),
      AIMASS_EVALUATION_QUORUM: '3',
      AIMASS_EVALUATION_TRUSTED_AFTER: '0',
      AIMASS_EVALUATION_SPOT_ROWS: '8',
    };
    first = await startTestHub({ env });
    second = await first.peer();
    alice = await signUp(first);
    const fixture = await setUpIrisBenchmark(first, alice);
    model = fixture.model;
    // The reference public accuracy of honest predictions, from the source rows.
    const [{ hidden_table: table }] = await first.sql(`SELECT hidden_table FROM benchmarks WHERE id = $1`, [fixture.benchmarkId]);
    const hidden: { row: number }[] = await first.sql(`SELECT __row::int AS row FROM ${table} WHERE __part = 'public' ORDER BY __key`);
    let right = 0;
    for (const h of hidden) {
      const src = flowers[h.row - 1];
      const p = honest([src.a, src.b, src.c]);
      right += CLASSES[p.indexOf(Math.max(...p))] === src.species ? 1 : 0;
    }
    expected = right / hidden.length;
    publicRows = hidden.length;

    const at = { carol: first, dave: first, erin: second };
    for (const name of ['carol', 'dave', 'erin'] as const) {
      const owner = await signUp(first);
      const node = await registerNode(first, owner.token, `${name}s-node`);
      workers[name] = { name, owner, token: node.token, nodeId: node.nodeId, hub: at[name], raw: null, held: name !== 'carol' };
    }
  }, 180_000);

  const agents: AgentProcess[] = [];

  afterAll(async () => {
    for (const a of agents) await a.stop();
    for (const w of Object.values(workers)) w.raw?.socket.close();
    model?.dispose();
    await second?.close();
    await first?.close();
  });

  it('takes one decision per round, scores it once and counts each node’s result once', async () => {
    const { carol, dave, erin } = workers;
    await connect(carol);
    for (let i = 0; i < SUBMISSIONS; i++) {
      const res = await first.graphql(
        `mutation($b: BenchmarkRefInput!, $m: ModelVersionRefInput!) { submitToBenchmark(benchmark: $b, model: $m) { id } }`,
        { b: { owner: alice.username, name: 'iris' }, m: { owner: alice.username, name: 'iris3', version: 1 } },
        alice.token,
      );
      expect(res.errors).toBeUndefined();
      const id = res.data.submitToBenchmark.id;
      // Carol's run returns alone: the round asks for two more owners' runs.
      await waitFor('two replicas queued', async () => ((await runs(id)).length === 3 ? true : undefined));
      // Dave's node on the first hub and erin's on the second take them and finish together.
      await connect(dave);
      await connect(erin);
      const row = await waitFor(`submission ${i + 1} scored`, async () => {
        const [s] = await first.sql(`SELECT status, error, public_score FROM benchmark_submissions WHERE id = $1`, [id]);
        if (s.status === 'FAILED') throw new Error(s.error);
        return s.status === 'SCORED' ? s : undefined;
      }, 60_000);
      expect(row.public_score).toBeCloseTo(expected, 10);
      // Every run is settled before the next round starts (the hub that lost the race has nothing left to do).
      const mine = await waitFor('the round settled', async () => {
        const r = await runs(id);
        return r.every((x) => x.verdict !== null) ? r : undefined;
      });
      expect(mine).toHaveLength(3);
      expect(new Set(mine.map((r) => r.node_id))).toEqual(new Set([carol.nodeId, dave.nodeId, erin.nodeId]));
      expect(mine.map((r) => r.verdict)).toEqual(['AGREED', 'AGREED', 'AGREED']);
      expect(mine.map((r) => r.spot_check)).toEqual(['PASSED', 'PASSED', 'PASSED']);
      expect(mine.filter((r) => r.accepted)).toHaveLength(1);
      await disconnect(dave);
      await disconnect(erin);
    }

    // One set of reputation updates: each node's record counts each evaluation once.
    const records = await first.sql(
      `SELECT node_id, agreed, disagreed, spot_checks_passed, spot_checks_failed, clean_streak FROM node_reputation WHERE node_id = ANY($1::uuid[])`,
      [[carol.nodeId, dave.nodeId, erin.nodeId]],
    );
    expect(records).toHaveLength(3);
    for (const r of records) expect(r).toMatchObject({ agreed: SUBMISSIONS, disagreed: 0, spot_checks_passed: SUBMISSIONS, spot_checks_failed: 0, clean_streak: SUBMISSIONS });
    // No replica was queued twice: three runs per submission, no more jobs than that.
    const [{ n }] = await first.sql(
      `SELECT count(*)::int AS n FROM benchmark_runs r JOIN benchmark_submissions s ON s.id = r.submission_id JOIN benchmarks b ON b.id = s.benchmark_id WHERE b.name = 'iris'`,
    );
    expect(n).toBe(3 * SUBMISSIONS);
  }, 300_000);

  it('verifies an evaluation run by real agents of three owners on both hubs: their runs agree, pass the spot check, and the score is the model’s own', async () => {
    await disconnect(workers.carol);
    for (const [i, at] of [first, first, second].entries()) {
      const owner = await signUp(first);
      const node = await registerNode(first, owner.token, `real-${i}`);
      const agent = spawnAgent(['--hub', at.url, '--token', node.token, '--name', `real-${i}`]);
      agents.push(agent);
      await agent.waitFor(/connected to hub/);
    }
    const res = await first.graphql(
      `mutation($b: BenchmarkRefInput!, $m: ModelVersionRefInput!) { submitToBenchmark(benchmark: $b, model: $m) { id } }`,
      { b: { owner: alice.username, name: 'iris' }, m: { owner: alice.username, name: 'iris3', version: 1 } },
      alice.token,
    );
    expect(res.errors).toBeUndefined();
    const id = res.data.submitToBenchmark.id;
    const row = await waitFor('scored by the real agents', async () => {
      const [s] = await first.sql(`SELECT status, error, public_score FROM benchmark_submissions WHERE id = $1`, [id]);
      if (s.status === 'FAILED') throw new Error(s.error);
      return s.status === 'SCORED' ? s : undefined;
    }, 120_000);
    const [{ n }] = await first.sql(`SELECT count(*)::int AS n FROM benchmark_runs r WHERE r.submission_id = $1`, [id]);
    expect(n).toBe(3);
    // The agents' float32 on another backend: a near-tie may fall the other way for at most a row.
    expect(Math.abs(row.public_score - expected)).toBeLessThanOrEqual(1 / publicRows + 1e-9);
    const mine = await waitFor('the round settled', async () => {
      const r = await runs(id);
      return r.every((x) => x.verdict !== null) ? r : undefined;
    });
    expect(mine.map((r) => [r.verdict, r.spot_check])).toEqual([
      ['AGREED', 'PASSED'],
      ['AGREED', 'PASSED'],
      ['AGREED', 'PASSED'],
    ]);
    expect(new Set(mine.map((r) => r.node_id)).size).toBe(3);
  }, 240_000);
});
