/**
 * Teams, standing benchmarks and model standings against a real hub and PostgreSQL, with a raw
 * agent (test/support/raw-agent.ts) answering every evaluation run so this test decides each
 * model's accuracy: a submission for an organization counts for its team (daily limit per team,
 * one board entry, a team larger than the rules allow or one the submitter is not in refused on
 * `team`); a model entered in a standing benchmark has its newest version and each new one
 * submitted by itself; Model.standings and the catalog's `bestOn` rank the models by their score
 * (the public one while a benchmark is open, the private one after its deadline);
 * and a model's subscribers hear (inbox and webhook) when it enters the top 10 and when it takes
 * first place.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createModel, uploadFiles } from './catalog-support.js';
import { FAST_SCHEDULER, registerNode, UNVERIFIED, waitFor } from './support/compute.js';
import { createDataset, upload } from './support/datasets.js';
import { startTestHub, type TestHub } from './support/hub.js';
import { predictDoor } from './support/predict-door.js';
import { connectRawAgent, type RawAgent } from './support/raw-agent.js';
import { denseModelFiles } from './support/tf-model.js';
import { codeOf, signUp, uniqueName, type SignedUp } from './support/users.js';

const CLASSES = ['setosa', 'versicolor', 'virginica'];
const CHUNK_ROWS = 50;

// The label is a function of `a`, so the agent can answer right or wrong on purpose.
const flowers = Array.from({ length: 120 }, (_, i) => ({ a: (i * 7) % 10, b: (i * 3) % 10, c: (i * 5 + 2) % 10, species: CLASSES[((i * 7) % 10) % 3] }));
const csv = (rows: Record<string, unknown>[]) => [Object.keys(rows[0]).join(','), ...rows.map((r) => Object.values(r).join(','))].join('\n') + '\n';
const oneHot = (c: number) => CLASSES.map((_, j) => (j === c ? 1 : 0));

const SUBMIT = `mutation($b: BenchmarkRefInput!, $m: ModelVersionRefInput!, $team: String) { submitToBenchmark(benchmark: $b, model: $m, team: $team) { id status team automatic submitter } }`;
const BOARD = `query($o: String!, $n: String!) { benchmark(owner: $o, name: $n) {
  leaderboard { entries { rank submitter submissions submission { id model modelVersion team publicScore } } }
  mySubmissions { id status error model modelVersion team automatic publicScore privateScore } } }`;
const STANDINGS = `query($o: String!, $n: String!) { model(owner: $o, name: $n) { standings { benchmark { owner name } rank score modelVersion models final entered team } } }`;
const BEST_ON = `query($on: String, $sort: ModelSort) { models(first: 20, filter: { bestOn: $on }, sort: $sort) { totalCount edges { node { owner name } } } }`;
const ENTER = `mutation($m: ModelRefInput!, $b: BenchmarkRefInput!, $team: String) { enterStandingBenchmark(model: $m, benchmark: $b, team: $team) { benchmark { name } entered team rank } }`;
const INBOX = `{ notifications(first: 50) { edges { node { kind message version subject { owner name } } } } }`;

async function startReceiver() {
  const received: { path: string; body: string }[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ path: req.url ?? '/', body: Buffer.concat(chunks).toString('utf8') });
      res.end('thanks');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: (path: string) => `${base}${path}`,
    at: (path: string) => received.filter((r) => r.path === path),
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

describe('Teams, standing benchmarks and model standings', () => {
  let hub: TestHub;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let alice: SignedUp;
  let bob: SignedUp;
  let carol: SignedUp;
  let dave: SignedUp;
  let agent: RawAgent;
  let files: Map<string, Uint8Array>;
  /** Per model (owner.name), the share of rows the agent answers right: rows with b below `wrongBelow` get a wrong class. */
  const wrongBelow = new Map<string, number>();
  let serving = true;
  let served = 0;
  const servedModels: string[] = [];

  const bench = (name: string) => ({ owner: alice.username, name });
  const submit = (who: SignedUp, benchName: string, model: { owner: string; name: string; version?: number }, team?: string) =>
    hub.graphql(SUBMIT, { b: bench(benchName), m: { version: 1, ...model }, team }, who.token);
  const board = (who: SignedUp | undefined, name: string) => hub.graphql(BOARD, { o: alice.username, n: name }, who?.token);

  /** Answers each evaluation run the raw agent is given, one at a time, with the accuracy set for its model. */
  async function serveForever() {
    while (serving) {
      const assign = agent.received.filter((m) => m.type === 'job.assign' && m.kind === 'predict')[served];
      if (!assign) {
        await new Promise((r) => setTimeout(r, 20));
        continue;
      }
      served++;
      const model = String(assign.payload.model).replace(/@\d+$/, '');
      servedModels.push(assign.payload.model);
      const below = wrongBelow.get(model) ?? 0;
      const job = predictDoor(hub.url, assign, CHUNK_ROWS);
      const { rows } = await job.readAll();
      const outputs = rows.map((r) => {
        const truth = Number(r[0]) % 3;
        return oneHot(Number(r[1]) < below ? (truth + 1) % 3 : truth);
      });
      for (let at = 0; at < outputs.length; at += CHUNK_ROWS) expect((await job.post(at, outputs.slice(at, at + CHUNK_ROWS))).status).toBe(200);
      agent.socket.send(JSON.stringify({ type: 'job.started', jobId: assign.jobId, attempt: assign.attempt }));
      agent.socket.send(JSON.stringify({ type: 'job.succeeded', jobId: assign.jobId, attempt: assign.attempt, result: { rows: rows.length } }));
    }
  }

  async function scored(who: SignedUp, benchName: string, id: string): Promise<any> {
    return waitFor(`submission ${id} scored`, async () => {
      const mine = (await board(who, benchName)).data?.benchmark.mySubmissions.find((s: any) => s.id === id);
      if (mine?.status === 'FAILED') throw new Error(mine.error);
      return mine?.status === 'SCORED' ? mine : undefined;
    });
  }

  async function newModel(who: SignedUp, name: string, wrong: number, visibility = 'PUBLIC') {
    wrongBelow.set(`${who.username}.${name}`, wrong);
    await createModel(hub, who.token, { name, visibility });
    await newVersion(who, name, 1);
  }

  async function newVersion(who: SignedUp, name: string, number: number) {
    expect((await uploadFiles(hub, who.token, who.username, name, files)).status).toBe(201);
    const set = await hub.graphql(
      `mutation($o: String!, $n: String!, $v: Int!, $input: ModelVersionMetadataInput!) { setModelVersionMetadata(owner: $o, name: $n, number: $v, input: $input) { number } }`,
      { o: who.username, n: name, v: number, input: { features: ['a', 'b', 'c'].map((f) => ({ name: f, type: 'NUMBER', preprocessing: { kind: 'STANDARDIZE', mean: 4.5, std: 2.9 } })), labels: CLASSES } },
      who.token,
    );
    expect(set.errors).toBeUndefined();
  }

  async function organization(owner: SignedUp, members: SignedUp[]): Promise<string> {
    const handle = uniqueName('team');
    expect((await hub.graphql(`mutation($h: String!) { createOrganization(input: { handle: $h }) { id } }`, { h: handle }, owner.token)).errors).toBeUndefined();
    for (const m of members) {
      const add = await hub.graphql(`mutation($o: String!, $u: String!) { addOrganizationMember(input: { organization: $o, username: $u }) { role } }`, { o: handle, u: m.username }, owner.token);
      expect(add.errors).toBeUndefined();
    }
    return handle;
  }

  beforeAll(async () => {
    [hub, receiver, files] = await Promise.all([
      startTestHub({ env: { ...FAST_SCHEDULER, ...UNVERIFIED, AIMASS_JOB_LEASE_SECONDS: '60', AIMASS_TRAIN_CHUNK_ROWS: String(CHUNK_ROWS), AIMASS_WEBHOOK_ALLOW_PRIVATE: 'true' } }),
      startReceiver(),
      denseModelFiles(3, 'softmax'),
    ]);
    [alice, bob, carol, dave] = [await signUp(hub), await signUp(hub), await signUp(hub), await signUp(hub)];
    await createDataset(hub, alice.token, { name: 'flowers', visibility: 'PUBLIC' });
    expect((await upload(hub, alice.token, alice.username, 'flowers', csv(flowers))).status).toBe(201);
    for (const input of [
      { name: 'iris', rules: { submissionsPerDay: 5, teamSize: 2 } },
      { name: 'iris-teams', rules: { submissionsPerDay: 2, teamSize: 2 } },
      { name: 'iris-contest', deadline: new Date(Date.now() + 86_400_000).toISOString() },
    ]) {
      const res = await hub.graphql(`mutation($input: CreateBenchmarkInput!) { createBenchmark(input: $input) { id } }`, {
        input: { dataset: `${alice.username}/flowers@1`, label: 'species', task: 'CLASSIFICATION', metric: 'ACCURACY', visibility: 'PUBLIC', split: { testFraction: 0.5, publicFraction: 0.5, seed: 1 }, ...input },
      }, alice.token);
      expect(res.errors).toBeUndefined();
    }
    agent = await connectRawAgent(hub, (await registerNode(hub, alice.token, 'alices-node')).token);
    void serveForever();
  }, 180_000);

  afterAll(async () => {
    serving = false;
    agent?.socket.close();
    await receiver?.close();
    await hub?.close();
  });

  it('counts a submission for an organization as its team’s: the daily limit is the team’s, the board ranks the team once, and a team too large or not yours is refused on `team`', async () => {
    const team = await organization(alice, [bob]); // 2 members: the rule's most
    const crowd = await organization(carol, [bob, dave]); // 3 members
    await newModel(alice, 'team-a', 2);
    await newModel(bob, 'team-b', 0);
    await newModel(carol, 'team-c', 4);

    // Not a member; a team above rules.teamSize.
    for (const [who, model, handle, words] of [
      [carol, 'team-c', team, /not a member/],
      [carol, 'team-c', crowd, /3 members.*at most 2/],
    ] as const) {
      const res = await submit(who, 'iris-teams', { owner: who.username, name: model }, handle);
      expect(codeOf(res)).toBe('BAD_USER_INPUT');
      expect(res.errors![0].extensions!.fields).toEqual([expect.objectContaining({ field: 'team' })]);
      expect(res.errors![0].message).toMatch(words);
    }

    const first = await submit(alice, 'iris-teams', { owner: alice.username, name: 'team-a' }, team);
    expect(first.errors).toBeUndefined();
    expect(first.data.submitToBenchmark).toMatchObject({ team, automatic: false, submitter: alice.username });
    const second = await submit(bob, 'iris-teams', { owner: bob.username, name: 'team-b' }, team);
    expect(second.errors).toBeUndefined();
    // The team made the two its day allows: bob's third is refused though he made only one.
    const third = await submit(bob, 'iris-teams', { owner: bob.username, name: 'team-b' }, team);
    expect(codeOf(third)).toBe('RATE_LIMITED');
    expect(third.errors![0].message).toContain(`the team ${team} made 2 of the 2`);
    // Alice competes for the team on this benchmark: alone, she is refused (no second name, no second limit).
    const alone = await submit(alice, 'iris-teams', { owner: alice.username, name: 'team-a' });
    expect(codeOf(alone)).toBe('BAD_USER_INPUT');
    expect(alone.errors![0].message).toContain(`for the team ${team}`);
    // Carol alone is not limited by the team.
    const carols = await submit(carol, 'iris-teams', { owner: carol.username, name: 'team-c' });
    expect(carols.errors).toBeUndefined();

    await scored(alice, 'iris-teams', first.data.submitToBenchmark.id);
    await scored(bob, 'iris-teams', second.data.submitToBenchmark.id);
    await scored(carol, 'iris-teams', carols.data.submitToBenchmark.id);
    const res = await board(undefined, 'iris-teams');
    expect(res.errors).toBeUndefined();
    const entries = res.data.benchmark.leaderboard.entries;
    // One entry for the team (its best: bob's, all right), one for carol.
    expect(entries.map((e: any) => [e.rank, e.submitter, e.submissions])).toEqual([
      [1, team, 2],
      [2, carol.username, 1],
    ]);
    expect(entries[0].submission).toMatchObject({ model: `${bob.username}/team-b`, team, publicScore: 1 });
    // Each member sees the team's submissions as theirs.
    const mine = (await board(alice, 'iris-teams')).data.benchmark.mySubmissions;
    expect(mine.map((s: any) => s.model).sort()).toEqual([`${alice.username}/team-a`, `${bob.username}/team-b`].sort());
  }, 120_000);

  it('submits an entered model’s newest version and each new one to a standing benchmark by itself; a benchmark with a deadline takes no entries', async () => {
    await newModel(dave, 'auto', 6);
    const contest = await hub.graphql(ENTER, { m: { owner: dave.username, name: 'auto' }, b: bench('iris-contest') }, dave.token);
    expect(codeOf(contest)).toBe('BAD_USER_INPUT');
    expect(contest.errors![0].extensions!.fields).toEqual([expect.objectContaining({ field: 'benchmark' })]);
    // Only who may write the model enters it.
    expect(codeOf(await hub.graphql(ENTER, { m: { owner: dave.username, name: 'auto' }, b: bench('iris') }, carol.token))).toBe('FORBIDDEN');

    const entered = await hub.graphql(ENTER, { m: { owner: dave.username, name: 'auto' }, b: bench('iris') }, dave.token);
    expect(entered.errors).toBeUndefined();
    expect(entered.data.enterStandingBenchmark).toMatchObject({ benchmark: { name: 'iris' }, entered: true, team: null });
    const v1 = await waitFor('version 1 submitted', async () => (await board(dave, 'iris')).data.benchmark.mySubmissions.find((s: any) => s.modelVersion === 1));
    expect(v1).toMatchObject({ model: `${dave.username}/auto`, automatic: true });
    await scored(dave, 'iris', v1.id);

    // A new version, answered better: submitted once its features are set, scored, and it holds the model's place.
    wrongBelow.set(`${dave.username}.auto`, 3);
    await newVersion(dave, 'auto', 2);
    const v2 = await waitFor('version 2 submitted', async () => (await board(dave, 'iris')).data.benchmark.mySubmissions.find((s: any) => s.modelVersion === 2));
    expect(v2.automatic).toBe(true);
    await scored(dave, 'iris', v2.id);
    const mine = (await board(dave, 'iris')).data.benchmark.mySubmissions;
    expect(mine.filter((s: any) => s.modelVersion === 2)).toHaveLength(1); // submitted once
    const standings = await hub.graphql(STANDINGS, { o: dave.username, n: 'auto' });
    expect(standings.errors).toBeUndefined();
    expect(standings.data.model.standings).toEqual([
      expect.objectContaining({ benchmark: { owner: alice.username, name: 'iris' }, rank: 1, modelVersion: 2, entered: true, final: false, models: 1 }),
    ]);
    expect(standings.data.model.standings[0].score).toBeGreaterThan(0.5);
  }, 120_000);

  it('ranks models on a benchmark: Model.standings and the catalog sorted and filtered by the score there ("best on X")', async () => {
    // Accuracies: best (all right) > mid > dave's auto (wrong below 3) > low.
    await newModel(carol, 'best', 0);
    await newModel(bob, 'mid', 2);
    await newModel(carol, 'low', 7);
    await newModel(carol, 'unranked', 0);
    for (const [who, name] of [[carol, 'best'], [bob, 'mid'], [carol, 'low']] as const) {
      const res = await submit(who, 'iris', { owner: who.username, name });
      expect(res.errors).toBeUndefined();
      await scored(who, 'iris', res.data.submitToBenchmark.id);
    }
    const res = await hub.graphql(BEST_ON, { on: `${alice.username}/iris` });
    expect(res.errors).toBeUndefined();
    expect(res.data.models.edges.map((e: any) => `${e.node.owner}/${e.node.name}`)).toEqual([
      `${carol.username}/best`,
      `${bob.username}/mid`,
      `${dave.username}/auto`,
      `${carol.username}/low`,
    ]);
    expect(res.data.models.totalCount).toBe(4);
    // Another sort keeps the filter: only the ranked models.
    const newest = await hub.graphql(BEST_ON, { on: `${alice.username}/iris`, sort: 'NEWEST' });
    expect(newest.data.models.edges.map((e: any) => e.node.name)).toEqual(['low', 'mid', 'best', 'auto']);
    // The rank sort needs a benchmark; an unknown one is NOT_FOUND.
    expect(codeOf(await hub.graphql(BEST_ON, { sort: 'BENCHMARK_RANK' }))).toBe('BAD_USER_INPUT');
    expect(codeOf(await hub.graphql(BEST_ON, { on: `${alice.username}/no-such` }))).toBe('NOT_FOUND');

    const standings = (await hub.graphql(STANDINGS, { o: bob.username, n: 'mid' })).data.model.standings;
    expect(standings).toEqual([expect.objectContaining({ benchmark: { owner: alice.username, name: 'iris' }, rank: 2, modelVersion: 1, models: 4, entered: false })]);
    const best = (await hub.graphql(STANDINGS, { o: carol.username, n: 'best' })).data.model.standings[0];
    expect(best).toMatchObject({ rank: 1, score: 1 });
  }, 120_000);

  it('shows a contest’s standing by the public score while it is open, and by the private score, final, once its deadline has passed', async () => {
    await newModel(bob, 'contender', 4);
    const res = await submit(bob, 'iris-contest', { owner: bob.username, name: 'contender' });
    expect(res.errors).toBeUndefined();
    const submission = await scored(bob, 'iris-contest', res.data.submitToBenchmark.id);
    const open = (await hub.graphql(STANDINGS, { o: bob.username, n: 'contender' })).data.model.standings[0];
    expect(open).toMatchObject({ benchmark: { name: 'iris-contest' }, rank: 1, final: false, score: submission.publicScore });

    const closed = await hub.graphql(
      `mutation($o: String!) { updateBenchmark(owner: $o, name: "iris-contest", input: { deadline: "2020-01-01T00:00:00Z" }) { open } }`,
      { o: alice.username },
      alice.token,
    );
    expect(closed.data.updateBenchmark.open).toBe(false);
    const revealed = (await board(bob, 'iris-contest')).data.benchmark.mySubmissions[0];
    expect(revealed.privateScore).not.toBeNull();
    const final = (await hub.graphql(STANDINGS, { o: bob.username, n: 'contender' })).data.model.standings[0];
    expect(final).toMatchObject({ rank: 1, final: true, score: revealed.privateScore });
    // The catalog ranks by the final board too.
    const best = await hub.graphql(BEST_ON, { on: `${alice.username}/iris-contest` });
    expect(best.data.models.edges.map((e: any) => e.node.name)).toEqual(['contender']);
  }, 120_000);

  it('tells a model’s subscribers (inbox and webhook) when it enters the top 10 and when it takes first place', async () => {
    const follower = await signUp(hub);
    await newModel(dave, 'climber', 3);
    const sub = await hub.graphql(
      `mutation($input: SubscribeInput!) { subscribe(input: $input) { subscription { id } } }`,
      { input: { kind: 'MODEL', owner: dave.username, name: 'climber', webhookUrl: receiver.url('/climber') } },
      follower.token,
    );
    expect(sub.errors).toBeUndefined();

    const kinds = async () =>
      ((await hub.graphql(INBOX, {}, follower.token)).data.notifications.edges as any[]).map((e) => e.node).filter((n) => n.subject.name === 'climber');
    // Ranked below carol's best: in the top 10, not first.
    const entry = await submit(dave, 'iris', { owner: dave.username, name: 'climber' });
    await scored(dave, 'iris', entry.data.submitToBenchmark.id);
    const [top10] = await waitFor('top-10 notification', async () => ((await kinds()).length ? kinds() : undefined));
    expect(top10).toMatchObject({ kind: 'MODEL_ENTERED_TOP_TEN', version: 1 });
    expect(top10.message).toContain(`${dave.username}/climber@1 entered the top 10 on ${alice.username}/iris`);

    // A better version takes first place (all right, and submitted after carol's equal score: it ties at rank 1).
    wrongBelow.set(`${dave.username}.climber`, 0);
    await newVersion(dave, 'climber', 2);
    const again = await submit(dave, 'iris', { owner: dave.username, name: 'climber', version: 2 });
    expect(again.errors).toBeUndefined();
    await scored(dave, 'iris', again.data.submitToBenchmark.id);
    const first = await waitFor('first-place notification', async () => (await kinds()).find((n) => n.kind === 'MODEL_TOOK_FIRST_PLACE'));
    expect(first).toMatchObject({ version: 2 });
    expect(first.message).toContain(`took first place on ${alice.username}/iris`);
    expect((await kinds()).filter((n) => n.kind === 'MODEL_ENTERED_TOP_TEN')).toHaveLength(1);

    // The webhook hears both.
    const hooks = await waitFor('two webhooks', async () => (receiver.at('/climber').length >= 2 ? receiver.at('/climber') : undefined));
    expect(hooks.map((h) => JSON.parse(h.body).notification.kind).sort()).toEqual(['MODEL_ENTERED_TOP_TEN', 'MODEL_TOOK_FIRST_PLACE']);
  }, 120_000);
});
