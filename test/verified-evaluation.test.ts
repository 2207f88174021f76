/**
 * Verified benchmark evaluation against a real hub and PostgreSQL, with raw agents of three owners
 * (test/support/raw-agent.ts): the honest ones predict with the submitted model itself (TF.js in
 * this process, the model's stored preprocessing), the traitor returns plausible but wrong
 * probabilities once it has earned trust. Checked: while nodes are new every evaluation runs on
 * two owners' nodes, and once their record is clean (AIMASS_EVALUATION_TRUSTED_AFTER) on one node
 * with the hub's spot check (runs counted per evaluation); the traitor's lie never reaches the
 * leaderboard, it is quarantined, every evaluation it ran is re-run and scored as before by
 * other owners' nodes, its owner and the admins find it in their inbox, and the node's record is
 * shown to its owner and admins only; and a liar that evades the spot check (this test tells it
 * the sampled rows) disagrees with another owner's node, a third owner's node decides, and the
 * liar is quarantined.
 */
import type * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAST_SCHEDULER, registerNode, waitFor } from './support/compute.js';
import { startTestHub, type TestHub } from './support/hub.js';
import { CLASSES, flowers, predictRow, setUpIrisBenchmark } from './support/iris-benchmark.js';
import { predictDoor } from './support/predict-door.js';
import { connectRawAgent, type RawAgent } from './support/raw-agent.js';
import { signUp, type SignedUp } from './support/users.js';

const CHUNK_ROWS = 40;
const TRUSTED_AFTER = 2;

const RECORD = `agreed disagreed spotChecksPassed spotChecksFailed cleanStreak trusted`;

type Behaviour = 'honest' | 'lie' | 'evade';
interface Worker {
  name: string;
  owner: SignedUp;
  token: string;
  nodeId: string;
  raw: RawAgent | null;
  behaviour: Behaviour;
  served: string[];
}

