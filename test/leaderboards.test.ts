/**
 * Benchmark submissions and leaderboards against a real hub and PostgreSQL, with raw agents
 * (test/support/raw-agent.ts) answering the evaluation jobs so this test controls the predictions:
 * the run's row stream carries the hidden features only (no label, no part, no key); the scores
 * on the board equal this test's own computation over the predictions it returned and the true
 * labels of the source dataset, for a classification, a two-class ROC AUC and a regression
 * benchmark; no hidden label is in any field of a benchmark with scored submissions; the daily limit,
 * an incompatible or unreadable model and a closed benchmark are refused; before the deadline
 * only public scores show (to everyone but the benchmark's admins), after it the private ranking
 * with ties sharing a rank and the public rank beside it; a graphql-ws client hears
 * leaderboardChanged; and a private model or a private benchmark's rows never go to a node their
 * owner does not trust.
 */
import * as tf from '@tensorflow/tfjs';
import * as ss from 'simple-statistics';
import { createClient, type Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createModel, uploadFiles } from './catalog-support.js';
import { CHUNK_ROWS, csv, houses, plane, SUBMIT } from './support/benchmark-submissions.js';
import { spawnAgent, type AgentProcess } from './support/agent.js';
import { FAST_SCHEDULER, registerNode, UNVERIFIED, waitFor } from './support/compute.js';
import { createDataset, upload } from './support/datasets.js';
import { everyField } from './support/every-field.js';
import { startTestHub, type TestHub } from './support/hub.js';
import { predictDoor } from './support/predict-door.js';
import { connectRawAgent, type RawAgent } from './support/raw-agent.js';
import { denseModelFiles as modelFiles } from './support/tf-model.js';
import { codeOf, signUp, type SignedUp } from './support/users.js';

const CLASSES = ['setosa', 'versicolor', 'virginica'];
// Unique label values, so a label leaking into the row stream is a string match.
const flowers = Array.from({ length: 120 }, (_, i) => ({ a: (i * 7) % 10, b: (i * 3) % 10, c: (i * 5 + 2) % 10, species: CLASSES[(i + (i % 4 === 0 ? 1 : 0)) % 3] }));
// Two classes with a ROC AUC benchmark (the second class of the model, "tails", is the positive one).
const coins = Array.from({ length: 100 }, (_, i) => ({ a: i % 7, b: (i * 3) % 5, c: (i * 11) % 4, flip: (i * 7 + (i % 3)) % 5 < 2 ? 'tails' : 'heads' }));

function softmax(row: unknown[]): number[] {
  const e = row.map((v) => Math.exp(Number(v) * 0.4));
  const sum = e.reduce((s, x) => s + x, 0);
  return e.map((x) => x / sum);
}

// ---- The reference, by definition (docs/evaluation.md). ----
function refClassification(truth: string[], probs: number[][]) {
  const predicted = probs.map((p) => CLASSES[p.indexOf(Math.max(...p))]);
  const occurring = CLASSES.filter((c) => truth.includes(c) || predicted.includes(c));
  const f1 = occurring.map((c) => {
    const tp = truth.filter((t, i) => t === c && predicted[i] === c).length;
    const np = predicted.filter((x) => x === c).length;
    const nt = truth.filter((t) => t === c).length;
    const p = np ? tp / np : 0;
    const r = nt ? tp / nt : 0;
    return p + r ? (2 * p * r) / (p + r) : 0;
  });
  return {
    ACCURACY: truth.filter((t, i) => t === predicted[i]).length / truth.length,
    MACRO_F1: ss.mean(f1),
    LOG_LOSS: ss.mean(truth.map((t, i) => -Math.log(Math.min(1 - 1e-15, Math.max(1e-15, probs[i][CLASSES.indexOf(t)]))))),
  };
}
/** Mann–Whitney: the share of (positive, negative) pairs the positive scores higher, a tie counting one half. */
function refRocAuc(positive: boolean[], score: number[]) {
  let wins = 0;
  let pairs = 0;
  for (let i = 0; i < score.length; i++) {
    if (!positive[i]) continue;
    for (let j = 0; j < score.length; j++) {
      if (positive[j]) continue;
      pairs++;
      wins += score[i] > score[j] ? 1 : score[i] === score[j] ? 0.5 : 0;
    }
  }
  return wins / pairs;
}
function refRegression(truth: number[], predicted: number[]) {
  const mse = ss.mean(truth.map((t, i) => (predicted[i] - t) ** 2));
  return {
    RMSE: Math.sqrt(mse),
    MAE: ss.mean(truth.map((t, i) => Math.abs(predicted[i] - t))),
    R2: 1 - (mse * truth.length) / ss.sum(truth.map((t) => (t - ss.mean(truth)) ** 2)),
  };
}

