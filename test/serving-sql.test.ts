/**
 * One step from SQL to an endpoint, on a real hub with real agent processes: CREATE MODEL …
 * OPTIONS (deploy = TRUE) trains a classifier and deploys its version (the deployment appears and
 * becomes READY); a small ML.PREDICT on that version is answered by the deployment — no `predict`
 * job, the same columns and values as a batch ML.PREDICT of more rows than the online limit, and
 * counted in the deployment's usage; a user who may read the model but not call the deployment
 * gets the job; CREATE OR REPLACE with deployment = 'name' rolls the deployment to version 2; a
 * deployment name taken by another model is left alone and the run says why.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AgentProcess } from './support/agent.js';
import { connectAgent } from './support/connect-agent.js';
import { FAST_SCHEDULER, waitFor, waitForJob } from './support/compute.js';
import { createDataset, upload } from './support/datasets.js';
import { startTestHub, type TestHub } from './support/hub.js';
import { getDeployment, waitForDeployment } from './support/serving.js';
import { csv, flowers } from './support/synthetic-data.js';
import { signUp, type SignedUp } from './support/users.js';

/** The online limit in this file: ML.PREDICTs of more rows run as jobs. */
const ONLINE_MAX_ROWS = 10;

describe('From SQL to an endpoint: CREATE MODEL … deploy = TRUE, ML.PREDICT answered online', () => {
  let hub: TestHub;
  let alice: SignedUp;
  let bob: SignedUp;
  const agents: AgentProcess[] = [];
  const evalRows = flowers(40, 5, 0.1);

  const runSql = (query: string, token = alice.token, first = 1000) =>
    hub.graphql(`mutation($q: String!, $first: Int) { runSql(query: $q, first: $first) { statement columns { name type } rows totalCount } }`, { q: query, first }, token);

  const predictJobs = async () => Number((await hub.sql(`SELECT count(*)::int AS n FROM jobs WHERE kind = 'predict'`))[0].n);

  const createModel = (name: string, options: string, replace = false) =>
    `CREATE ${replace ? 'OR REPLACE ' : ''}MODEL ${alice.username}.${name} OPTIONS (model_type = 'dnn_classifier', input_label_cols = ['species'], hidden_units = [8], epochs = 8,
       learn_rate = 0.05, early_stop = FALSE, ${options}) AS SELECT petal, sepal, color, species FROM ${alice.username}.flowers`;

  /** Runs CREATE MODEL, waits for its job, and answers its training run's deployment fields. */
  async function train(statement: string): Promise<{ deployment: string | null; deployMessage: string | null; versionNumber: number }> {
    const res = await runSql(statement);
    expect(res.errors, statement).toBeUndefined();
    const jobId = res.data.runSql.rows[0][0];
    const job = await waitForJob(hub, alice.token, jobId, (j) => j.status === 'SUCCEEDED' || j.status === 'FAILED', 180_000);
    expect(job.status, job.error).toBe('SUCCEEDED');
    const run = await hub.graphql(`query($id: ID!) { trainingRun(jobId: $id) { deployment deployMessage model { versionNumber } } }`, { id: jobId }, alice.token);
    expect(run.errors).toBeUndefined();
    return { deployment: run.data.trainingRun.deployment, deployMessage: run.data.trainingRun.deployMessage, versionNumber: run.data.trainingRun.model.versionNumber };
  }

  /** ML.PREDICT's rows keyed by their input columns (petal, sepal, color, species), to match rows of two answers. */
  const byInput = (rows: unknown[][]) => new Map(rows.map((r) => [JSON.stringify(r.slice(0, 4)), r]));

  /** The rows of an ML.PREDICT on the first `n` eval rows (a plain scan: the same rows each time). */
  const predictFirst = (model: string, n: number, token = alice.token) =>
    runSql(`SELECT * FROM ML.PREDICT(MODEL ${model}, (SELECT petal, sepal, color, species FROM ${alice.username}.flowers_eval LIMIT ${n}))`, token);

  const sameAnswer = (online: unknown[][], batch: unknown[][]) => {
    const reference = byInput(batch);
    for (const row of online) {
      const twin = reference.get(JSON.stringify(row.slice(0, 4)));
      expect(twin, JSON.stringify(row)).toBeDefined();
      expect(row[4]).toBe(twin![4]);
      const probs = row[5] as { label: string; prob: number }[];
      const want = twin![5] as { label: string; prob: number }[];
      expect(probs.map((p) => p.label)).toEqual(want.map((p) => p.label));
      probs.forEach((p, k) => expect(p.prob).toBeCloseTo(want[k].prob, 6));
    }
  };

  beforeAll(async () => {
    hub = await startTestHub({ env: { ...FAST_SCHEDULER, AIMASS_ML_ONLINE_MAX_ROWS: String(ONLINE_MAX_ROWS), AIMASS_ML_WAIT_MS: '60000' } });
    alice = await signUp(hub);
    bob = await signUp(hub);
    for (const [name, rows] of [
      ['flowers', flowers(400, 1, 0.05)],
      ['flowers_eval', evalRows],
    ] as const) {
      await createDataset(hub, alice.token, { name, visibility: 'PUBLIC' });
      expect((await upload(hub, alice.token, alice.username, name, csv(rows))).status).toBe(201);
    }
    for (const name of ['sql-a', 'sql-b']) agents.push((await connectAgent(hub, alice.token, name, ['--slots', '2'])).agent);
  }, 120_000);
  afterAll(async () => {
    await Promise.all(agents.map((a) => a.stop()));
    await hub?.close();
  });

  it('deploys the version CREATE MODEL … OPTIONS (deploy = TRUE) trains: a deployment named after the model becomes READY', async () => {
    const run = await train(createModel('iris', 'deploy = TRUE'));
    expect(run).toEqual({ deployment: 'iris', deployMessage: `deployment ${alice.username}/iris created for version 1`, versionNumber: 1 });
    // It exists as the job succeeds (made before the agent's upload was answered).
    const made = await getDeployment(hub, alice.token, alice.username, 'iris');
    expect(made).toMatchObject({ name: 'iris', owner: alice.username, versionNumber: 1, visibility: 'PRIVATE', minReplicas: 1 });
    const ready = await waitForDeployment(hub, alice.token, alice.username, 'iris', (d) => d.status === 'READY' && d.replicas.some((r: any) => r.state === 'READY' && r.versionNumber === 1), 180_000);
    expect(ready.modelName).toBe(`${alice.username}/iris`);
  }, 300_000);

  it('answers a small ML.PREDICT online (no predict job, counted in the deployment’s usage) with the values a batch ML.PREDICT gives', async () => {
    const before = await predictJobs();
    const online = await predictFirst(`${alice.username}.iris`, 6);
    expect(online.errors).toBeUndefined();
    expect(await predictJobs()).toBe(before);
    expect(online.data.runSql.statement).toBe('ML_PREDICT');
    expect(online.data.runSql.columns).toEqual([
      { name: 'petal', type: expect.any(String) },
      { name: 'sepal', type: expect.any(String) },
      { name: 'color', type: expect.any(String) },
      { name: 'species', type: expect.any(String) },
      { name: 'predicted_species', type: 'text' },
      { name: 'predicted_species_probs', type: 'jsonb' },
    ]);
    expect(online.data.runSql.totalCount).toBe(6);
    expect(online.data.runSql.rows).toHaveLength(6);

    // More rows than the online limit: a job, whose rows hold the same predictions for the same inputs.
    const batch = await predictFirst(`${alice.username}.iris@1`, evalRows.length);
    expect(batch.errors).toBeUndefined();
    expect(await predictJobs()).toBe(before + 1);
    expect(batch.data.runSql.totalCount).toBe(evalRows.length);
    expect(batch.data.runSql.columns).toEqual(online.data.runSql.columns);
    sameAnswer(online.data.runSql.rows, batch.data.runSql.rows);
    // The input columns come back as the job's do, value for value.
    const batchByInput = byInput(batch.data.runSql.rows);
    for (const row of online.data.runSql.rows) expect(batchByInput.has(JSON.stringify(row.slice(0, 4)))).toBe(true);

    // At the limit it is still online.
    const atLimit = await predictFirst(`${alice.username}.iris`, ONLINE_MAX_ROWS);
    expect(atLimit.errors).toBeUndefined();
    expect(atLimit.data.runSql.totalCount).toBe(ONLINE_MAX_ROWS);
    expect(await predictJobs()).toBe(before + 1);
    sameAnswer(atLimit.data.runSql.rows, batch.data.runSql.rows);

    // Each online ML.PREDICT is one request of its rows against the deployment.
    const from = new Date(Date.now() - 3_600_000).toISOString();
    const to = new Date(Date.now() + 3_600_000).toISOString();
    const usage = await waitFor('the online ML.PREDICTs in the deployment’s usage', async () => {
      const res = await hub.graphql(
        `query($d: String!, $from: DateTimeISO!, $to: DateTimeISO!) { usage(deployment: $d, from: $from, to: $to, granularity: DAY) { requests rows errors } }`,
        { d: `${alice.username}/iris`, from, to },
        alice.token,
      );
      expect(res.errors).toBeUndefined();
      const requests = res.data.usage.reduce((n: number, p: any) => n + p.requests, 0);
      return requests >= 2 ? res.data.usage : undefined;
    });
    expect(usage.reduce((n: number, p: any) => n + p.requests, 0)).toBe(2);
    expect(usage.reduce((n: number, p: any) => n + p.rows, 0)).toBe(6 + ONLINE_MAX_ROWS);
    expect(usage.reduce((n: number, p: any) => n + p.errors, 0)).toBe(0);
  }, 180_000);

  it('gives a user who may read the model but not call the private deployment the batch job, with the same values', async () => {
    const shared = await hub.graphql(`mutation($o: String!) { updateModel(owner: $o, name: "iris", input: { visibility: PUBLIC }) { id } }`, { o: alice.username }, alice.token);
    expect(shared.errors).toBeUndefined();
    const before = await predictJobs();
    const theirs = await predictFirst(`${alice.username}.iris`, 4, bob.token);
    expect(theirs.errors).toBeUndefined();
    expect(await predictJobs()).toBe(before + 1);
    const mine = await predictFirst(`${alice.username}.iris`, 4);
    expect(mine.errors).toBeUndefined();
    expect(await predictJobs()).toBe(before + 1);
    sameAnswer(mine.data.runSql.rows, theirs.data.runSql.rows);
  }, 120_000);

  it('rolls the deployment named by deployment = \'…\' to the version CREATE OR REPLACE trains; the old version is answered by a job once it is gone', async () => {
    const run = await train(createModel('iris', `deployment = 'iris'`, true));
    expect(run).toEqual({ deployment: 'iris', deployMessage: `deployment ${alice.username}/iris moving to version 2`, versionNumber: 2 });
    const rolled = await waitForDeployment(
      hub,
      alice.token,
      alice.username,
      'iris',
      (d) => d.status === 'READY' && d.versionNumber === 2 && d.replicas.length > 0 && d.replicas.every((r: any) => r.state === 'READY' && r.versionNumber === 2),
      180_000,
    );
    expect(rolled.versionNumber).toBe(2);

    const before = await predictJobs();
    const latest = await predictFirst(`${alice.username}.iris`, 5);
    expect(latest.errors).toBeUndefined();
    expect(await predictJobs()).toBe(before);
    const batch = await predictFirst(`${alice.username}.iris@2`, evalRows.length);
    expect(batch.errors).toBeUndefined();
    expect(await predictJobs()).toBe(before + 1);
    sameAnswer(latest.data.runSql.rows, batch.data.runSql.rows);

    // Version 1 is served by no replica any more: its ML.PREDICT runs as a job.
    const old = await predictFirst(`${alice.username}.iris@1`, 3);
    expect(old.errors).toBeUndefined();
    expect(await predictJobs()).toBe(before + 2);
  }, 360_000);

  it('leaves a deployment of that name serving another model alone, and the run says why; the training succeeds', async () => {
    const run = await train(createModel('iris_two', `deployment = 'iris'`));
    expect(run.versionNumber).toBe(1);
    expect(run.deployment).toBe('iris');
    expect(run.deployMessage).toContain(`version 1 was not deployed to ${alice.username}/iris`);
    expect(run.deployMessage).toContain('serves another model');
    const untouched = await getDeployment(hub, alice.token, alice.username, 'iris');
    expect(untouched).toMatchObject({ modelName: `${alice.username}/iris`, versionNumber: 2 });
  }, 300_000);

  it('refuses deploy options that cannot be followed before any job exists, at the option', async () => {
    const res = await runSql(`CREATE MODEL ${alice.username}.bad OPTIONS (model_type = 'logistic_reg', input_label_cols = ['species'], deploy = FALSE, deployment = 'x')
      AS SELECT petal, species FROM ${alice.username}.flowers`);
    expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(res.errors?.[0].message).toContain("deploy = FALSE contradicts deployment = 'x'");
  });
});