describe('Verified benchmark evaluation', () => {
  let hub: TestHub;
  let alice: SignedUp;
  let admin: SignedUp;
  let model: tf.LayersModel;
  const workers: Record<'bob' | 'carol' | 'dave' | 'erin' | 'frank', Worker> = {} as never;

  /** The submitted model's own probabilities for a served row (standardised as its metadata says). */
  const honest = (row: unknown[]): number[] => predictRow(model, row);
  /** Plausible but wrong: the same probabilities moved one class on (a valid distribution, a different class). */
  const lie = (row: unknown[]): number[] => {
    const p = honest(row);
    return p.map((_, i) => p[(i + 1) % p.length]);
  };

  async function serve(w: Worker, assign: any) {
    w.served.push(assign.jobId);
    const door = predictDoor(hub.url, assign, CHUNK_ROWS);
    const { rows } = await door.readAll();
    // 'evade': a liar told which rows the hub checks (it reads them from the database, as no node
    // can) lies on every other row: only the quorum can catch it.
    const checked = new Set<number>();
    if (w.behaviour === 'evade') {
      const [run] = await hub.sql(`SELECT s.spot_sample FROM benchmark_runs r JOIN benchmark_submissions s ON s.id = r.submission_id WHERE r.job_id = $1`, [assign.jobId]);
      for (const key of run.spot_sample.keys) checked.add(key);
    }
    // Rows stream in key order, keys 1…n.
    const outputs = rows.map((row, i) => (w.behaviour === 'honest' || checked.has(i + 1) ? honest(row) : lie(row)));
    for (let at = 0; at < outputs.length; at += CHUNK_ROWS) expect((await door.post(at, outputs.slice(at, at + CHUNK_ROWS))).status).toBe(200);
    w.raw!.socket.send(JSON.stringify({ type: 'job.started', jobId: assign.jobId, attempt: assign.attempt }));
    w.raw!.socket.send(JSON.stringify({ type: 'job.succeeded', jobId: assign.jobId, attempt: assign.attempt, result: { rows: rows.length } }));
  }

  /** Connects the worker's agent, which answers every predict job it is given. */
  async function connect(w: Worker) {
    if (w.raw) return;
    const raw = await connectRawAgent(hub, w.token);
    w.raw = raw;
    const answer = (m: any) => {
      if (m.type === 'job.assign' && m.kind === 'predict') serve(w, m).catch((error) => console.error(`${w.name} could not serve ${m.jobId}: ${error}`));
    };
    // A job queued before it connected is assigned right after the welcome.
    raw.received.forEach(answer);
    raw.socket.on('message', (data) => answer(JSON.parse(data.toString())));
  }

  async function disconnect(w: Worker) {
    if (!w.raw) return;
    w.raw.socket.close();
    await w.raw.closed;
    w.raw = null;
    await waitFor(`${w.name} offline`, async () => (await hub.graphql(`query($id: ID!) { node(id: $id) { status } }`, { id: w.nodeId }, w.owner.token)).data?.node.status === 'OFFLINE');
  }

  async function submit(): Promise<string> {
    const res = await hub.graphql(
      `mutation($b: BenchmarkRefInput!, $m: ModelVersionRefInput!) { submitToBenchmark(benchmark: $b, model: $m) { id } }`,
      { b: { owner: alice.username, name: 'iris' }, m: { owner: alice.username, name: 'iris3', version: 1 } },
      alice.token,
    );
    expect(res.errors).toBeUndefined();
    return res.data.submitToBenchmark.id;
  }

  async function scored(id: string, round = 1): Promise<{ publicScore: number; privateScore: number | null }> {
    return waitFor(`submission ${id} scored in round ${round}`, async () => {
      const [row] = await hub.sql(`SELECT status, error, round, public_score, private_score FROM benchmark_submissions WHERE id = $1`, [id]);
      if (row.status === 'FAILED') throw new Error(row.error);
      return row.status === 'SCORED' && row.round === round ? { publicScore: row.public_score, privateScore: row.private_score } : undefined;
    }, 60_000);
  }

  /** The runs of a submission (every round), with the node that returned each. */
  const runs = (id: string): Promise<{ job_id: string; round: number; node_id: string | null; verdict: string | null; spot_check: string | null; accepted: boolean }[]> =>
    hub.sql(`SELECT job_id, round, node_id, verdict, spot_check, accepted FROM benchmark_runs WHERE submission_id = $1 ORDER BY created_at`, [id]);

  /** The submitter's submissions' verification, newest first. */
  const verification = async () =>
    (await hub.graphql(`query($o: String!) { benchmark(owner: $o, name: "iris") { mySubmissions { verification { round runs agreeingRuns spotChecksPassed state } } } }`, { o: alice.username }, alice.token)).data.benchmark.mySubmissions.map(
      (s: any) => s.verification,
    );

  const record = (w: Worker, token: string) => hub.graphql(`query($id: ID!) { node(id: $id) { status quarantineReason evaluationRecord { ${RECORD} } } }`, { id: w.nodeId }, token);

  /** Accuracy and log loss of honest predictions on each part, computed here from the source rows. */
  let expected: { public: number; private: number };

  beforeAll(async () => {
    hub = await startTestHub({
      env: { ...FAST_SCHEDULER, AIMASS_JOB_LEASE_SECONDS: '60', AIMASS_TRAIN_CHUNK_ROWS: String(CHUNK_ROWS), AIMASS_EVALUATION_TRUSTED_AFTER: String(TRUSTED_AFTER), AIMASS_EVALUATION_SPOT_ROWS: '8' },
    });
    [alice, admin] = [await signUp(hub), await signUp(hub)];
    await hub.sql(`UPDATE users SET is_admin = true WHERE id = $1`, [admin.id]);
    const fixture = await setUpIrisBenchmark(hub, alice);
    model = fixture.model;

    // The reference: honest predictions against the true labels of the hidden rows, per part.
    const [{ hidden_table: table }] = await hub.sql(`SELECT hidden_table FROM benchmarks WHERE id = $1`, [fixture.benchmarkId]);
    const hidden: { row: number; part: 'public' | 'private' }[] = await hub.sql(`SELECT __row::int AS row, __part AS part FROM ${table} ORDER BY __key`);
    const right = { public: [0, 0], private: [0, 0] };
    for (const h of hidden) {
      const src = flowers[h.row - 1];
      const p = honest([src.a, src.b, src.c]);
      right[h.part][0] += CLASSES[p.indexOf(Math.max(...p))] === src.species ? 1 : 0;
      right[h.part][1]++;
    }
    expected = { public: right.public[0] / right.public[1], private: right.private[0] / right.private[1] };

    for (const name of ['bob', 'carol', 'dave', 'erin', 'frank'] as const) {
      const owner = await signUp(hub);
      const node = await registerNode(hub, owner.token, `${name}s-node`);
      workers[name] = { name, owner, token: node.token, nodeId: node.nodeId, raw: null, behaviour: 'honest', served: [] };
    }
  }, 180_000);

  afterAll(async () => {
    for (const w of Object.values(workers)) w.raw?.socket.close();
    model?.dispose();
    await hub?.close();
  });

  const touchedByDave: { id: string; score: { publicScore: number; privateScore: number | null } }[] = [];

  it('runs a new node’s evaluations on two owners’ nodes, and once their record is clean on one node with the hub’s spot check', async () => {
    const { carol, dave } = workers;
    await connect(carol);
    await connect(dave);
    const counts: number[] = [];
    for (let i = 0; i < 4; i++) {
      const id = await submit();
      const score = await scored(id);
      expect(score.publicScore).toBeCloseTo(expected.public, 10);
      const mine = await runs(id);
      counts.push(mine.length);
      const nodes = mine.map((r) => r.node_id);
      if (i < TRUSTED_AFTER) {
        // Two owners' nodes agreed, each passed the spot check.
        expect(new Set(nodes)).toEqual(new Set([carol.nodeId, dave.nodeId]));
        expect(mine.map((r) => r.verdict)).toEqual(['AGREED', 'AGREED']);
        expect(mine.map((r) => r.spot_check)).toEqual(['PASSED', 'PASSED']);
      } else {
        expect(mine).toMatchObject([{ verdict: 'SPOT_CHECKED', spot_check: 'PASSED', accepted: true }]);
      }
      if (nodes.includes(dave.nodeId)) touchedByDave.push({ id, score });
    }
    // Total evaluation compute falls as the record builds: 2 runs each, then 1.
    expect(counts).toEqual([2, 2, 1, 1]);
    // The submitter sees how each was verified.
    expect((await verification()).reverse()).toEqual([
      { round: 1, runs: 2, agreeingRuns: 2, spotChecksPassed: 2, state: 'QUORUM' },
      { round: 1, runs: 2, agreeingRuns: 2, spotChecksPassed: 2, state: 'QUORUM' },
      { round: 1, runs: 1, agreeingRuns: 0, spotChecksPassed: 1, state: 'SPOT_CHECKED' },
      { round: 1, runs: 1, agreeingRuns: 0, spotChecksPassed: 1, state: 'SPOT_CHECKED' },
    ]);

    // The record: its owner and the admins see it, nobody else.
    const own = (await record(carol, carol.owner.token)).data.node.evaluationRecord;
    expect(own).toMatchObject({ disagreed: 0, spotChecksFailed: 0, trusted: true });
    expect(own.agreed).toBe(TRUSTED_AFTER);
    expect(own.cleanStreak).toBe(own.agreed + own.spotChecksPassed - TRUSTED_AFTER);
    expect((await record(carol, admin.token)).data.node.evaluationRecord).toEqual(own);
    expect((await record(carol, alice.token)).data.node.evaluationRecord).toBeNull();
    expect((await record(carol, dave.owner.token)).data.node.evaluationRecord).toBeNull();
  }, 240_000);

  it('keeps a trusted node’s plausible lie off the leaderboard: quarantined, its evaluations re-run by other owners’ nodes and scored correctly, its owner and the admins told', async () => {
    const { bob, carol, dave } = workers;
    expect(touchedByDave.length).toBeGreaterThanOrEqual(TRUSTED_AFTER);
    // Only the traitor online, trusted: the evaluation runs on it alone.
    await disconnect(carol);
    dave.behaviour = 'lie';
    const seen = dave.served.length;
    const id = await submit();
    await waitFor('the traitor quarantined', async () => (await record(dave, dave.owner.token)).data.node.status === 'QUARANTINED');
    expect(dave.served.length).toBe(seen + 1);
    const [lied] = await runs(id);
    expect(lied).toMatchObject({ node_id: dave.nodeId, spot_check: 'FAILED', verdict: 'DISAGREED', accepted: false });
    // Not scored, not on the board.
    const board = await hub.graphql(`query($o: String!) { benchmark(owner: $o, name: "iris") { leaderboard { entries { submission { id publicScore } } } } }`, { o: alice.username });
    expect(board.data.benchmark.leaderboard.entries.map((e: any) => e.submission.id)).not.toContain(id);

    // Other owners' nodes come online: the lied evaluation and every one the traitor touched are decided by them.
    await connect(carol);
    await connect(bob);
    const score = await scored(id);
    expect(score.publicScore).toBeCloseTo(expected.public, 10);
    expect(score.privateScore).toBeCloseTo(expected.private, 10);
    for (const t of touchedByDave) {
      expect(await scored(t.id, 2)).toEqual(t.score);
      const again = (await runs(t.id)).filter((r) => r.round === 2);
      expect(again.length).toBeGreaterThanOrEqual(1);
      expect(again.map((r) => r.node_id)).not.toContain(dave.nodeId);
      expect(again.some((r) => r.accepted)).toBe(true);
      expect((await runs(t.id)).filter((r) => r.round === 1).every((r) => r.verdict === 'DISCARDED' && !r.accepted)).toBe(true);
    }
    const accepted = (await runs(id)).find((r) => r.accepted)!;
    expect([bob.nodeId, carol.nodeId]).toContain(accepted.node_id);

    // The board: every submission with the honest score, none with the lie's.
    const entries = (await hub.graphql(`query($o: String!) { benchmark(owner: $o, name: "iris") { mySubmissions { id status publicScore } } }`, { o: alice.username }, alice.token)).data.benchmark.mySubmissions;
    for (const s of entries) expect(s).toMatchObject({ status: 'SCORED', publicScore: expect.closeTo(expected.public, 10) });

    // Its record and reason, to its owner; the inbox of its owner and of the admins.
    const mine = (await record(dave, dave.owner.token)).data.node;
    expect(mine.quarantineReason).toMatch(/verified evaluation/);
    expect(mine.evaluationRecord).toMatchObject({ spotChecksFailed: 1, cleanStreak: 0, trusted: false });
    for (const who of [dave.owner, admin]) {
      const inbox = await hub.graphql(`{ notifications(first: 10) { edges { node { kind message subject { name } } } } }`, {}, who.token);
      expect(inbox.errors).toBeUndefined();
      const told = inbox.data.notifications.edges.map((e: any) => e.node).find((n: any) => n.kind === 'NODE_QUARANTINED');
      expect(told).toMatchObject({ subject: { name: 'iris3' } });
      expect(told.message).toContain(`Node "daves-node" was quarantined`);
      expect(told.message).toContain(`${touchedByDave.length} other evaluations it ran are being re-run`);
    }
    const bobs = await hub.graphql(`{ notifications(first: 10) { edges { node { kind } } } }`, {}, bob.owner.token);
    expect(bobs.data.notifications.edges).toEqual([]);
  }, 240_000);

  it('catches a liar the spot check misses by the quorum: two owners disagree, a third owner’s node decides, the minority is quarantined', async () => {
    const { bob, carol, erin, frank } = workers;
    await disconnect(bob);
    await disconnect(carol);
    // A new honest node runs first: its run passes the spot check and waits for a second owner.
    await connect(frank);
    const id = await submit();
    await waitFor('the first run verified, a replica queued', async () => {
      const mine = await runs(id);
      return mine.length === 2 && mine[0].spot_check === 'PASSED' ? mine : undefined;
    });
    expect((await runs(id))[0].node_id).toBe(frank.nodeId);
    // The evading liar takes the replica: it passes its spot check but disagrees with frank.
    erin.behaviour = 'evade';
    await connect(erin);
    await waitFor('a third run asked for', async () => ((await runs(id)).length === 3 ? true : undefined));
    const [, evaded] = await runs(id);
    expect(evaded).toMatchObject({ node_id: erin.nodeId, spot_check: 'PASSED', verdict: null });
    expect((await hub.sql(`SELECT status FROM benchmark_submissions WHERE id = $1`, [id]))[0].status).toBe('QUEUED');
    // A third owner's node decides.
    await connect(carol);
    const score = await scored(id);
    expect(score.publicScore).toBeCloseTo(expected.public, 10);
    const decided = await runs(id);
    expect(decided.map((r) => [r.node_id, r.verdict])).toEqual([
      [frank.nodeId, 'AGREED'],
      [erin.nodeId, 'DISAGREED'],
      [carol.nodeId, 'AGREED'],
    ]);
    expect(decided.find((r) => r.accepted)!.node_id).not.toBe(erin.nodeId);
    expect((await verification())[0]).toEqual({ round: 1, runs: 3, agreeingRuns: 2, spotChecksPassed: 3, state: 'QUORUM' });
    const caught = (await record(erin, erin.owner.token)).data.node;
    expect(caught).toMatchObject({ status: 'QUARANTINED', evaluationRecord: { disagreed: 1, spotChecksPassed: 0, spotChecksFailed: 0, trusted: false } });
    expect(caught.quarantineReason).toMatch(/disagreed with the quorum/);
    expect((await record(frank, frank.owner.token)).data.node.evaluationRecord).toMatchObject({ agreed: 1, spotChecksPassed: 1, cleanStreak: 1 });
  }, 240_000);
});
