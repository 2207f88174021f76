/**
 * Continuous training (docs/retraining.md), end to end on real PostgreSQL with a real agent: models
 * trained by SQL with `retrain` triggers train again when a dataset they read gets a new version
 * (not when they read it pinned with @n), on their cron schedule by the hub's retraining clock
 * (a file this test writes), once for schedules missed while the hub was down, one run at a time
 * however many ask at once; a run against a champion sets aside a holdout of rows neither trained
 * on. Each run's version is judged by the promotion service (docs/promotion.md): with no production
 * version yet it becomes production; against one, it is compared on the holdout; with no new rows
 * to compare on it stays a draft, and the run says why. Runs and decisions are in the model's timeline.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnAgent, type AgentProcess } from './support/agent.js';
import { FAST_SCHEDULER, registerNode, waitFor, waitForJob } from './support/compute.js';
import { createDataset, upload } from './support/datasets.js';
import { startTestHub, type TestHub } from './support/hub.js';
import { csv, houses } from './support/synthetic-data.js';
import { signUp, type SignedUp } from './support/users.js';

const RUN_FIELDS = `id trigger state detail scheduledFor jobId dataVersions holdoutSql holdoutRows challengerVersion reason scores error createdAt finishedAt durationMs`;
const RETRAINING = `retraining { triggers { onNewData cron paused } nextRunAt watching { owner name seen } runs(first: 10) { totalCount edges { node { ${RUN_FIELDS} } } } }`;

interface Run {
  id: string;
  trigger: string;
  state: string;
  detail: string | null;
  scheduledFor: string | null;
  jobId: string | null;
  dataVersions: string[];
  holdoutSql: string | null;
  holdoutRows: number | null;
  challengerVersion: number | null;
  reason: string | null;
  scores: Record<string, unknown> | null;
  error: string | null;
  durationMs: number | null;
}

const FINISHED = ['TRAINED', 'PROMOTED', 'KEPT', 'FAILED'];

describe('Continuous training: retraining triggers and runs', () => {
  let hub: TestHub;
  let alice: SignedUp;
  let bob: SignedUp;
  let agent: AgentProcess;
  let clockFile: string;
  const setClock = (iso: string) => writeFile(clockFile, iso);

  const runSql = (query: string, token = alice.token) =>
    hub.graphql(`mutation($query: String!) { runSql(query: $query) { statement columns { name } rows totalCount } }`, { query }, token);

  async function retraining(model: string, token = alice.token) {
    const res = await hub.graphql(`query($o: String!, $n: String!) { model(owner: $o, name: $n) { ${RETRAINING} } }`, { o: alice.username, n: model }, token);
    expect(res.errors).toBeUndefined();
    return res.data.model.retraining as null | {
      triggers: { onNewData: boolean; cron: string | null; paused: boolean };
      nextRunAt: string | null;
      watching: { owner: string; name: string; seen: number }[];
      runs: { totalCount: number; edges: { node: Run }[] };
    };
  }

  /** The version the model's production alias points at (null: none). */
  async function production(model: string): Promise<number | null> {
    const [row] = await hub.sql(
      `SELECT v.number FROM model_aliases a JOIN model_versions v ON v.id = a.version_id JOIN models m ON m.id = a.model_id WHERE m.name = $1 AND a.alias = 'production' AND m.owner_id = (SELECT id FROM users WHERE username = $2)`,
      [model, alice.username],
    );
    return row ? Number(row.number) : null;
  }

  async function timeline(model: string): Promise<{ kind: string; message: string }[]> {
    const res = await hub.graphql(`query($o: String!, $n: String!) { model(owner: $o, name: $n) { timeline(first: 50) { edges { node { kind message } } } } }`, { o: alice.username, n: model }, alice.token);
    expect(res.errors).toBeUndefined();
    return res.data.model.timeline.edges.map((e: { node: { kind: string; message: string } }) => e.node);
  }

  const runsOf = async (model: string) => (await retraining(model))!.runs.edges.map((e) => e.node);

  /** Waits until the model has `count` runs and the newest has ended; answers the runs, newest first. */
  async function runsEnded(model: string, count: number, timeoutMs = 120_000): Promise<Run[]> {
    return waitFor(
      `${count} ended retraining run(s) of ${model}`,
      async () => {
        const runs = await runsOf(model);
        return runs.length >= count && FINISHED.includes(runs[0].state) && runs;
      },
      timeoutMs,
    );
  }

  async function train(statement: string): Promise<void> {
    const res = await runSql(statement);
    expect(res.errors, statement).toBeUndefined();
    const job = await waitForJob(hub, alice.token, res.data.runSql.rows[0][0], (j) => j.status === 'SUCCEEDED' || j.status === 'FAILED', 120_000);
    expect(job.status).toBe('SUCCEEDED');
  }

  const houseModel = (name: string, from: string, retrain: string) =>
    `CREATE MODEL ${alice.username}.${name} OPTIONS (model_type = 'linear_reg', input_label_cols = ['price'], epochs = 3, learn_rate = 0.1, early_stop = FALSE, retrain = '${retrain}')
       AS SELECT area, rooms, district, price FROM ${from}`;

  beforeAll(async () => {
    clockFile = path.join(await mkdtemp(path.join(os.tmpdir(), 'aimass-clock-')), 'now');
    // A Monday, ten minutes before 03:00 UTC.
    await setClock('2026-12-07T02:50:00Z');
    hub = await startTestHub({ env: { ...FAST_SCHEDULER, AIMASS_TRAIN_CHUNK_ROWS: '100', AIMASS_RETRAIN_TICK_MS: '200', AIMASS_RETRAIN_CLOCK_FILE: clockFile } });
    alice = await signUp(hub);
    bob = await signUp(hub);
    await createDataset(hub, alice.token, { name: 'houses', visibility: 'PRIVATE' });
    expect((await upload(hub, alice.token, alice.username, 'houses', csv(houses(200, 1)))).status).toBe(201);
    const node = await registerNode(hub, alice.token, 'trainer');
    agent = spawnAgent(['--hub', hub.url, '--token', node.token, '--name', 'trainer']);
    await agent.waitFor(/connected to hub/);
    await train(houseModel('live', `${alice.username}.houses`, 'on_new_data'));
    await train(houseModel('pinned', `${alice.username}.houses@1`, 'on_new_data'));
  }, 240_000);

  afterAll(async () => {
    await agent?.stop();
    await hub?.close();
  });

  it('CREATE MODEL … OPTIONS (retrain = …) sets the triggers; bad values are refused with the option located', async () => {
    const live = await retraining('live');
    expect(live!.triggers).toEqual({ onNewData: true, cron: null, paused: false });
    expect(live!.watching).toEqual([{ owner: alice.username, name: 'houses', seen: 1 }]);
    expect(live!.runs.totalCount).toBe(0);
    // Pinned names are not watched: nothing can make them newer.
    expect((await retraining('pinned'))!.watching).toEqual([]);

    const bad = await runSql(houseModel('nope', `${alice.username}.houses`, 'cron:61 3 * * *'));
    expect(bad.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(bad.errors?.[0].message).toMatch(/cron expression '61 3 \* \* \*' is not valid/);
    const word = await runSql(houseModel('nope', `${alice.username}.houses`, 'weekly'));
    expect(word.errors?.[0].message).toMatch(/retrain must be 'off', 'on_new_data', 'cron:<expression>'/);
    const alter = await runSql(`ALTER MODEL ${alice.username}.live SET OPTIONS (epochs = 4)`);
    expect(alter.errors?.[0].message).toMatch(/ALTER MODEL cannot change epochs/);
    // Someone else's private model is not there for them; a reader sees no retraining and cannot change it.
    const stranger = await runSql(`ALTER MODEL ${alice.username}.live SET OPTIONS (retrain = 'off')`, bob.token);
    expect(stranger.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    const share = await hub.graphql(`mutation($o: String!, $u: String!) { setModelCollaborator(owner: $o, name: "live", username: $u, role: READ) }`, { o: alice.username, u: bob.username }, alice.token);
    expect(share.errors).toBeUndefined();
    expect(await retraining('live', bob.token)).toBeNull();
    const reader = await runSql(`ALTER MODEL ${alice.username}.live SET OPTIONS (retrain = 'off')`, bob.token);
    expect(reader.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });

  it('a new dataset version triggers exactly one retraining, on the new version; a model reading it pinned does not retrain', async () => {
    expect((await upload(hub, alice.token, alice.username, 'houses', csv(houses(200, 2)))).status).toBe(201);
    const [run, ...others] = await runsEnded('live', 1);
    expect(others).toEqual([]);
    // No production version yet: the first retrained version becomes it.
    expect(run).toMatchObject({ trigger: 'ON_NEW_DATA', state: 'PROMOTED', dataVersions: [`${alice.username}/houses@2`], challengerVersion: 2, holdoutSql: null, error: null });
    expect(run.detail).toContain(`${alice.username}/houses@2 is newer than @1`);
    expect(run.durationMs).toBeGreaterThan(0);
    const [trained] = await hub.sql(`SELECT row_count, datasets FROM training_runs WHERE job_id = $1`, [run.jobId]);
    expect(Number(trained.row_count)).toBe(200);
    expect(trained.datasets.map((d: { version: number }) => d.version)).toEqual([2]);
    // Promoted: production points at it, and the model's timeline tells the run and the decision. The
    // model has no license, so the version cannot be published: it stays a draft, and the timeline says why.
    expect(await production('live')).toBe(2);
    const version = await hub.graphql(`query($o: String!) { modelVersion(owner: $o, name: "live", number: 2) { status } }`, { o: alice.username }, alice.token);
    expect(version.data.modelVersion.status).toBe('DRAFT');
    const events = await timeline('live');
    expect(events.map((e) => e.kind)).toEqual(expect.arrayContaining(['RETRAINING_STARTED', 'RETRAINING_FINISHED', 'PROMOTED']));
    expect(events.find((e) => e.kind === 'PROMOTED')!.message).toMatch(/stays a draft, not published: .*license/);
    expect((await retraining('live'))!.watching).toEqual([{ owner: alice.username, name: 'houses', seen: 2 }]);
    expect(await runsOf('pinned')).toEqual([]);
  });

  it('ALTER MODEL … SET OPTIONS (retrain = cron) schedules it; the run starts when the clock reaches its time, on the pinned version', async () => {
    const res = await runSql(`ALTER MODEL ${alice.username}.pinned SET OPTIONS (retrain = 'cron:0 3 * * 1')`);
    expect(res.errors).toBeUndefined();
    expect(res.data.runSql.statement).toBe('ALTER_MODEL');
    expect(res.data.runSql.rows[0].slice(0, 3)).toEqual([`${alice.username}.pinned`, 'cron:0 3 * * 1', false]);
    const view = await retraining('pinned');
    expect(view!.triggers).toEqual({ onNewData: false, cron: '0 3 * * 1', paused: false });
    expect(new Date(view!.nextRunAt!).toISOString()).toBe('2026-12-07T03:00:00.000Z');

    await setClock('2026-12-07T03:00:05Z');
    const [run, ...others] = await runsEnded('pinned', 1);
    expect(others).toEqual([]);
    expect(run).toMatchObject({ trigger: 'CRON', state: 'PROMOTED', dataVersions: [`${alice.username}/houses@1`], challengerVersion: 2, detail: null });
    expect(new Date(run.scheduledFor!).toISOString()).toBe('2026-12-07T03:00:00.000Z');
    expect(new Date((await retraining('pinned'))!.nextRunAt!).toISOString()).toBe('2026-12-14T03:00:00.000Z');
  });

  it('schedules missed while the hub was down run once after the restart', async () => {
    await hub.kill();
    // Two Mondays at 03:00 pass while the hub is down.
    await setClock('2026-12-21T05:00:00Z');
    await hub.restart();
    const runs = await runsEnded('pinned', 2);
    expect(runs).toHaveLength(2);
    // The same pinned rows as production's: nothing new to compare on, so the version stays a draft.
    expect(runs[0]).toMatchObject({ trigger: 'CRON', state: 'KEPT', challengerVersion: 3, holdoutSql: null });
    expect(runs[0].reason).toMatch(/no new rows that neither version 3 nor production trained on/);
    expect(await production('pinned')).toBe(2);
    expect(new Date(runs[0].scheduledFor!).toISOString()).toBe('2026-12-14T03:00:00.000Z');
    expect(runs[0].detail).toMatch(/^2 scheduled times passed since 2026-12-07T03:00:05.000Z/);
    expect(new Date((await retraining('pinned'))!.nextRunAt!).toISOString()).toBe('2026-12-28T03:00:00.000Z');
  });

  it('concurrent requests for one model start one run; the others are refused with CONFLICT', async () => {
    const answers = await Promise.all(
      Array.from({ length: 6 }, () => hub.graphql(`mutation($o: String!) { runRetrainingNow(owner: $o, name: "live") { id trigger state } }`, { o: alice.username }, alice.token)),
    );
    const started = answers.filter((a) => !a.errors);
    expect(started).toHaveLength(1);
    expect(started[0].data.runRetrainingNow).toMatchObject({ trigger: 'MANUAL' });
    for (const refused of answers.filter((a) => a.errors)) {
      expect(refused.errors![0].extensions?.code).toBe('CONFLICT');
      expect(refused.errors![0].message).toMatch(/already running/);
    }
    const runs = await runsEnded('live', 2);
    expect(runs).toHaveLength(2);
    expect(runs[0]).toMatchObject({ id: started[0].data.runRetrainingNow.id, trigger: 'MANUAL', state: 'KEPT', dataVersions: [`${alice.username}/houses@2`] });
    // The database holds the rule too: a second active run of one model cannot be written.
    const [{ id: modelId }] = await hub.sql(`SELECT model_id AS id FROM retraining_runs WHERE id = $1`, [runs[0].id]);
    await hub.sql(`INSERT INTO retraining_runs (model_id, trigger, state) VALUES ($1, 'MANUAL', 'TRAINING')`, [modelId]);
    await expect(hub.sql(`INSERT INTO retraining_runs (model_id, trigger, state) VALUES ($1, 'MANUAL', 'QUEUED')`, [modelId])).rejects.toThrow(/retraining_runs_one_active/);
    await hub.sql(`DELETE FROM retraining_runs WHERE model_id = $1 AND state = 'TRAINING' AND job_id IS NULL`, [modelId]);
  });

  it('against a champion, a run holds out one in eight new rows that neither trained on, and trains on the rest', async () => {
    const alias = await hub.graphql(`mutation($o: String!) { setModelAlias(owner: $o, name: "live", alias: "production", number: 1) { number } }`, { o: alice.username }, alice.token);
    expect(alias.errors).toBeUndefined();
    // Version 3 is the champion's rows again (version 1) and 160 new ones.
    const old = houses(200, 1);
    const fresh = houses(160, 3);
    expect((await upload(hub, alice.token, alice.username, 'houses', csv([...old, ...fresh]))).status).toBe(201);
    const [run] = await runsEnded('live', 3);
    expect(run).toMatchObject({ trigger: 'ON_NEW_DATA', dataVersions: [`${alice.username}/houses@3`] });
    // Judged on the holdout against version 1: production follows the decision, which says why.
    expect(['PROMOTED', 'KEPT']).toContain(run.state);
    expect(run.reason).toBeTruthy();
    expect(Object.keys(run.scores ?? {}).length).toBeGreaterThan(0);
    expect(await production('live')).toBe(run.state === 'PROMOTED' ? run.challengerVersion : 1);
    expect(run.holdoutSql, run.detail ?? '').not.toBeNull();
    expect(run.holdoutSql).toContain(`${alice.username}.houses@3`);
    expect(run.holdoutSql).toContain(`${alice.username}.houses@1`);
    expect(run.holdoutRows).toBeGreaterThan(0);
    expect(run.holdoutRows).toBeLessThan(60);

    const holdout = await runSql(run.holdoutSql!);
    expect(holdout.errors).toBeUndefined();
    expect(holdout.data.runSql.columns.map((c: { name: string }) => c.name)).toEqual(['area', 'rooms', 'district', 'price']);
    expect(holdout.data.runSql.totalCount).toBe(run.holdoutRows);
    // Every held-out row is new: none is a row the champion read.
    const key = (r: { area: number; rooms: number; district: string; price: number }) => JSON.stringify([r.area, r.rooms, r.district, r.price]);
    const champion = new Set(old.map(key));
    const heldOut = holdout.data.runSql.rows.map(([area, rooms, district, price]: [number, number, string, number]) => key({ area: Number(area), rooms: Number(rooms), district, price: Number(price) }));
    expect(heldOut.filter((k: string) => champion.has(k))).toEqual([]);
    expect(heldOut.every((k: string) => fresh.some((r) => key(r) === k))).toBe(true);
    // The same rows each time (a hash of the row, not a random draw).
    expect((await runSql(run.holdoutSql!)).data.runSql.rows).toEqual(holdout.data.runSql.rows);
    const [trained] = await hub.sql(`SELECT row_count FROM training_runs WHERE job_id = $1`, [run.jobId]);
    expect(Number(trained.row_count)).toBe(360 - run.holdoutRows!);
  });

  it('owners pause, resume and change triggers through GraphQL; others cannot', async () => {
    const set = await hub.graphql(
      `mutation($o: String!) { setRetrainingTriggers(owner: $o, name: "live", input: { onNewData: true, cron: "30 4 * * *" }) { triggers { onNewData cron paused } nextRunAt } }`,
      { o: alice.username },
      alice.token,
    );
    expect(set.errors).toBeUndefined();
    expect(set.data.setRetrainingTriggers.triggers).toEqual({ onNewData: true, cron: '30 4 * * *', paused: false });
    expect(new Date(set.data.setRetrainingTriggers.nextRunAt).toISOString()).toBe('2026-12-22T04:30:00.000Z');

    const paused = await hub.graphql(`mutation($o: String!) { pauseRetraining(owner: $o, name: "live") { triggers { paused } nextRunAt } }`, { o: alice.username }, alice.token);
    expect(paused.data.pauseRetraining).toEqual({ triggers: { paused: true }, nextRunAt: null });
    const resumed = await hub.graphql(`mutation($o: String!) { resumeRetraining(owner: $o, name: "live") { triggers { paused } } }`, { o: alice.username }, alice.token);
    expect(resumed.data.resumeRetraining.triggers.paused).toBe(false);

    const badCron = await hub.graphql(
      `mutation($o: String!) { setRetrainingTriggers(owner: $o, name: "live", input: { onNewData: false, cron: "every day" }) { nextRunAt } }`,
      { o: alice.username },
      alice.token,
    );
    expect(badCron.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(badCron.errors?.[0].extensions?.fields).toEqual([expect.objectContaining({ field: 'cron' })]);

    const byBob = await hub.graphql(`mutation($o: String!) { runRetrainingNow(owner: $o, name: "live") { id } }`, { o: alice.username }, bob.token);
    expect(byBob.errors?.[0].extensions?.code).toBe('FORBIDDEN');

    // A model not trained by SQL has no retraining.
    const uploaded = await hub.graphql(`mutation { createModel(input: { name: "uploaded", visibility: PRIVATE }) { id } }`, {}, alice.token);
    expect(uploaded.errors).toBeUndefined();
    expect(await retraining('uploaded')).toBeNull();
    const notSql = await runSql(`ALTER MODEL ${alice.username}.uploaded SET OPTIONS (retrain = 'on_new_data')`);
    expect(notSql.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(notSql.errors?.[0].message).toMatch(/was not trained by SQL/);

    const off = await runSql(`ALTER MODEL ${alice.username}.live SET OPTIONS (retrain = 'off')`);
    expect(off.data.runSql.rows[0][1]).toBe('off');
    expect((await retraining('live'))!.triggers).toEqual({ onNewData: false, cron: null, paused: false });
  });
});
