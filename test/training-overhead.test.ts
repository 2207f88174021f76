/**
 * What keeps a training job's fixed cost low, as users and providers see it: the agent keeps a
 * spare job worker with TF.js loaded (AIMASS_AGENT_SPARE_WORKER, on by default), readied once the
 * hub has welcomed it, so a CREATE MODEL job starts on it and the next spare is readied after it;
 * a job without TF.js (echo) runs on a fresh worker and leaves the spare alone; a TF.js job's worker
 * that ended cleanly is kept as the next spare. The first chunks of rows are read while the job is
 * dispatched, the agent asks for several chunks at once, and epoch reports go out while the next
 * epoch trains — yet every row is trained on and every epoch is recorded, in order, before the job
 * succeeds. With the spare worker off, training works as ever.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnAgent, type AgentProcess } from './support/agent.js';
import { FAST_SCHEDULER, registerNode, submitJob, waitForJob } from './support/compute.js';
import { createDataset, upload } from './support/datasets.js';
import { metricSum } from './support/metrics.js';
import { startTestHub, type TestHub } from './support/hub.js';
import { csv, flowers } from './support/synthetic-data.js';
import { signUp, type SignedUp } from './support/users.js';

const ROWS = 230;
const EPOCHS = 4;

describe('Training with little fixed overhead (spare worker, read-ahead, epoch reports beside training)', () => {
  let hub: TestHub;
  let alice: SignedUp;
  const agents: AgentProcess[] = [];

  const runSql = async (query: string) => {
    const res = await hub.graphql(`mutation($query: String!) { runSql(query: $query, first: 100) { columns { name } rows totalCount } }`, { query }, alice.token);
    expect(res.errors, query).toBeUndefined();
    return res.data.runSql as { columns: { name: string }[]; rows: unknown[][]; totalCount: number };
  };

  /** Trains `model` on the flowers and answers its job once it ended, with its epochs as the hub had them at that moment. */
  async function train(model: string): Promise<{ job: any; epochs: number[] }> {
    const created = await runSql(
      `CREATE MODEL ${alice.username}.${model} OPTIONS (model_type = 'dnn_classifier', input_label_cols = ['species'], hidden_units = [8], epochs = ${EPOCHS}, early_stop = FALSE, data_split_method = 'no_split')
         AS SELECT petal, sepal, color, species FROM ${alice.username}.flowers`,
    );
    const id = String(created.rows[0][0]);
    const job = await waitForJob(hub, alice.token, id, (j) => j.status === 'SUCCEEDED' || j.status === 'FAILED', 120_000);
    const epochs = (await hub.sql(`SELECT e.epoch FROM training_epochs e JOIN training_runs r ON r.id = e.run_id WHERE r.job_id = $1 ORDER BY e.epoch`, [id])).map((r: { epoch: number }) => r.epoch);
    return { job, epochs };
  }

  /** The steps the agent logged for the job ("job succeeded"). */
  function stepsOf(agent: AgentProcess, jobId: string): Record<string, number> {
    const line = agent.lines.find((l) => l.includes('"job succeeded"') && l.includes(jobId));
    expect(line, `the agent logged the success of ${jobId}`).toBeDefined();
    return JSON.parse(line!).steps;
  }

  beforeAll(async () => {
    // Chunks of 50 rows: 230 rows take five chunks, read three at a time. Leases of 30 s: the
    // hub's first model check imports TF.js, which on a loaded machine can hold its event loop
    // (and the heartbeats) longer than the 3 s of FAST_SCHEDULER; leases are not what this tests.
    hub = await startTestHub({ env: { ...FAST_SCHEDULER, AIMASS_JOB_LEASE_SECONDS: '30', AIMASS_TRAIN_CHUNK_ROWS: '50' } });
    alice = await signUp(hub);
    await createDataset(hub, alice.token, { name: 'flowers', visibility: 'PRIVATE' });
    expect((await upload(hub, alice.token, alice.username, 'flowers', csv(flowers(ROWS, 1, 0) as Record<string, unknown>[]))).status).toBe(201);
  }, 120_000);
  afterAll(async () => {
    for (const agent of agents) await agent.stop();
    await hub?.close();
  });

  it('runs a CREATE MODEL job on the spare worker, readies the next spare after it, and records every epoch in order before the job succeeds', async () => {
    const node = await registerNode(hub, alice.token, 'warm');
    const agent = spawnAgent(['--hub', hub.url, '--token', node.token, '--name', 'warm'], { AIMASS_AGENT_SPARE_WORKER: '1' });
    agents.push(agent);
    await agent.waitFor(/connected to hub/);
    await agent.waitFor(/"spare worker ready"/, 60_000);
    const readyBefore = agent.lines.filter((l) => l.includes('"spare worker ready"')).length;

    const { job, epochs } = await train('warm_iris');
    expect(job.status, job.error).toBe('SUCCEEDED');
    expect(await agent.waitFor(new RegExp(`"job started".*${job.id}`))).toContain('"worker":"spare"');
    expect(job).toMatchObject({ attempts: 1, result: { epochs: EPOCHS, resumedFromEpoch: 0 } });
    expect(epochs).toEqual([1, 2, 3, 4]);
    // Where its time went, for the training benchmark.
    expect(Object.keys(stepsOf(agent, job.id))).toEqual(expect.arrayContaining(['worker start', 'load TF.js', 'epochs', 'upload, version made']));
    const info = await runSql(`SELECT * FROM ML.TRAINING_INFO(MODEL ${alice.username}.warm_iris)`);
    expect(info.totalCount).toBe(EPOCHS);
    const evaluated = await runSql(`SELECT * FROM ML.EVALUATE(MODEL ${alice.username}.warm_iris)`);
    expect(evaluated.totalCount).toBe(1);

    // Its first chunks were read while the job was dispatched, and the agent was answered with them
    // (230 rows in chunks of 50: the three it asks for at once).
    const prefetched = (await (await fetch(`${hub.url}/metrics`)).text()).match(/^aimass_training_rows_prefetched_total\{outcome="used"\} (\d+)/m);
    expect(Number(prefetched?.[1])).toBe(3);
    // A first attempt asks for the rows alone: no earlier attempt can have made its version or a
    // checkpoint (the hub counts every lease), so it does not ask for them.
    expect(await metricSum(hub, 'aimass_http_requests_total', { method: 'GET', route: '/api/jobs/:id/rows' })).toBe(5);
    expect(await metricSum(hub, 'aimass_http_requests_total', { method: 'GET', route: '/api/jobs/:id/model' })).toBe(0);
    expect(await metricSum(hub, 'aimass_http_requests_total', { method: 'GET', route: '/api/jobs/:id/checkpoint' })).toBe(0);

    // The next TF.js job finds a spare again.
    await agent.waitFor(new RegExp(`"job succeeded".*${job.id}`));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no new spare worker after the job')), 60_000);
      const check = setInterval(() => {
        if (agent.lines.filter((l) => l.includes('"spare worker ready"')).length > readyBefore) {
          clearInterval(check);
          clearTimeout(timer);
          resolve();
        }
      }, 20);
    });

    // That spare is the worker the jobs ran on, kept: the next training runs on it (TF.js as warm
    // as its last training left it), with fresh epochs and the same layer and weight names.
    expect(agent.lines.filter((l) => l.includes('"spare worker starting"'))).toHaveLength(1);
    const again = await train('warm_iris_again');
    expect(again.job.status, again.job.error).toBe('SUCCEEDED');
    expect(await agent.waitFor(new RegExp(`"job started".*${again.job.id}`))).toMatch(/"worker":"spare".*"jobsBefore":[1-9]/);
    expect(again.job).toMatchObject({ attempts: 1, result: { epochs: EPOCHS, resumedFromEpoch: 0 } });
    expect(again.epochs).toEqual([1, 2, 3, 4]);
    // Its model loads and predicts like the first one's (on the same kept worker).
    const predicted = await runSql(`SELECT * FROM ML.PREDICT(MODEL ${alice.username}.warm_iris_again, (SELECT petal, sepal, color FROM ${alice.username}.flowers LIMIT 7))`);
    expect(predicted.totalCount).toBe(7);
    await agent.stop();
  }, 180_000);

  it('keeps a spare by default, readied after the hub welcomed the agent; an echo job runs beside it on a fresh worker and leaves it alone', async () => {
    const node = await registerNode(hub, alice.token, 'default');
    const agent = spawnAgent(['--hub', hub.url, '--token', node.token, '--name', 'default', '--label', 'spare-default']);
    agents.push(agent);
    await agent.waitFor(/"spare worker ready"/, 60_000);
    const order = agent.lines.map((l) => (l.includes('"connected to hub"') ? 'connected' : l.includes('"spare worker ready"') ? 'spare' : '')).filter(Boolean);
    expect(order.slice(0, 2)).toEqual(['connected', 'spare']);
    const echo = await submitJob(hub, alice.token, { kind: 'echo', payload: { durationMs: 300, steps: 2 }, requirements: { labels: ['spare-default'] } });
    expect((await waitForJob(hub, alice.token, echo.id, (j) => j.status === 'SUCCEEDED' || j.status === 'FAILED')).status).toBe('SUCCEEDED');
    expect(await agent.waitFor(new RegExp(`"job started".*${echo.id}`))).toContain('"worker":"fresh"');
    await agent.waitFor(new RegExp(`"job succeeded".*${echo.id}`));
    // Had the echo job taken the spare, another would be started as it ended (before the agent
    // stops, which flushes every line).
    expect(await agent.stop()).toBe(0);
    expect(agent.lines.filter((l) => l.includes('"spare worker starting"'))).toHaveLength(1);
    expect(agent.lines.filter((l) => l.includes('"spare worker ready"'))).toHaveLength(1);
  }, 120_000);

  it('trains the same way with AIMASS_AGENT_SPARE_WORKER=0 (a worker started per job), and keeps no spare', async () => {
    const node = await registerNode(hub, alice.token, 'cold');
    const agent = spawnAgent(['--hub', hub.url, '--token', node.token, '--name', 'cold'], { AIMASS_AGENT_SPARE_WORKER: '0' });
    agents.push(agent);
    await agent.waitFor(/connected to hub/);
    const { job, epochs } = await train('cold_iris');
    expect(job.status, job.error).toBe('SUCCEEDED');
    expect(epochs).toEqual([1, 2, 3, 4]);
    expect(agent.lines.some((l) => l.includes('"spare worker ready"'))).toBe(false);
    await agent.stop();
  }, 180_000);

  it('refuses a malformed AIMASS_AGENT_SPARE_WORKER at start, naming it', async () => {
    const agent = spawnAgent(['--hub', hub.url, '--token', 'amn_x'], { AIMASS_AGENT_SPARE_WORKER: 'yes' });
    agents.push(agent);
    expect(await agent.exited).toBe(64);
    expect(agent.lines.join('\n')).toMatch(/AIMASS_AGENT_SPARE_WORKER must be 0 or 1/);
  });
});
