/**
 * A benchmark's final ranking is told once its deadline has passed, by one of two hubs on one
 * PostgreSQL database (each looks every second): alice is wrong on the public rows and right on
 * the private ones, bob the other way round, so the final ranking turns the public one over.
 * Checked: each submitter's inbox has their final rank and the shake-up; a follower of bob's
 * model has the model's final rank in the inbox and at its webhook; each once, whichever hub
 * announced it (one hub announced, both looked again after); a benchmark opened again and closed
 * again is told again; and one closed with no submission tells no one. And the announcer on its
 * own (its service on the hubs' database): it goes by the benchmarks' injectable clock, and of two
 * announcing one benchmark at the same instant one claims it.
 */
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BenchmarksService } from '../hub/src/benchmarks/index.js';
import { entities } from '../hub/src/entities.js';
import { FinalRankings } from '../hub/src/leaderboards/final-rankings.js';
import { createModel, uploadFiles } from './catalog-support.js';
import { FAST_SCHEDULER, registerNode, UNVERIFIED, waitFor } from './support/compute.js';
import { createDataset, upload } from './support/datasets.js';
import { startTestHub, type TestHub } from './support/hub.js';
import { predictDoor } from './support/predict-door.js';
import { connectRawAgent, type RawAgent } from './support/raw-agent.js';
import { denseModelFiles } from './support/tf-model.js';
import { signUp, type SignedUp } from './support/users.js';
import { startReceiver } from './support/webhook-receiver.js';

const CLASSES = ['setosa', 'versicolor', 'virginica'];
const CHUNK_ROWS = 40;
const flowers = Array.from({ length: 120 }, (_, i) => ({ a: (i * 7) % 10, b: (i * 3) % 10, c: (i * 5 + 2) % 10, species: CLASSES[(i + (i % 4 === 0 ? 1 : 0)) % 3] }));
const csv = (rows: Record<string, unknown>[]) => [Object.keys(rows[0]).join(','), ...rows.map((r) => Object.values(r).join(','))].join('\n') + '\n';
const INBOX = `{ notifications(first: 50) { edges { node { kind message version subject { kind owner name } } } } }`;
const UPDATE = `mutation($o: String!, $n: String!, $input: UpdateBenchmarkInput!) { updateBenchmark(owner: $o, name: $n, input: $input) { open } }`;

