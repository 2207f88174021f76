/**
 * Champion and challenger on a real hub, real PostgreSQL and a real agent process that trains,
 * evaluates and serves: versions of a classifier trained by SQL (a weak one, a strong one, a weak
 * one again) compared with the production version on a holdout query, each scored by the hub's
 * ML.EVALUATE. A better challenger is promoted: the `production` alias moves, a deployment
 * following it rolls over to the new version with no failed request while traffic flows (the
 * reconciler's tick is slowed to ten minutes, so only the alias-moved signal can move it), and
 * the version is published with a changelog of data and scores. A worse one is kept as a draft
 * and the comparison says why in numbers. Owners promote by hand and roll back through the
 * history of production; every step is in the model's timeline, the owner's inbox and webhook.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnAgent, type AgentProcess } from './support/agent.js';
import { FAST_SCHEDULER, registerNode, UNVERIFIED, waitFor, waitForJob } from './support/compute.js';
import { createDataset, upload } from './support/datasets.js';
import { startTestHub, type TestHub } from './support/hub.js';
import { apiKey, createDeployment, getDeployment, tfServingPredict, waitForDeployment, type HttpAnswer } from './support/serving.js';
import { csv, flowers } from './support/synthetic-data.js';
import { codeOf, signUp, type SignedUp } from './support/users.js';
import { startReceiver } from './support/webhook-receiver.js';

const COMPARISON = `id challengerVersion championVersion method status decides wins promoted reason holdoutSql dataVersions createdAt finishedAt
  rule { metric minImprovement tolerance lowerIsBetter custom }
  scores { metric words champion challenger lowerIsBetter }`;
const COMPARE = `mutation($o: String!, $n: String!, $c: Int!, $h: String, $p: Boolean!) { compareVersions(owner: $o, name: $n, challenger: $c, holdoutSql: $h, promote: $p) { ${COMPARISON} } }`;
const ONE = `query($id: ID!) { promotionComparison(id: $id) { ${COMPARISON} } }`;
const MODEL = `query($o: String!, $n: String!) { model(owner: $o, name: $n) {
  aliases { alias number }
  promotionRule { metric minImprovement tolerance lowerIsBetter custom }
  promotionComparisons(first: 10) { edges { node { id challengerVersion promoted } } }
  timeline(first: 50) { edges { node { kind version message detail } } } } }`;

describe('champion and challenger: compare on a holdout, promote, keep, promote by hand, roll back', () => {
  let hub: TestHub;
  let alice: SignedUp;
  let stranger: SignedUp;
  let agent: AgentProcess;
  let key: string;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  const holdout = () => `SELECT petal, sepal, color, species FROM ${alice.username}.flowers_holdout@1`;
  const records = flowers(30, 11, 0).map(({ petal, sepal, color }) => ({ petal, sepal, color }));

  const gql = (query: string, variables: Record<string, unknown>, token = alice.token): Promise<any> => hub.graphql(query, variables, token);
  const model = async () => {
    const res = await gql(MODEL, { o: alice.username, n: 'iris' });
    expect(res.errors).toBeUndefined();
    return res.data.model;
  };
  const production = async () => (await model()).aliases.find((a: any) => a.alias === 'production')?.number ?? null;
  const timelineKinds = async () => (await model()).timeline.edges.map((e: any) => e.node.kind);
  /** The deployment serves `version` only: every ready replica is of it (a stopped one may still be listed until its job ends). */
  const servesOnly = (version: number) => (d: any) => {
    const ready = d.replicas.filter((r: any) => r.state === 'READY');
    return d.versionNumber === version && ready.length > 0 && ready.every((r: any) => r.versionNumber === version);
  };

  /** Trains the next version of alice.<name> by SQL: weak (one epoch at a tiny learning rate) or strong. */
  async function train(strength: 'weak' | 'strong', first = false, name = 'iris'): Promise<void> {
    const options =
      strength === 'strong'
        ? `hidden_units = [12], epochs = 20, learn_rate = 0.03`
        : `hidden_units = [2], epochs = 1, learn_rate = 0.0001`;
    const res = await gql(`mutation($q: String!) { runSql(query: $q) { rows } }`, {
      q: `CREATE ${first ? '' : 'OR REPLACE '}MODEL ${alice.username}.${name} OPTIONS (model_type = 'dnn_classifier', input_label_cols = ['species'], ${options}, early_stop = FALSE)
          AS SELECT petal, sepal, color, species FROM ${alice.username}.flowers_train`,
    });
    expect(res.errors).toBeUndefined();
    const job = await waitForJob(hub, alice.token, res.data.runSql.rows[0][0], (j) => j.status === 'SUCCEEDED' || j.status === 'FAILED', 180_000);
    expect(job.status).toBe('SUCCEEDED');
  }

  async function decided(id: string): Promise<any> {
    return waitFor(
      `comparison ${id} decided`,
      async () => {
        const res = await gql(ONE, { id });
        expect(res.errors).toBeUndefined();
        const c = res.data.promotionComparison;
        return c.status !== 'EVALUATING' && c;
      },
      180_000,
    );
  }

  beforeAll(async () => {
    // The reconciler's tick is slowed to ten minutes: a deployment moves with its alias only by the aliasMoved signal.
    [hub, receiver] = await Promise.all([
      startTestHub({ env: { ...FAST_SCHEDULER, ...UNVERIFIED, AIMASS_TRAIN_CHUNK_ROWS: '100', AIMASS_ML_WAIT_MS: '1000', AIMASS_SERVE_RECONCILE_MS: '600000', AIMASS_SERVE_SPREAD_WAIT_SECONDS: '0', AIMASS_WEBHOOK_ALLOW_PRIVATE: 'true' } }),
      startReceiver(),
    ]);
    alice = await signUp(hub);
    stranger = await signUp(hub);
    for (const [name, rows] of [
      ['flowers_train', flowers(400, 1, 0.05)],
      ['flowers_holdout', flowers(200, 9, 0)],
    ] as const) {
      await createDataset(hub, alice.token, { name, visibility: 'PRIVATE' });
      expect((await upload(hub, alice.token, alice.username, name, csv(rows as Record<string, unknown>[]))).status).toBe(201);
    }
    const node = await registerNode(hub, alice.token, 'worker');
    agent = spawnAgent(['--hub', hub.url, '--token', node.token, '--name', 'worker', '--slots', '4']);
    await agent.waitFor(/connected to hub/);
    key = await apiKey(hub, alice, ['INFERENCE']);
    await train('weak', true);
    // Publishing a promoted version needs a license on the model.
    expect((await gql(`mutation($o: String!) { updateModel(owner: $o, name: "iris", input: { license: "MIT" }) { id } }`, { o: alice.username })).errors).toBeUndefined();
    expect((await gql(`mutation($input: SubscribeInput!) { subscribe(input: $input) { subscription { id } } }`, { input: { kind: 'MODEL', owner: alice.username, name: 'iris', webhookUrl: receiver.url('/iris') } })).errors).toBeUndefined();
  }, 300_000);

  afterAll(async () => {
    await agent?.stop();
    await hub?.close();
    await receiver?.close();
  });

  it('promotes the first production version by hand; a deployment follows the production alias', async () => {
    const promoted = await gql(`mutation($o: String!) { promoteVersion(owner: $o, name: "iris", version: 1) { number status } }`, { o: alice.username });
    expect(promoted.errors).toBeUndefined();
    expect(promoted.data.promoteVersion.number).toBe(1);
    expect(await production()).toBe(1);
    const again = await gql(`mutation($o: String!) { promoteVersion(owner: $o, name: "iris", version: 1) { number } }`, { o: alice.username });
    expect(codeOf(again)).toBe('CONFLICT');

    await createDeployment(hub, alice.token, { name: 'iris-prod', model: `${alice.username}/iris`, alias: 'production', minReplicas: 1, maxReplicas: 1 });
    const ready = await waitForDeployment(hub, alice.token, alice.username, 'iris-prod', (d) => d.status === 'READY' && d.replicas.some((r: any) => r.state === 'READY'), 120_000);
    expect(ready.versionNumber).toBe(1);
    expect(await timelineKinds()).toContain('PROMOTED_BY_HAND');
  }, 180_000);

  it('has a default rule by task, which owners change and others cannot see or set', async () => {
    expect((await model()).promotionRule).toEqual({ metric: 'f1_score', minImprovement: 0, tolerance: 0.02, lowerIsBetter: false, custom: false });
    const set = await gql(`mutation($o: String!) { setPromotionRule(owner: $o, name: "iris", input: { minImprovement: 0.01, tolerance: 0.5 }) { metric minImprovement tolerance custom } }`, { o: alice.username });
    expect(set.errors).toBeUndefined();
    expect(set.data.setPromotionRule).toEqual({ metric: 'f1_score', minImprovement: 0.01, tolerance: 0.5, custom: true });
    const wrongTask = await gql(`mutation($o: String!) { setPromotionRule(owner: $o, name: "iris", input: { metric: "root_mean_squared_error" }) { metric } }`, { o: alice.username });
    expect(codeOf(wrongTask)).toBe('BAD_USER_INPUT');
    expect(wrongTask.errors[0].extensions.fields.map((f: any) => f.field)).toEqual(['metric']);
    const negative = await gql(`mutation($o: String!) { setPromotionRule(owner: $o, name: "iris", input: { tolerance: -1 }) { metric } }`, { o: alice.username });
    expect(codeOf(negative)).toBe('BAD_USER_INPUT');
    // A private model is NOT_FOUND to a stranger, whatever they ask.
    expect(codeOf(await gql(`mutation($o: String!) { setPromotionRule(owner: $o, name: "iris", input: { tolerance: 1 }) { metric } }`, { o: alice.username }, stranger.token))).toBe('NOT_FOUND');
    expect(codeOf(await gql(COMPARE, { o: alice.username, n: 'iris', c: 1, h: holdout(), p: true }, stranger.token))).toBe('NOT_FOUND');
  });

  it('refuses comparisons that cannot be made, naming the field, before any job runs', async () => {
    const jobs = async () => Number((await hub.sql(`SELECT count(*)::int AS n FROM jobs WHERE kind = 'predict'`))[0].n);
    const before = await jobs();
    const production1 = await gql(COMPARE, { o: alice.username, n: 'iris', c: 1, h: holdout(), p: true });
    expect(codeOf(production1)).toBe('BAD_USER_INPUT');
    expect(production1.errors?.[0].message).toContain('production version already');
    await train('strong');
    const noHoldout = await gql(COMPARE, { o: alice.username, n: 'iris', c: 2, h: null, p: true });
    expect(codeOf(noHoldout)).toBe('BAD_USER_INPUT');
    expect(noHoldout.errors?.[0].extensions?.fields[0].field).toBe('holdoutSql');
    const notSelect = await gql(COMPARE, { o: alice.username, n: 'iris', c: 2, h: `DELETE FROM ${alice.username}.flowers_holdout`, p: true });
    expect(codeOf(notSelect)).toBe('BAD_USER_INPUT');
    expect(codeOf(await gql(COMPARE, { o: alice.username, n: 'iris', c: 99, h: holdout(), p: true }))).toBe('NOT_FOUND');
    expect(await jobs()).toBe(before);
  }, 240_000);

  it('promotes a better challenger: production moves, the deployment rolls over with no failed request, the version is published with a changelog', async () => {
    const started = await gql(COMPARE, { o: alice.username, n: 'iris', c: 2, h: holdout(), p: true });
    expect(started.errors).toBeUndefined();
    expect(started.data.compareVersions).toMatchObject({ challengerVersion: 2, championVersion: 1, method: 'HOLDOUT', status: 'EVALUATING', decides: true });

    // Traffic flows on the deployment until it serves version 2 only.
    const answers: HttpAnswer[] = [];
    let i = 0;
    const traffic = waitFor(
      'the deployment serving version 2 only',
      async () => {
        const round = await Promise.all([0, 1, 2, 3].map((k) => tfServingPredict(hub, key, alice.username, 'iris-prod', { instances: [records[(i + k) % records.length]] })));
        i += 4;
        answers.push(...round);
        const d = await getDeployment(hub, alice.token, alice.username, 'iris-prod');
        return servesOnly(2)(d) && round.every((a) => a.headers.get('x-model-version') === '2');
      },
      240_000,
    );
    const comparison = await decided(started.data.compareVersions.id);
    expect(comparison.status).toBe('DECIDED');
    expect(comparison.wins).toBe(true);
    expect(comparison.promoted).toBe(true);
    const f1 = comparison.scores[0];
    expect(f1).toMatchObject({ metric: 'f1_score', words: 'macro F1', lowerIsBetter: false });
    expect(f1.challenger).toBeGreaterThan(f1.champion + 0.01);
    expect(comparison.reason).toContain(`macro F1 ${Number(f1.challenger.toFixed(4))} vs ${Number(f1.champion.toFixed(4))}: above the champion by`);
    expect(comparison.scores.map((s: any) => s.metric)).toEqual(['f1_score', 'accuracy', 'precision', 'recall', 'roc_auc', 'log_loss']);
    expect(comparison.rule).toEqual({ metric: 'f1_score', minImprovement: 0.01, tolerance: 0.5, lowerIsBetter: false, custom: true });
    expect(comparison.dataVersions).toEqual([`${alice.username}/flowers_train@1`]);
    expect(await production()).toBe(2);

    await traffic;
    expect(answers.length).toBeGreaterThan(0);
    expect(answers.filter((a) => a.status !== 200).map((a) => `${a.status} ${JSON.stringify(a.body)}`)).toEqual([]);
    expect(new Set(answers.map((a) => a.headers.get('x-model-version')))).toEqual(new Set(['1', '2']));

    // Published, with the changelog as its model card.
    const v2 = await gql(`query($o: String!) { modelVersion(owner: $o, name: "iris", number: 2) { status card } }`, { o: alice.username });
    expect(v2.data.modelVersion.status).toBe('PUBLISHED');
    expect(v2.data.modelVersion.card).toContain('## Changelog: version 2');
    expect(v2.data.modelVersion.card).toContain('replacing version 1');
    expect(v2.data.modelVersion.card).toContain(`\`${alice.username}/flowers_train@1\``);
    expect(v2.data.modelVersion.card).toMatch(/\| macro F1 \| [\d.]+ \| [\d.]+ \|/);

    // The timeline, the inbox and the webhook tell it.
    const timeline = (await model()).timeline.edges.map((e: any) => e.node);
    const promotedEvent = timeline.find((e: any) => e.kind === 'PROMOTED');
    expect(promotedEvent).toMatchObject({ version: 2 });
    expect(promotedEvent.message).toContain('Version 2 is production (was version 1)');
    expect(promotedEvent.detail).toMatchObject({ comparisonId: comparison.id, challenger: 2, champion: 1, promoted: true });
    expect(timeline.some((e: any) => e.kind === 'COMPARISON_STARTED' && e.version === 2)).toBe(true);
    const inbox = await gql(`{ notifications(first: 50) { edges { node { kind message version } } } }`, {});
    expect(inbox.data.notifications.edges.map((e: any) => e.node)).toContainEqual({ kind: 'MODEL_TIMELINE_EVENT', version: 2, message: `${alice.username}/iris: ${promotedEvent.message}` });
    const hook = await waitFor('the PROMOTED webhook', async () => receiver.at('/iris').map((r) => JSON.parse(r.body)).find((b) => b.modelEvent?.kind === 'PROMOTED'));
    expect(hook).toMatchObject({ type: 'MODEL_TIMELINE_EVENT', notification: { version: 2 }, modelEvent: { detail: { challenger: 2, champion: 1 } } });
  }, 300_000);

  it('keeps a worse challenger as a draft, and the comparison says why in numbers', async () => {
    await train('weak');
    const started = await gql(COMPARE, { o: alice.username, n: 'iris', c: 3, h: holdout(), p: true });
    expect(started.errors).toBeUndefined();
    const comparison = await decided(started.data.compareVersions.id);
    expect(comparison).toMatchObject({ status: 'DECIDED', challengerVersion: 3, championVersion: 2, wins: false, promoted: false });
    const f1 = comparison.scores[0];
    expect(f1.challenger).toBeLessThan(f1.champion);
    expect(comparison.reason).toBe(`macro F1 ${Number(f1.challenger.toFixed(4))} vs ${Number(f1.champion.toFixed(4))}: below the champion by ${Number((f1.champion - f1.challenger).toFixed(4))}, needs +0.01`);
    expect(await production()).toBe(2);
    const v3 = await gql(`query($o: String!) { modelVersion(owner: $o, name: "iris", number: 3) { status } }`, { o: alice.username });
    expect(v3.data.modelVersion.status).toBe('DRAFT');
    const kept = (await model()).timeline.edges.map((e: any) => e.node).find((e: any) => e.kind === 'KEPT');
    expect(kept.message).toBe(`Version 3 was not promoted: ${comparison.reason}`);
    expect((await getDeployment(hub, alice.token, alice.username, 'iris-prod')).versionNumber).toBe(2);
    const listed = (await model()).promotionComparisons.edges.map((e: any) => e.node);
    expect(listed.slice(0, 2)).toEqual([
      { id: comparison.id, challengerVersion: 3, promoted: false },
      { id: expect.any(String), challengerVersion: 2, promoted: true },
    ]);
  }, 300_000);

  it('promotes by hand and rolls production back through its history; the deployment follows each move', async () => {
    const byHand = await gql(`mutation($o: String!) { promoteVersion(owner: $o, name: "iris", version: 3) { number } }`, { o: alice.username });
    expect(byHand.errors).toBeUndefined();
    expect(await production()).toBe(3);
    await waitForDeployment(hub, alice.token, alice.username, 'iris-prod', servesOnly(3), 120_000);

    const back = async () => gql(`mutation($o: String!) { rollBackProduction(owner: $o, name: "iris") { number } }`, { o: alice.username });
    const first = await back();
    expect(first.errors).toBeUndefined();
    expect(first.data.rollBackProduction.number).toBe(2);
    expect(await production()).toBe(2);
    await waitForDeployment(hub, alice.token, alice.username, 'iris-prod', servesOnly(2), 120_000);
    expect((await back()).data.rollBackProduction.number).toBe(1);
    const none = await back();
    expect(codeOf(none)).toBe('CONFLICT');
    expect(await production()).toBe(1);
    const rolled = (await model()).timeline.edges.map((e: any) => e.node).filter((e: any) => e.kind === 'ROLLED_BACK');
    expect(rolled.map((e: any) => e.message)).toEqual([
      `${alice.username} rolled production back from version 2 to version 1`,
      `${alice.username} rolled production back from version 3 to version 2`,
    ]);
    expect(codeOf(await gql(`mutation($o: String!) { rollBackProduction(owner: $o, name: "iris") { number } }`, { o: alice.username }, stranger.token))).toBe('NOT_FOUND');
    // The model's continuous training is for those who may change it.
    const seen = await gql(MODEL, { o: alice.username, n: 'iris' }, stranger.token);
    expect(codeOf(seen)).toBe('NOT_FOUND');
  }, 300_000);

  it('compares on the verified scores of the benchmark the model is entered in, without a holdout', async () => {
    await createDataset(hub, alice.token, { name: 'flowers_bench', visibility: 'PRIVATE' });
    expect((await upload(hub, alice.token, alice.username, 'flowers_bench', csv(flowers(300, 21, 0) as unknown as Record<string, unknown>[]))).status).toBe(201);
    const bench = await gql(`mutation($input: CreateBenchmarkInput!) { createBenchmark(input: $input) { id } }`, {
      input: { name: 'iris-bench', dataset: `${alice.username}/flowers_bench@1`, label: 'species', task: 'CLASSIFICATION', metric: 'MACRO_F1', secondaryMetrics: ['ACCURACY'], visibility: 'PRIVATE', split: { testFraction: 0.5, publicFraction: 0.5, seed: 1 } },
    });
    expect(bench.errors).toBeUndefined();
    await train('weak', true, 'iris_b');
    expect((await gql(`mutation($o: String!) { promoteVersion(owner: $o, name: "iris_b", version: 1) { number } }`, { o: alice.username })).errors).toBeUndefined();
    const entered = await gql(`mutation($m: ModelRefInput!, $b: BenchmarkRefInput!) { enterStandingBenchmark(model: $m, benchmark: $b) { entered } }`, {
      m: { owner: alice.username, name: 'iris_b' },
      b: { owner: alice.username, name: 'iris-bench' },
    });
    expect(entered.errors).toBeUndefined();
    await train('strong', false, 'iris_b');

    const started = await gql(COMPARE, { o: alice.username, n: 'iris_b', c: 2, h: null, p: true });
    expect(started.errors).toBeUndefined();
    expect(started.data.compareVersions).toMatchObject({ method: 'BENCHMARK', championVersion: 1, status: 'EVALUATING' });
    const comparison = await decided(started.data.compareVersions.id);
    expect(comparison).toMatchObject({ status: 'DECIDED', wins: true, promoted: true });
    const byMetric = Object.fromEntries(comparison.scores.map((s: any) => [s.metric, s]));
    // The benchmark's verified scores: its metric (macro F1) and the secondary one it keeps (accuracy); nothing else.
    expect(byMetric.f1_score.challenger).toBeGreaterThan(byMetric.f1_score.champion);
    expect(byMetric.accuracy).toMatchObject({ champion: expect.any(Number), challenger: expect.any(Number) });
    expect(byMetric.roc_auc).toMatchObject({ champion: null, challenger: null });
    // They are the two versions' scored submissions on the board.
    const board = await gql(`query($o: String!) { benchmark(owner: $o, name: "iris-bench") { mySubmissions { modelVersion status publicScore } } }`, { o: alice.username });
    const mine = board.data.benchmark.mySubmissions.filter((s: any) => s.status === 'SCORED');
    expect(Object.fromEntries(mine.map((s: any) => [s.modelVersion, s.publicScore]))).toEqual({ 1: byMetric.f1_score.champion, 2: byMetric.f1_score.challenger });
    const production = (await gql(`query($o: String!) { model(owner: $o, name: "iris_b") { aliases { alias number } } }`, { o: alice.username })).data.model.aliases;
    expect(production).toContainEqual({ alias: 'production', number: 2 });
  }, 300_000);
});