const SCORES = `id status error model modelVersion submitter publicScore publicInterval { low high confidence } publicMetrics { metric value } privateScore privateMetrics { metric value } createdAt scoredAt`;
const BOARD = `query($o: String!, $n: String!) { benchmark(owner: $o, name: $n) { open
  leaderboard { final entries { rank publicRank submitter submissions lastSubmittedAt submission { ${SCORES} } } }
  mySubmissions { ${SCORES} } } }`;

describe('Benchmark submissions and leaderboards', () => {
  let hub: TestHub;
  let alice: SignedUp;
  let bob: SignedUp;
  let carol: SignedUp;
  let agent: RawAgent;
  let realAgent: AgentProcess | undefined;
  let irisFiles: Map<string, Uint8Array>;
  const hidden = new Map<string, { key: number; row: number; part: string }[]>();

  const board = (token: string | undefined, name: string) => hub.graphql(BOARD, { o: alice.username, n: name }, token);
  const submit = (who: SignedUp, bench: string, model: { owner: string; name: string; version?: number }) =>
    hub.graphql(SUBMIT, { b: { owner: alice.username, name: bench }, m: { version: 1, ...model } }, who.token);

  /** Assignments of predict jobs `raw` received. */
  const assigns = (raw: RawAgent) => raw.received.filter((m) => m.type === 'job.assign' && m.kind === 'predict');

  /** Answers one run as an agent would, with `predict(row, index)`; returns what the agent saw. */
  async function serve(assign: any, predict: (row: unknown[], i: number) => number[]) {
    const job = predictDoor(hub.url, assign, CHUNK_ROWS);
    const { columns, rows, texts } = await job.readAll();
    const outputs = rows.map(predict);
    for (let at = 0; at < outputs.length; at += CHUNK_ROWS) {
      const res = await job.post(at, outputs.slice(at, at + CHUNK_ROWS));
      expect(res.status).toBe(200);
    }
    agent.socket.send(JSON.stringify({ type: 'job.started', jobId: assign.jobId, attempt: assign.attempt }));
    agent.socket.send(JSON.stringify({ type: 'job.succeeded', jobId: assign.jobId, attempt: assign.attempt, result: { rows: rows.length } }));
    return { columns, rows, texts, outputs };
  }

  async function scored(who: SignedUp, bench: string, id: string): Promise<any> {
    return waitFor(`submission ${id} scored`, async () => {
      const res = await board(who.token, bench);
      const mine = res.data?.benchmark.mySubmissions.find((s: any) => s.id === id);
      if (mine?.status === 'FAILED') throw new Error(mine.error);
      return mine?.status === 'SCORED' ? mine : undefined;
    });
  }

  /** Submits and answers the run on alice's node; the submission once scored, and what the agent saw. */
  async function submitAndServe(who: SignedUp, bench: string, model: string, predict: (row: unknown[], i: number) => number[]) {
    const seen = assigns(agent).length;
    const res = await submit(who, bench, { owner: who.username, name: model });
    expect(res.errors).toBeUndefined();
    // Its run may be claimed before the answer leaves the hub.
    expect(['QUEUED', 'RUNNING']).toContain(res.data.submitToBenchmark.status);
    const assign = await waitFor('job.assign', async () => assigns(agent)[seen]);
    const served = await serve(assign, predict);
    return { submission: await scored(who, bench, res.data.submitToBenchmark.id), served, assign };
  }

  /** The true label and part of each served row, from the source dataset (the hidden table gives each key's source row and part). */
  function truthOf(bench: string, source: Record<string, unknown>[], label: string, served: unknown[][]) {
    const keys = hidden.get(bench)!;
    expect(served.length).toBe(keys.length);
    // The stream is in key order; _row counts the source file's rows from 1.
    return keys.map((k, i) => {
      const src = source[k.row - 1];
      expect(served[i]).toEqual([src.a, src.b, src.c]);
      return { label: src[label], part: k.part };
    });
  }

  beforeAll(async () => {
    // One node answers each run with made-up predictions: no replication, no spot checks (verified-evaluation.test.ts tests those).
    hub = await startTestHub({ env: { ...FAST_SCHEDULER, AIMASS_JOB_LEASE_SECONDS: '60', AIMASS_TRAIN_CHUNK_ROWS: String(CHUNK_ROWS), AIMASS_ML_WAIT_MS: '60000', ...UNVERIFIED } });
    [alice, bob, carol] = [await signUp(hub), await signUp(hub), await signUp(hub)];
    for (const [name, rows] of [['flowers', flowers], ['houses', houses], ['coins', coins]] as const) {
      await createDataset(hub, alice.token, { name, visibility: 'PUBLIC' });
      expect((await upload(hub, alice.token, alice.username, name, csv(rows))).status).toBe(201);
    }
    const create = (input: object) =>
      hub.graphql(`mutation($input: CreateBenchmarkInput!) { createBenchmark(input: $input) { id testRowCount publicRowCount } }`, { input }, alice.token);
    for (const input of [
      { name: 'iris', dataset: `${alice.username}/flowers@1`, label: 'species', task: 'CLASSIFICATION', metric: 'ACCURACY', secondaryMetrics: ['MACRO_F1', 'LOG_LOSS'], rules: { submissionsPerDay: 2 } },
      { name: 'prices', dataset: `${alice.username}/houses@1`, label: 'price', task: 'REGRESSION', metric: 'RMSE', secondaryMetrics: ['MAE', 'R2'] },
      { name: 'secret-iris', dataset: `${alice.username}/flowers@1`, label: 'species', task: 'CLASSIFICATION', metric: 'ACCURACY', visibility: 'PRIVATE' },
      { name: 'flips', dataset: `${alice.username}/coins@1`, label: 'flip', task: 'CLASSIFICATION', metric: 'ROC_AUC', secondaryMetrics: ['ACCURACY', 'LOG_LOSS'] },
    ]) {
      const res = await create({ visibility: 'PUBLIC', split: { testFraction: 0.5, publicFraction: 0.5, seed: 3 }, ...input });
      expect(res.errors).toBeUndefined();
      const [{ hidden_table: table }] = await hub.sql(`SELECT hidden_table FROM benchmarks WHERE id = $1`, [res.data.createBenchmark.id]);
      const rows = await hub.sql(`SELECT __key::int AS key, __row::int AS row, __part AS part FROM ${table} ORDER BY __key`);
      hidden.set(input.name, rows);
    }
    const standardized = (name: string) => ({ name, type: 'NUMBER', preprocessing: { kind: 'STANDARDIZE', mean: 4.5, std: 2.9 } });
    const models: [SignedUp, string, string, Map<string, Uint8Array>, object][] = [
      [alice, 'iris3', 'PUBLIC', (irisFiles = await modelFiles(3, 'softmax')), { features: ['a', 'b', 'c'].map(standardized), labels: CLASSES }],
      [alice, 'secret3', 'PRIVATE', await modelFiles(3, 'softmax'), { features: ['a', 'b', 'c'].map(standardized), labels: CLASSES }],
      [alice, 'price', 'PUBLIC', await modelFiles(1, 'linear'), { features: ['a', 'b', 'c'].map(standardized) }],
      [alice, 'secretprice', 'PRIVATE', await modelFiles(1, 'linear'), { features: ['a', 'b', 'c'].map(standardized) }],
      [alice, 'coin2', 'PUBLIC', await modelFiles(2, 'softmax'), { features: ['a', 'b', 'c'].map(standardized), labels: ['heads', 'tails'] }],
      [alice, 'wrongcols', 'PUBLIC', await modelFiles(3, 'softmax'), { features: ['a', 'b', 'z'].map(standardized), labels: CLASSES }],
      [bob, 'iris3', 'PUBLIC', await modelFiles(3, 'softmax'), { features: ['a', 'b', 'c'].map(standardized), labels: CLASSES }],
      [carol, 'iris3', 'PUBLIC', await modelFiles(3, 'softmax'), { features: ['a', 'b', 'c'].map(standardized), labels: CLASSES }],
    ];
    for (const [who, name, visibility, files, metadata] of models) {
      await createModel(hub, who.token, { name, visibility });
      expect((await uploadFiles(hub, who.token, who.username, name, files)).status).toBe(201);
      const set = await hub.graphql(
        `mutation($o: String!, $n: String!, $input: ModelVersionMetadataInput!) { setModelVersionMetadata(owner: $o, name: $n, number: 1, input: $input) { number } }`,
        { o: who.username, n: name, input: metadata },
        who.token,
      );
      expect(set.errors).toBeUndefined();
    }
    agent = await connectRawAgent(hub, (await registerNode(hub, alice.token, 'alices-node')).token);
  }, 180_000);

  afterAll(async () => {
    agent?.socket.close();
    await realAgent?.stop();
    await hub?.close();
  });

  let aliceProbs: number[][] = [];

  it('serves the run the hidden features only, and the board shows the hub’s scores of the returned probabilities: public part with its interval, no private score to others', async () => {
    const { submission, served, assign } = await submitAndServe(alice, 'iris', 'iris3', softmax);
    expect(assign.payload.rowCount).toBe(hidden.get('iris')!.length);
    expect(Object.keys(assign.payload).sort()).toEqual(['chunkRows', 'features', 'files', 'labels', 'model', 'rowCount', 'task']);
    expect(served.columns).toEqual(['a', 'b', 'c']);
    const stream = served.texts.join('\n');
    expect(stream).not.toMatch(/species|setosa|versicolor|virginica|public|private|__key|__part|__row|"key"/);
    for (const row of served.rows) expect(row.every((v) => typeof v === 'number')).toBe(true);
    aliceProbs = served.outputs;

    const truth = truthOf('iris', flowers, 'species', served.rows);
    const part = (p: string) => truth.map((t, i) => ({ ...t, probs: served.outputs[i] })).filter((t) => t.part === p);
    const pub = refClassification(part('public').map((t) => String(t.label)), part('public').map((t) => t.probs));
    const priv = refClassification(part('private').map((t) => String(t.label)), part('private').map((t) => t.probs));

    // Alice administers the benchmark: she sees the private scores before the deadline.
    expect(submission.publicScore).toBeCloseTo(pub.ACCURACY, 9);
    for (const m of submission.publicMetrics) expect(m.value, m.metric).toBeCloseTo(pub[m.metric as keyof typeof pub], 9);
    expect(submission.publicMetrics.map((m: any) => m.metric)).toEqual(['ACCURACY', 'MACRO_F1', 'LOG_LOSS']);
    expect(submission.privateScore).toBeCloseTo(priv.ACCURACY, 9);
    for (const m of submission.privateMetrics) expect(m.value, m.metric).toBeCloseTo(priv[m.metric as keyof typeof priv], 9);
    expect(submission.publicInterval.confidence).toBe(0.95);
    expect(submission.publicInterval.low).toBeLessThanOrEqual(submission.publicScore);
    expect(submission.publicInterval.high).toBeGreaterThanOrEqual(submission.publicScore);
    expect(submission.publicInterval.high).toBeGreaterThan(submission.publicInterval.low);

    // Anyone else (bob, a visitor) sees the public score and nothing private.
    for (const token of [bob.token, undefined]) {
      const res = await board(token, 'iris');
      expect(res.errors).toBeUndefined();
      const { leaderboard } = res.data.benchmark;
      expect(leaderboard.final).toBe(false);
      expect(leaderboard.entries).toHaveLength(1);
      const [entry] = leaderboard.entries;
      expect(entry).toMatchObject({ rank: 1, publicRank: null, submitter: alice.username, submissions: 1 });
      expect(entry.submission).toMatchObject({ model: `${alice.username}/iris3`, modelVersion: 1, privateScore: null, privateMetrics: null });
      expect(entry.submission.publicScore).toBeCloseTo(pub.ACCURACY, 9);
    }
  }, 120_000);

  it('scores a regression benchmark: RMSE, MAE and R² on each part equal this test’s computation', async () => {
    const { submission, served } = await submitAndServe(alice, 'prices', 'price', plane);
    const truth = truthOf('prices', houses, 'price', served.rows);
    const part = (p: string) => truth.map((t, i) => ({ label: Number(t.label), part: t.part, value: served.outputs[i][0] })).filter((t) => t.part === p);
    const pub = refRegression(part('public').map((t) => t.label), part('public').map((t) => t.value));
    const priv = refRegression(part('private').map((t) => t.label), part('private').map((t) => t.value));
    expect(submission.publicScore).toBeCloseTo(pub.RMSE, 9);
    expect(submission.privateScore).toBeCloseTo(priv.RMSE, 9);
    for (const m of submission.publicMetrics) expect(m.value, m.metric).toBeCloseTo(pub[m.metric as keyof typeof pub], 9);
    for (const m of submission.privateMetrics) expect(m.value, m.metric).toBeCloseTo(priv[m.metric as keyof typeof priv], 9);

    // By SQL: ML.EVALUATE with a BENCHMARK submits the same way and answers once scored.
    const seen = assigns(agent).length;
    const answer = hub.graphql(`mutation($q: String!) { runSql(query: $q) { statement columns { name } rows } }`, { q: `SELECT * FROM ML.EVALUATE(MODEL ${alice.username}.price@1, BENCHMARK ${alice.username}.prices)` }, alice.token);
    await serve(await waitFor('job.assign', async () => assigns(agent)[seen]), plane);
    const res = await answer;
    expect(res.errors).toBeUndefined();
    expect(res.data.runSql.statement).toBe('ML_EVALUATE');
    const row = Object.fromEntries(res.data.runSql.columns.map((c: { name: string }, i: number) => [c.name, res.data.runSql.rows[0][i]]));
    expect(row).toMatchObject({ status: 'SCORED', benchmark: `${alice.username}.prices`, model: `${alice.username}/price@1`, error: null });
    expect(row.public_score).toBeCloseTo(pub.RMSE, 9);
    expect(row.private_score).toBeCloseTo(priv.RMSE, 9); // alice administers the benchmark
  }, 120_000);

  it('scores a two-class ROC AUC benchmark: ROC AUC, accuracy and log loss on each part equal this test’s computation', async () => {
    // Scores with ties (features are small integers), so tied pairs count.
    const flipProbs = (row: unknown[]) => {
      const tails = 1 / (1 + Math.exp(-(Number(row[0]) - Number(row[1]) * 0.5 - 1)));
      return [1 - tails, tails];
    };
    const { submission, served } = await submitAndServe(alice, 'flips', 'coin2', flipProbs);
    const truth = truthOf('flips', coins, 'flip', served.rows);
    const part = (p: string) => truth.map((t, i) => ({ label: String(t.label), part: t.part, probs: served.outputs[i] })).filter((t) => t.part === p);
    for (const [name, scores, metrics] of [
      ['public', submission.publicScore, submission.publicMetrics],
      ['private', submission.privateScore, submission.privateMetrics],
    ] as const) {
      const rows = part(name);
      const auc = refRocAuc(rows.map((r) => r.label === 'tails'), rows.map((r) => r.probs[1]));
      expect(scores, name).toBeCloseTo(auc, 9);
      const byName = Object.fromEntries(metrics.map((m: { metric: string; value: number }) => [m.metric, m.value]));
      expect(Object.keys(byName)).toEqual(['ROC_AUC', 'ACCURACY', 'LOG_LOSS']);
      expect(byName.ROC_AUC, name).toBeCloseTo(auc, 9);
      const predicted = rows.map((r) => (r.probs[1] > r.probs[0] ? 'tails' : 'heads'));
      expect(byName.ACCURACY, name).toBeCloseTo(rows.filter((r, i) => r.label === predicted[i]).length / rows.length, 9);
      expect(byName.LOG_LOSS, name).toBeCloseTo(ss.mean(rows.map((r) => -Math.log(r.probs[r.label === 'tails' ? 1 : 0]))), 9);
    }
  }, 120_000);

  it('keeps the hidden labels out of every field of a benchmark with scored submissions (its leaderboard and submissions included), for its admin and for others', async () => {
    // The hidden prices that no dev row has: one of them in an answer could only come from the hidden split.
    const hiddenRows = new Set(hidden.get('prices')!.map((k) => k.row));
    const devPrices = new Set(houses.filter((_h, i) => !hiddenRows.has(i + 1)).map((h) => String(h.price)));
    const hiddenPrices = [...hiddenRows].map((row) => String(houses[row - 1].price)).filter((p) => !devPrices.has(p));
    expect(hiddenPrices.length).toBeGreaterThan(10);
    const selection = await everyField(hub, 'Benchmark', alice.token);
    expect(selection).toMatch(/leaderboard \{ final entries \{/);
    expect(selection).toMatch(/mySubmissions \{/);
    for (const token of [alice.token, bob.token, undefined]) {
      const res = await hub.graphql(`query($o: String!) { benchmark(owner: $o, name: "prices") { ${selection} } }`, { o: alice.username }, token);
      if (token === alice.token) expect(res.errors).toBeUndefined();
      // The scored submissions are in the answer (the scan is meaningful)…
      expect(res.data.benchmark.leaderboard.entries.length).toBeGreaterThan(0);
      if (token === alice.token) expect(res.data.benchmark.mySubmissions.length).toBeGreaterThan(0);
      // …the dev rows too, and not one hidden label.
      const text = JSON.stringify(res.data);
      for (const price of hiddenPrices) expect(text).not.toContain(price);
    }
  });

  it('refuses a model the submitter cannot read, one whose features or task do not match, and submissions over the daily limit', async () => {
    // The submit form's list: alice's versions the benchmark can evaluate, by the same rules.
    const compatible = await hub.graphql(`query($o: String!, $n: String!) { benchmark(owner: $o, name: $n) { compatibleModelVersions { owner name version } } }`, { o: alice.username, n: 'iris' }, alice.token);
    // (coin2 knows two classes of the three: it can be evaluated, a class it lacks counting as wrong.)
    expect(compatible.data.benchmark.compatibleModelVersions.map((v: any) => v.name).sort()).toEqual(['coin2', 'iris3', 'secret3']);
    const hiddenModel = await submit(bob, 'iris', { owner: alice.username, name: 'secret3' });
    expect(codeOf(hiddenModel)).toBe('NOT_FOUND');
    const wrongCols = await submit(alice, 'iris', { owner: alice.username, name: 'wrongcols' });
    expect(codeOf(wrongCols)).toBe('BAD_USER_INPUT');
    expect(wrongCols.errors![0].message).toContain('"z"');
    const wrongTask = await submit(alice, 'iris', { owner: alice.username, name: 'price' });
    expect(codeOf(wrongTask)).toBe('BAD_USER_INPUT');
    expect(wrongTask.errors![0].message).toContain('regression');

    // The limit is 2 a UTC day: alice's second is taken, her third is refused with a retry time.
    const second = await submitAndServe(alice, 'iris', 'iris3', (_row, i) => aliceProbs[i]);
    expect(second.submission.status).toBe('SCORED');
    const third = await submit(alice, 'iris', { owner: alice.username, name: 'iris3' });
    expect(codeOf(third)).toBe('RATE_LIMITED');
    const retry = Number(third.errors![0].extensions!.retryAfterSeconds);
    expect(retry).toBeGreaterThan(0);
    expect(retry).toBeLessThanOrEqual(86_400);
    const mine = (await board(alice.token, 'iris')).data.benchmark.mySubmissions;
    expect(mine).toHaveLength(2);
  }, 120_000);

  it('ranks by the public score while open and by the private score after the deadline, ties sharing a rank, and a graphql-ws client hears each change', async () => {
    let connected = false;
    const ws: Client = createClient({
      url: `${hub.url.replace('http', 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${bob.token}` },
      retryAttempts: 0,
      lazy: true,
      on: { connected: () => void (connected = true) },
    });
    const events: any[] = [];
    const dispose = ws.subscribe(
      { query: `subscription($o: String!, $n: String!) { leaderboardChanged(owner: $o, name: $n) { name leaderboard { entries { rank submitter submission { privateScore } } } } }`, variables: { o: alice.username, n: 'iris' } },
      { next: (v) => events.push(v), error: (e) => events.push({ error: e }), complete: () => undefined },
    );
    try {
      await waitFor('the subscription’s connection', async () => connected);

      // Bob returns alice's probabilities: the same scores on both parts, a tie.
      await submitAndServe(bob, 'iris', 'iris3', (_row, i) => aliceProbs[i]);
      await waitFor('an event for bob', async () => events.find((e) => e.data?.leaderboardChanged.leaderboard.entries.length === 2));
      const tie = events.find((e) => e.data?.leaderboardChanged.leaderboard.entries.length === 2).data.leaderboardChanged.leaderboard.entries;
      expect(tie.map((e: any) => e.rank)).toEqual([1, 1]);
      expect(tie.every((e: any) => e.submission.privateScore === null)).toBe(true);

      // Carol is right on every public row and wrong on every private one: first while open, last at the end.
      const parts = hidden.get('iris')!;
      const keys = parts.map((k) => ({ label: flowers[k.row - 1].species, part: k.part }));
      const oneHot = (label: string, right: boolean) => CLASSES.map((c) => ((c === label) === right ? (right ? 0.98 : 0.49) : right ? 0.01 : 0.02));
      const carolSub = await submitAndServe(carol, 'iris', 'iris3', (_row, i) => oneHot(String(keys[i].label), keys[i].part === 'public'));
      expect(carolSub.submission.publicScore).toBe(1);
      await waitFor('an event for carol', async () => events.find((e) => e.data?.leaderboardChanged.leaderboard.entries.length === 3));
      const open = (await board(bob.token, 'iris')).data.benchmark.leaderboard;
      expect(open.entries.map((e: any) => [e.submitter, e.rank])).toEqual([[carol.username, 1], [alice.username, 2], [bob.username, 2]]);
      expect(open.entries.find((e: any) => e.submitter === alice.username).submissions).toBe(2);
      expect(open.entries.every((e: any) => e.submission.privateScore === null && e.publicRank === null)).toBe(true);
    } finally {
      dispose();
      await ws.dispose();
    }

    // The deadline passes (set in the past by the benchmark's admin): the private ranking, revealed to all.
    const closed = await hub.graphql(
      `mutation($o: String!, $n: String!, $input: UpdateBenchmarkInput!) { updateBenchmark(owner: $o, name: $n, input: $input) { open } }`,
      { o: alice.username, n: 'iris', input: { deadline: new Date(Date.now() - 60_000).toISOString() } },
      alice.token,
    );
    expect(closed.errors).toBeUndefined();
    expect(closed.data.updateBenchmark.open).toBe(false);
    const final = (await board(bob.token, 'iris')).data.benchmark.leaderboard;
    expect(final.final).toBe(true);
    expect(final.entries.map((e: any) => [e.submitter, e.rank, e.publicRank])).toEqual([
      [alice.username, 1, 2],
      [bob.username, 1, 2],
      [carol.username, 3, 1],
    ]);
    expect(final.entries[0].submission.privateScore).toBe(final.entries[1].submission.privateScore);
    expect(final.entries[2].submission.privateScore).toBe(0);
    const late = await submit(bob, 'iris', { owner: bob.username, name: 'iris3' });
    expect(codeOf(late)).toBe('BAD_USER_INPUT');
    expect(late.errors![0].message).toContain('closed');
  }, 180_000);

  it('runs a private model, and a private benchmark’s rows, only on a node their owner trusts', async () => {
    const carolsNode = await connectRawAgent(hub, (await registerNode(hub, carol.token, 'carols-node')).token);
    const jobOf = async (submissionId: string) => (await hub.sql(`SELECT job_id FROM benchmark_runs WHERE submission_id = $1`, [submissionId]))[0].job_id;
    const JOB = `query($id: ID!) { job(id: $id) { status waitingReason } }`;
    try {
      const seen = assigns(agent).length;
      // A private model on a public benchmark: alice's node takes it (and is then busy).
      const privateModel = await submit(alice, 'prices', { owner: alice.username, name: 'secretprice' });
      expect(privateModel.errors).toBeUndefined();
      const first = await waitFor('job.assign on alice’s node', async () => assigns(agent)[seen]);
      expect(first.jobId).toBe(await jobOf(privateModel.data.submitToBenchmark.id));
      // A public model on a private benchmark: it waits for alice's node while carol's idle node gets nothing.
      const privateData = await submit(alice, 'secret-iris', { owner: alice.username, name: 'iris3' });
      expect(privateData.errors).toBeUndefined();
      const secondJob = await jobOf(privateData.data.submitToBenchmark.id);
      const waiting = await waitFor('waiting for a trusted node', async () => {
        const job = (await hub.graphql(JOB, { id: secondJob }, alice.token)).data?.job;
        return job?.status === 'QUEUED' && job.waitingReason ? job : undefined;
      });
      expect(waiting.waitingReason).toMatch(/trust/);
      expect(assigns(carolsNode)).toHaveLength(0);

      await serve(first, plane);
      await scored(alice, 'prices', privateModel.data.submitToBenchmark.id);
      const second = await waitFor('the private benchmark’s run on alice’s node', async () => assigns(agent).find((a) => a.jobId === secondJob));
      await serve(second, softmax);
      const done = await scored(alice, 'secret-iris', privateData.data.submitToBenchmark.id);
      expect(done.publicScore).toBeGreaterThanOrEqual(0);
      expect(assigns(carolsNode)).toHaveLength(0);
    } finally {
      carolsNode.socket.close();
    }
  }, 120_000);

  it('shows a submission whose run was canceled as FAILED with the reason, and it does not count for the day', async () => {
    const seen = assigns(agent).length;
    const mineBefore = (await board(alice.token, 'prices')).data.benchmark.mySubmissions.length;
    const res = await submit(alice, 'prices', { owner: alice.username, name: 'price' });
    expect(res.errors).toBeUndefined();
    const assign = await waitFor('job.assign', async () => assigns(agent)[seen]);
    const canceled = await hub.graphql(`mutation($id: ID!) { cancelJob(id: $id) { status } }`, { id: assign.jobId }, alice.token);
    expect(canceled.errors).toBeUndefined();
    const failed = await waitFor('FAILED', async () => {
      const mine = (await board(alice.token, 'prices')).data.benchmark.mySubmissions.find((s: any) => s.id === res.data.submitToBenchmark.id);
      return mine?.status === 'FAILED' ? mine : undefined;
    });
    expect(failed.error).toContain('canceled');
    expect((await board(alice.token, 'prices')).data.benchmark.mySubmissions).toHaveLength(mineBefore + 1);
    const [{ n }] = await hub.sql(
      `SELECT count(*)::int AS n FROM benchmark_submissions s JOIN benchmarks b ON b.id = s.benchmark_id WHERE b.name = 'prices' AND s.created_at >= date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'`,
    );
    // prices allows 5 a day: alice made n, one of them canceled, so she has 5 − (n − 1) left, and no more.
    const left = 5 - (n - 1);
    expect(left).toBeGreaterThan(0);
    const made: string[] = [];
    for (let i = 0; i < left; i++) {
      const more = await submit(alice, 'prices', { owner: alice.username, name: 'price' });
      expect(more.errors, `submission ${i + 1} of the ${left} left`).toBeUndefined();
      made.push(more.data.submitToBenchmark.id);
    }
    expect(codeOf(await submit(alice, 'prices', { owner: alice.username, name: 'price' }))).toBe('RATE_LIMITED');
    for (const id of made) {
      const [{ job_id }] = await hub.sql(`SELECT job_id FROM benchmark_runs WHERE submission_id = $1`, [id]);
      expect((await hub.graphql(`mutation($id: ID!) { cancelJob(id: $id) { status } }`, { id: job_id }, alice.token)).errors).toBeUndefined();
    }
  }, 120_000);

  it('end to end: a real agent runs the model on the hidden features and the hub’s score is the model’s own', async () => {
    agent.socket.close();
    await agent.closed;
    realAgent = spawnAgent(['--hub', hub.url, '--token', (await registerNode(hub, alice.token, 'alices-real-node')).token, '--name', 'real']);
    await realAgent.waitFor(/connected to hub/);
    const res = await submit(alice, 'secret-iris', { owner: alice.username, name: 'iris3' });
    expect(res.errors).toBeUndefined();
    const done = await scored(alice, 'secret-iris', res.data.submitToBenchmark.id);

    // The same model, run here on the hidden rows' features (standardized as its signature says).
    const manifest = JSON.parse(new TextDecoder().decode(irisFiles.get('model.json')!));
    const bytes = irisFiles.get('weights.bin')!;
    const model = await tf.loadLayersModel(
      tf.io.fromMemory({ modelTopology: manifest.modelTopology, weightSpecs: manifest.weightsManifest[0].weights, weightData: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer }),
    );
    const keys = hidden.get('secret-iris')!.filter((k) => k.part === 'public');
    const rows = keys.map((k) => flowers[k.row - 1]);
    const input = tf.tensor2d(rows.map((r) => [r.a, r.b, r.c].map((v) => (v - 4.5) / 2.9)));
    const probs = (model.predict(input) as tf.Tensor).arraySync() as number[][];
    input.dispose();
    model.dispose();
    const want = refClassification(rows.map((r) => r.species), probs);
    // float32 on two backends: a near-tie may fall the other way for at most a row.
    expect(Math.abs(done.publicScore - want.ACCURACY)).toBeLessThanOrEqual(1 / rows.length + 1e-9);
    expect(done.publicMetrics.find((m: any) => m.metric === 'ACCURACY').value).toBe(done.publicScore);
    expect(done.publicInterval.low).toBeLessThanOrEqual(done.publicScore);
  }, 180_000);
});