describe('A benchmark’s final ranking, told once', () => {
  let hub: TestHub;
  let peer: TestHub;
  let alice: SignedUp;
  let bob: SignedUp;
  let carol: SignedUp;
  let agent: RawAgent;
  let hidden: { key: number; row: number; part: string }[];
  const receiver = startReceiver();

  const finals = async (who: SignedUp) =>
    ((await hub.graphql(INBOX, {}, who.token)).data.notifications.edges as any[]).map((e) => e.node).filter((n) => n.kind === 'BENCHMARK_FINAL_RANKING');

  /** A counter of a hub's /metrics. */
  async function counter(h: TestHub, name: string): Promise<number> {
    const text = await (await fetch(`${h.url}/metrics`)).text();
    const line = text.split('\n').find((l) => l.startsWith(`${name} `));
    return line ? Number(line.split(' ')[1]) : 0;
  }
  const announcedByHubs = async () => (await counter(hub, 'aimass_benchmark_final_rankings_announced_total')) + (await counter(peer, 'aimass_benchmark_final_rankings_announced_total'));

  /** Waits until both hubs have looked for closed benchmarks again (after what the caller saw). */
  async function bothLookedAgain() {
    const before = [await counter(hub, 'aimass_benchmark_close_checks_total'), await counter(peer, 'aimass_benchmark_close_checks_total')];
    await waitFor('both hubs looked again', async () => (await counter(hub, 'aimass_benchmark_close_checks_total')) > before[0] && (await counter(peer, 'aimass_benchmark_close_checks_total')) > before[1]);
  }

  /** Submits `who`'s iris3 to the contest and answers its run with the right class on `rightOn` rows, a wrong one elsewhere. */
  async function submitAndServe(who: SignedUp, rightOn: 'public' | 'private') {
    const seen = agent.received.filter((m) => m.type === 'job.assign').length;
    const res = await hub.graphql(
      `mutation($b: BenchmarkRefInput!, $m: ModelVersionRefInput!) { submitToBenchmark(benchmark: $b, model: $m) { id } }`,
      { b: { owner: alice.username, name: 'contest' }, m: { owner: who.username, name: 'iris3', version: 1 } },
      who.token,
    );
    expect(res.errors).toBeUndefined();
    const assign = await waitFor('job.assign', async () => agent.received.filter((m) => m.type === 'job.assign')[seen]);
    const door = predictDoor(hub.url, assign, CHUNK_ROWS);
    const { rows } = await door.readAll();
    const outputs = rows.map((_row, i) => {
      const label = flowers[hidden[i].row - 1].species;
      const right = hidden[i].part === rightOn;
      const cls = right ? label : CLASSES[(CLASSES.indexOf(label) + 1) % 3];
      return CLASSES.map((c) => (c === cls ? 0.9 : 0.05));
    });
    for (let at = 0; at < outputs.length; at += CHUNK_ROWS) expect((await door.post(at, outputs.slice(at, at + CHUNK_ROWS))).status).toBe(200);
    agent.socket.send(JSON.stringify({ type: 'job.started', jobId: assign.jobId, attempt: assign.attempt }));
    agent.socket.send(JSON.stringify({ type: 'job.succeeded', jobId: assign.jobId, attempt: assign.attempt, result: { rows: rows.length } }));
    await waitFor('scored', async () => {
      const [s] = await hub.sql(`SELECT status, error FROM benchmark_submissions WHERE id = $1`, [res.data.submitToBenchmark.id]);
      if (s.status === 'FAILED') throw new Error(s.error);
      return s.status === 'SCORED';
    });
  }

  beforeAll(async () => {
    const env = {
      ...FAST_SCHEDULER,
      ...UNVERIFIED,
      AIMASS_JOB_LEASE_SECONDS: '60',
      AIMASS_TRAIN_CHUNK_ROWS: String(CHUNK_ROWS),
      AIMASS_BENCHMARK_CLOSE_CHECK_SECONDS: '1',
      AIMASS_WEBHOOK_ALLOW_PRIVATE: 'true',
      AIMASS_WEBHOOK_RETRY_BASE_MS: '200',
    };
    hub = await startTestHub({ env });
    peer = await hub.peer();
    [alice, bob, carol] = [await signUp(hub), await signUp(hub), await signUp(hub)];
    await createDataset(hub, alice.token, { name: 'flowers', visibility: 'PUBLIC' });
    expect((await upload(hub, alice.token, alice.username, 'flowers', csv(flowers))).status).toBe(201);
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString();
    for (const name of ['contest', 'empty']) {
      const res = await hub.graphql(
        `mutation($input: CreateBenchmarkInput!) { createBenchmark(input: $input) { id } }`,
        {
          input: {
            name, dataset: `${alice.username}/flowers@1`, label: 'species', task: 'CLASSIFICATION', metric: 'ACCURACY', visibility: 'PUBLIC',
            split: { testFraction: 0.5, publicFraction: 0.5, seed: 3 }, deadline: tomorrow,
          },
        },
        alice.token,
      );
      expect(res.errors).toBeUndefined();
      if (name === 'contest') {
        const [{ hidden_table: table }] = await hub.sql(`SELECT hidden_table FROM benchmarks WHERE id = $1`, [res.data.createBenchmark.id]);
        hidden = await hub.sql(`SELECT __key::int AS key, __row::int AS row, __part AS part FROM ${table} ORDER BY __key`);
      }
    }
    for (const who of [alice, bob]) {
      await createModel(hub, who.token, { name: 'iris3', visibility: 'PUBLIC' });
      expect((await uploadFiles(hub, who.token, who.username, 'iris3', await denseModelFiles(3, 'softmax'))).status).toBe(201);
      const set = await hub.graphql(
        `mutation($o: String!, $input: ModelVersionMetadataInput!) { setModelVersionMetadata(owner: $o, name: "iris3", number: 1, input: $input) { number } }`,
        { o: who.username, input: { labels: CLASSES, features: ['a', 'b', 'c'].map((name) => ({ name, type: 'NUMBER', preprocessing: { kind: 'STANDARDIZE', mean: 4.5, std: 2.9 } })) } },
        who.token,
      );
      expect(set.errors).toBeUndefined();
    }
    agent = await connectRawAgent(hub, (await registerNode(hub, alice.token, 'alices-node')).token);
  }, 180_000);

  afterAll(async () => {
    agent?.socket.close();
    await (await receiver).close();
    await peer?.close();
    await hub?.close();
  });

  it('tells each submitter their final rank and the shake-up, and the followers of a model on the board its final rank, inbox and webhook, once', async () => {
    const webhooks = await receiver;
    await submitAndServe(alice, 'private');
    await submitAndServe(bob, 'public');
    // Carol follows bob's model, with a webhook.
    const followed = await hub.graphql(
      `mutation($o: String!, $url: String!) { subscribe(input: { kind: MODEL, owner: $o, name: "iris3", webhookUrl: $url }) { subscription { id } } }`,
      { o: bob.username, url: webhooks.url('/carol') },
      carol.token,
    );
    expect(followed.errors).toBeUndefined();
    // Open: nobody is told anything yet, though both hubs look.
    await bothLookedAgain();
    expect(await finals(alice)).toEqual([]);
    expect(await announcedByHubs()).toBe(0);

    // The deadline passes (its admin closes it).
    const closed = await hub.graphql(UPDATE, { o: alice.username, n: 'contest', input: { deadline: new Date(Date.now() - 1000).toISOString() } }, alice.token);
    expect(closed.errors).toBeUndefined();
    const contest = `${alice.username}/contest`;
    await waitFor('alice told', async () => (await finals(alice)).length > 0);
    expect(await finals(alice)).toEqual([
      {
        kind: 'BENCHMARK_FINAL_RANKING',
        version: 1,
        subject: { kind: 'MODEL', owner: alice.username, name: 'iris3' },
        message: `${alice.username}/iris3@1: final ranking on ${contest}: you finished 1 of 2, private accuracy 1; up 1 from public rank 2`,
      },
    ]);
    expect((await finals(bob)).map((n) => n.message)).toEqual([`${bob.username}/iris3@1: final ranking on ${contest}: you finished 2 of 2, private accuracy 0; down 1 from public rank 1`]);
    const carolHears = `${bob.username}/iris3@1: final ranking on ${contest}: rank 2 of 2 models, private accuracy 0; down 1 from public rank 1`;
    expect((await finals(carol)).map((n) => n.message)).toEqual([carolHears]);
    await waitFor('carol’s webhook', async () => webhooks.at('/carol').length > 0);
    expect(JSON.parse(webhooks.at('/carol')[0].body).notification).toMatchObject({ kind: 'BENCHMARK_FINAL_RANKING', message: carolHears });

    // Once: one hub announced it, and both looked again since without telling anyone twice.
    await bothLookedAgain();
    expect(await announcedByHubs()).toBe(1);
    for (const who of [alice, bob, carol]) expect(await finals(who)).toHaveLength(1);
    const [{ n }] = await hub.sql(`SELECT count(*)::int AS n FROM notifications WHERE kind = 'BENCHMARK_FINAL_RANKING'`);
    expect(n).toBe(3);
    expect(webhooks.at('/carol')).toHaveLength(1);
    // The model page's standing is the final one too.
    const standing = await hub.graphql(`query($o: String!) { model(owner: $o, name: "iris3") { standings { rank final } } }`, { o: alice.username });
    expect(standing.data.model.standings).toEqual([{ rank: 1, final: true }]);
  }, 180_000);

  it('tells it again when a benchmark opened again closes again, and tells no one of a benchmark closed with no submission', async () => {
    const reopened = await hub.graphql(UPDATE, { o: alice.username, n: 'contest', input: { deadline: new Date(Date.now() + 86_400_000).toISOString() } }, alice.token);
    expect(reopened.data.updateBenchmark.open).toBe(true);
    const before = await announcedByHubs();
    for (const name of ['empty', 'contest']) {
      const closed = await hub.graphql(UPDATE, { o: alice.username, n: name, input: { deadline: new Date(Date.now() - 1000).toISOString() } }, alice.token);
      expect(closed.data.updateBenchmark.open).toBe(false);
    }
    await waitFor('both announced', async () => (await announcedByHubs()) === before + 2);
    await bothLookedAgain();
    expect(await announcedByHubs()).toBe(before + 2);
    expect(await finals(alice)).toHaveLength(2);
    expect(await finals(bob)).toHaveLength(2);
    expect(await finals(carol)).toHaveLength(2);
    const [{ n }] = await hub.sql(`SELECT count(*)::int AS n FROM notifications WHERE kind = 'BENCHMARK_FINAL_RANKING'`);
    expect(n).toBe(6);
  }, 120_000);

  it('goes by the benchmarks’ clock, and of two announcers racing for one benchmark one claims it', async () => {
    const tomorrow = new Date(Date.now() + 86_400_000);
    const ids: string[] = [];
    for (const name of ['clocked', 'raced']) {
      const res = await hub.graphql(
        `mutation($input: CreateBenchmarkInput!) { createBenchmark(input: $input) { id } }`,
        { input: { name, dataset: `${alice.username}/flowers@1`, label: 'species', task: 'CLASSIFICATION', metric: 'ACCURACY', deadline: tomorrow.toISOString() } },
        alice.token,
      );
      expect(res.errors).toBeUndefined();
      ids.push(res.data.createBenchmark.id);
    }
    const db = await new DataSource({ type: 'postgres', url: await hub.databaseUrl(), entities: [...entities], poolSize: 4 }).initialize();
    try {
      let now = new Date();
      const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined } as never;
      const counters = { checks: { inc: () => undefined }, announced: { inc: () => undefined } };
      // The hub's parts these benchmarks (no submission) need: the database and the clock.
      const benchmarks = new BenchmarksService(db, {} as never, {} as never, {} as never, () => now);
      const announcer = () => new FinalRankings(db, benchmarks, {} as never, 60_000, quiet, counters);
      const [first, second] = [announcer(), announcer()];
      // Open by the clock: nothing to announce (the hubs, by the real clock, do not either).
      expect(await first.announce(ids[0])).toBe(false);
      // The clock passes the deadline: announced once.
      now = new Date(tomorrow.getTime() + 1000);
      expect(await first.announce(ids[0])).toBe(true);
      expect(await first.announce(ids[0])).toBe(false);
      expect(await second.announce(ids[0])).toBe(false);
      // Two at the same instant: one claims it.
      const raced = await Promise.all([first.announce(ids[1]), second.announce(ids[1])]);
      expect(raced.filter(Boolean)).toHaveLength(1);
      const rows = await hub.sql(`SELECT final_ranking_announced_at AS at FROM benchmarks WHERE id = ANY($1::uuid[])`, [ids]);
      expect(rows.every((r) => r.at !== null)).toBe(true);
    } finally {
      await db.destroy();
    }
  }, 60_000);
});
