/**
 * Hyperparameter tuning by SQL (CREATE MODEL … OPTIONS(num_trials = n, max_parallel_trials = p,
 * … HPARAM_RANGE / HPARAM_CANDIDATES)) on a real hub and two real agents: the trials are separate
 * train jobs spread over both agents, never more than p out at once; every trial is visible with
 * its parameters and score (GraphQL and ML.TRIAL_INFO); only the best trial's model becomes the
 * version, with its hyperparameters in the lineage; canceling the run cancels every trial; and a
 * search space that makes no sense is refused, located, before any job.
 *
 * Tiny data and few epochs: what is tested is the fan-out and the choice, not the quality.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { spawnAgent, type AgentProcess } from './support/agent.js';
import { connectAgent } from './support/connect-agent.js';
import { FAST_SCHEDULER, registerNode, waitFor } from './support/compute.js';
import { createDataset, upload } from './support/datasets.js';
import { startTestHub, type TestHub } from './support/hub.js';
import { generator } from './support/synthetic-data.js';
import { codeOf, signUp, type SignedUp } from './support/users.js';

function flowersCsv(n: number, seed: number): string {
  const u = generator(seed).uniform;
  const lines = ['petal,sepal,species'];
  for (let i = 0; i < n; i++) {
    const petal = u() * 4 - 2;
    const sepal = u() * 4 - 2;
    const z = 2 * petal - sepal + (u() - 0.5);
    lines.push(`${petal.toFixed(3)},${sepal.toFixed(3)},${z < -1 ? 'iris_a' : z < 1 ? 'iris_b' : 'iris_c'}`);
  }
  return lines.join('\n') + '\n';
}

const TRIAL_FIELDS = `trials { number jobId status error hyperparameters allHyperparameters evalMetrics score trainingLoss evalLoss isOptimal }
  tuning { numTrials maxParallelTrials search objective status error tunedOptions }
  model { owner name versionNumber }`;

describe('Hyperparameter tuning by SQL (num_trials > 1)', () => {
  let hub: TestHub;
  let alice: SignedUp;
  const agents: AgentProcess[] = [];

  async function startAgent(name: string): Promise<string> {
    const { agent, nodeId } = await connectAgent(hub, alice.token, name);
    agents.push(agent);
    return nodeId;
  }

  const runSql = (query: string, token = alice.token) =>
    hub.graphql(`mutation($query: String!) { runSql(query: $query) { statement columns { name type } rows totalCount } }`, { query }, token);

  async function trainingRun(jobId: string) {
    const res = await hub.graphql(`query($id: ID!) { trainingRun(jobId: $id) { id jobId trialNumber ${TRIAL_FIELDS} } }`, { id: jobId }, alice.token);
    expect(res.errors).toBeUndefined();
    return res.data.trainingRun;
  }

  beforeAll(async () => {
    hub = await startTestHub({ env: { ...FAST_SCHEDULER, AIMASS_TRAIN_CHECKPOINT_EPOCHS: '1', AIMASS_TRAIN_MAX_TRIALS: '20' } });
    alice = await signUp(hub);
    await createDataset(hub, alice.token, { name: 'flowers', visibility: 'PRIVATE' });
    expect((await upload(hub, alice.token, alice.username, 'flowers', flowersCsv(240, 7))).status).toBe(201);
  });
  afterEach(async () => {
    await Promise.all(agents.splice(0).map((a) => (a.child.exitCode === null && a.child.signalCode === null ? a.stop() : undefined)));
  });
  afterAll(() => hub?.close());

  it('refuses a search space that makes no sense, at its line and column, before any job starts', async () => {
    const refusal = async (options: string) => {
      const statement = `CREATE MODEL ${alice.username}.tuned\n  OPTIONS (model_type = 'dnn_classifier', input_label_cols = ['species'], ${options})\n  AS SELECT petal, sepal, species FROM ${alice.username}.flowers`;
      const res = await runSql(statement);
      expect(res.errors, options).toBeDefined();
      const field = (res.errors![0].extensions!.fields as any[])[0];
      const line = statement.split('\n')[1];
      return { code: codeOf(res), message: res.errors![0].message, field, line };
    };
    const columnOf = (line: string, text: string) => line.indexOf(text) + 1;

    const tooMany = await refusal(`num_trials = 21, learn_rate = HPARAM_RANGE(0.001, 0.1)`);
    expect(tooMany).toMatchObject({ code: 'BAD_USER_INPUT', field: { line: 2, column: columnOf(tooMany.line, '21') } });
    expect(tooMany.message).toContain('num_trials must be at most 20 on this hub (AIMASS_TRAIN_MAX_TRIALS)');

    const parallel = await refusal(`num_trials = 2, max_parallel_trials = 3, learn_rate = HPARAM_RANGE(0.001, 0.1)`);
    expect(parallel).toMatchObject({ code: 'BAD_USER_INPUT', field: { line: 2, column: columnOf(parallel.line, '3,') } });
    expect(parallel.message).toContain('max_parallel_trials (3) must not exceed num_trials (2)');

    const nothingTuned = await refusal(`num_trials = 4, learn_rate = 0.01`);
    expect(nothingTuned).toMatchObject({ code: 'BAD_USER_INPUT', field: { line: 2, column: columnOf(nothingTuned.line, '4,') } });
    expect(nothingTuned.message).toContain('num_trials > 1 needs at least one option written as HPARAM_RANGE');

    const dropout = await refusal(`num_trials = 4, dropout = HPARAM_RANGE(0, 1)`);
    expect(dropout).toMatchObject({ code: 'BAD_USER_INPUT', field: { line: 2, column: expect.any(Number) } });
    expect(dropout.message).toMatch(/dropout must be at least 0 and less than 1/);

    const rate = await refusal(`num_trials = 4, learn_rate = HPARAM_RANGE(0, 0.1)`);
    expect(rate.message).toMatch(/learn_rate must be greater than 0/);

    const logScale = await refusal(`num_trials = 4, l2_reg = HPARAM_RANGE(0, 0.5)`);
    expect(logScale).toMatchObject({ code: 'BAD_USER_INPUT', field: { line: 2, column: columnOf(logScale.line, 'HPARAM_RANGE(0, 0.5)') } });
    expect(logScale.message).toContain('l2_reg is searched on a log scale: HPARAM_RANGE(min, max) needs min > 0');

    const units = await refusal(`num_trials = 4, hidden_units = HPARAM_CANDIDATES([STRUCT([8]), STRUCT([0, 4])])`);
    expect(units.message).toMatch(/hidden_units must be a non-empty array of layer sizes from 1 to 4096/);
    const unitsRange = await refusal(`num_trials = 4, hidden_units = HPARAM_RANGE(1, 8)`);
    expect(unitsRange.message).toContain('hidden_units takes HPARAM_CANDIDATES([…]), not HPARAM_RANGE');
    const twice = await refusal(`num_trials = 4, optimizer = HPARAM_CANDIDATES(['adam', 'ADAM'])`);
    expect(twice.message).toContain('optimizer: HPARAM_CANDIDATES names a value twice');

    const [{ jobs }] = await hub.sql(`SELECT count(*)::int AS jobs FROM jobs WHERE kind = 'train'`);
    expect(jobs).toBe(0);
    expect(await hub.sql(`SELECT 1 FROM training_tunings`)).toEqual([]);
  });

  it('fans the trials out over both agents, at most max_parallel_trials at once, and makes the version from the best trial', async () => {
    const nodes = [await startAgent('tuner-a'), await startAgent('tuner-b')];
    const statement = `CREATE MODEL ${alice.username}.tuned
      OPTIONS (model_type = 'dnn_classifier', input_label_cols = ['species'], max_iterations = 4, early_stop = FALSE,
               num_trials = 4, max_parallel_trials = 2,
               learn_rate = HPARAM_RANGE(0.001, 0.1), hidden_units = HPARAM_CANDIDATES([STRUCT([8]), STRUCT([16, 8])]))
      AS SELECT petal, sepal, species FROM ${alice.username}.flowers`;
    const created = await runSql(statement);
    expect(created.errors).toBeUndefined();
    expect(created.data.runSql.columns.map((c: { name: string }) => c.name)).toEqual(['job_id', 'status', 'model', 'label', 'features', 'rows', 'placement']);
    const jobId = created.data.runSql.rows[0][0] as string;

    // Sample the trials' jobs while they run: never more than 2 queued or running.
    const [{ tuning_id: tuningId }] = await hub.sql(`SELECT tuning_id FROM training_runs WHERE job_id = $1`, [jobId]);
    let mostOut = 0;
    const done = await waitFor(
      'the tuning to finish',
      async () => {
        const [{ out }] = await hub.sql(
          `SELECT count(*)::int AS out FROM jobs j JOIN training_runs r ON r.job_id = j.id WHERE r.tuning_id = $1 AND j.status IN ('queued', 'leased', 'running')`,
          [tuningId],
        );
        mostOut = Math.max(mostOut, out);
        const [t] = await hub.sql(`SELECT status FROM training_tunings WHERE id = $1`, [tuningId]);
        return !['running', 'finishing'].includes(t.status) && t.status;
      },
      120_000,
    );
    expect(done).toBe('succeeded');
    expect(mostOut).toBeGreaterThan(0);
    expect(mostOut).toBeLessThanOrEqual(2);

    // From the attempts' own times: two trials ran at the same time, on different agents, and never three.
    const attempts: { job_id: string; node_id: string; started_at: Date; ended_at: Date }[] = await hub.sql(
      `SELECT a.job_id, a.node_id, a.started_at, a.ended_at FROM job_attempts a JOIN training_runs r ON r.job_id = a.job_id WHERE r.tuning_id = $1`,
      [tuningId],
    );
    expect(new Set(attempts.map((a) => a.job_id)).size).toBe(4);
    expect(new Set(attempts.map((a) => a.node_id))).toEqual(new Set(nodes));
    const overlapping = (at: number) => attempts.filter((a) => +new Date(a.started_at) <= at && at < +new Date(a.ended_at));
    const atStarts = attempts.map((a) => overlapping(+new Date(a.started_at)));
    expect(Math.max(...atStarts.map((o) => o.length))).toBe(2);
    expect(atStarts.some((o) => o.length === 2 && o[0].node_id !== o[1].node_id)).toBe(true);

    // Every trial, visible with its parameters and score, from any trial's job.
    const run = await trainingRun(jobId);
    expect(run.trialNumber).toBe(1);
    expect(run.tuning).toEqual({ numTrials: 4, maxParallelTrials: 2, search: 'random', objective: 'log_loss', status: 'succeeded', error: null, tunedOptions: ['hidden_units', 'learn_rate'] });
    expect(run.trials).toHaveLength(4);
    for (const trial of run.trials) {
      expect(trial.status).toBe('succeeded');
      expect(trial.hyperparameters.learn_rate).toBeGreaterThanOrEqual(0.001);
      expect(trial.hyperparameters.learn_rate).toBeLessThanOrEqual(0.1);
      expect([[8], [16, 8]]).toContainEqual(trial.hyperparameters.hidden_units);
      expect(trial.allHyperparameters).toMatchObject({ learnRate: trial.hyperparameters.learn_rate, hiddenUnits: trial.hyperparameters.hidden_units, epochs: 4 });
      expect(trial.score).toBe(trial.evalMetrics.log_loss);
      expect(trial.evalMetrics.accuracy).toBeGreaterThan(0);
      expect(trial.trainingLoss).toEqual(expect.any(Number));
    }
    // Random search draws distinct learning rates.
    expect(new Set(run.trials.map((t: any) => t.hyperparameters.learn_rate)).size).toBe(4);
    const best = [...run.trials].sort((a: any, b: any) => a.score - b.score || a.number - b.number)[0];
    expect(run.trials.filter((t: any) => t.isOptimal)).toEqual([best]);
    const other = run.trials.find((t: any) => !t.isOptimal);
    expect((await trainingRun(other.jobId)).trials).toEqual(run.trials);
    expect(run.model).toEqual({ owner: alice.username, name: 'tuned', versionNumber: 1 });

    // One version, from the best trial: its hyperparameters, job and metrics.
    const res = await hub.graphql(
      `query($o: String!, $n: String!) { model(owner: $o, name: $n) { versions { number metrics lineage { trainingJobId hyperparameters } } } }`,
      { o: alice.username, n: 'tuned' },
      alice.token,
    );
    expect(res.errors).toBeUndefined();
    const versions = res.data.model.versions;
    expect(versions).toHaveLength(1);
    expect(versions[0].lineage.trainingJobId).toBe(best.jobId);
    expect(versions[0].lineage.hyperparameters).toMatchObject({ learnRate: best.hyperparameters.learn_rate, hiddenUnits: best.hyperparameters.hidden_units, model_type: 'dnn_classifier' });
    expect(versions[0].metrics.log_loss).toBe(best.score);

    // The other trials' models and every checkpoint are gone; the scores stay.
    expect(await hub.sql(`SELECT 1 FROM training_runs WHERE tuning_id = $1 AND trial_artifact ? 'files'`, [tuningId])).toEqual([]);
    expect(await hub.sql(`SELECT 1 FROM training_checkpoints c JOIN training_runs r ON r.id = c.run_id WHERE r.tuning_id = $1`, [tuningId])).toEqual([]);

    // ML.TRIAL_INFO, as BigQuery ML has it, for the model and for the version.
    for (const ref of [`${alice.username}.tuned`, `${alice.username}.tuned@1`]) {
      const info = await runSql(`SELECT * FROM ML.TRIAL_INFO(MODEL ${ref})`);
      expect(info.errors).toBeUndefined();
      expect(info.data.runSql.statement).toBe('ML_TRIAL_INFO');
      expect(info.data.runSql.columns.map((c: { name: string }) => c.name)).toEqual([
        'trial_id',
        'hyperparameters',
        'hparam_tuning_evaluation_metrics',
        'training_loss',
        'eval_loss',
        'status',
        'error_message',
        'is_optimal',
      ]);
      const rows = info.data.runSql.rows as any[][];
      expect(rows.map((r) => r[0])).toEqual([1, 2, 3, 4]);
      expect(rows.map((r) => r[5])).toEqual(['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED']);
      expect(rows.filter((r) => r[7]).map((r) => r[0])).toEqual([best.number]);
      expect(rows[best.number - 1][1]).toEqual(best.hyperparameters);
      expect(rows[best.number - 1][2].log_loss).toBe(best.score);
    }
    const notTuned = await runSql(`SELECT * FROM ML.TRIAL_INFO(MODEL ${alice.username}.nothing)`);
    expect(codeOf(notTuned)).toBe('NOT_FOUND');
  }, 180_000);

  it('keeps going when a trial fails (the best of the others makes the version), and fails only when every trial failed', async () => {
    await startAgent('diverge-a');
    await startAgent('diverge-b');
    // Plain SGD at learn_rate 10 diverges on standardized data within a few epochs: the agent fails that trial for real.
    const tune = (model: string, rates: string) =>
      runSql(`CREATE MODEL ${alice.username}.${model}
        OPTIONS (model_type = 'linear_reg', input_label_cols = ['petal'], optimizer = 'sgd', max_iterations = 30, early_stop = FALSE,
                 num_trials = 2, max_parallel_trials = 2, learn_rate = HPARAM_CANDIDATES([${rates}]))
        AS SELECT sepal, petal FROM ${alice.username}.flowers`);
    const settled = async (jobId: string) =>
      waitFor('the tuning to settle', async () => {
        const run = await trainingRun(jobId);
        return !['running', 'finishing'].includes(run.tuning.status) && run;
      }, 90_000);

    const some = await tune('diverge_one', '0.01, 10');
    expect(some.errors).toBeUndefined();
    const one = await settled(some.data.runSql.rows[0][0]);
    expect(one.tuning).toMatchObject({ status: 'succeeded', search: 'grid', objective: 'mean_squared_error' });
    expect(one.trials.map((t: any) => [t.hyperparameters.learn_rate, t.status, t.isOptimal])).toEqual([
      [0.01, 'succeeded', true],
      [10, 'failed', false],
    ]);
    expect(one.trials[1].error).toMatch(/diverged/);
    expect(one.trials[1].score).toBeNull();
    expect(one.model.versionNumber).toBe(1);
    const info = await runSql(`SELECT * FROM ML.TRIAL_INFO(MODEL ${alice.username}.diverge_one)`);
    expect(info.data.runSql.rows.map((r: any[]) => [r[0], r[5], r[7]])).toEqual([
      [1, 'SUCCEEDED', true],
      [2, 'FAILED', false],
    ]);
    expect(info.data.runSql.rows[1][6]).toMatch(/diverged/);

    const all = await tune('diverge_all', '9, 10');
    expect(all.errors).toBeUndefined();
    const none = await settled(all.data.runSql.rows[0][0]);
    expect(none.tuning.status).toBe('failed');
    expect(none.tuning.error).toMatch(/^all 2 trials failed \(trial \d: .*diverged/);
    expect(none.trials.map((t: any) => t.status)).toEqual(['failed', 'failed']);
    expect(none.model.versionNumber).toBeNull();
    expect(await hub.sql(`SELECT 1 FROM model_versions v JOIN models m ON m.id = v.model_id WHERE m.name = 'diverge_all'`)).toEqual([]);
  }, 150_000);

  it('goes on after a hub restart, and two hubs on one database advance a tuning together without exceeding max_parallel_trials', async () => {
    const statement = (model: string) => `CREATE MODEL ${alice.username}.${model}
      OPTIONS (model_type = 'logistic_reg', input_label_cols = ['species'], max_iterations = 3, early_stop = FALSE,
               num_trials = 4, max_parallel_trials = 2, learn_rate = HPARAM_RANGE(0.01, 0.5))
      AS SELECT petal, sepal, species FROM ${alice.username}.flowers`;
    const settled = (tuningModel: string) =>
      waitFor(
        'the tuning to finish',
        async () => {
          const [t] = await hub.sql(`SELECT t.status, t.id, t.error FROM training_tunings t JOIN models m ON m.id = t.model_id WHERE m.name = $1`, [tuningModel]);
          return t && !['running', 'finishing'].includes(t.status) && t;
        },
        120_000,
      );

    // Killed right after CREATE MODEL (no agent yet): the restarted hub picks the tuning up.
    const created = await runSql(statement('restarted'));
    expect(created.errors).toBeUndefined();
    await hub.kill();
    await hub.restart();
    await startAgent('restart-a');
    const restarted = await settled('restarted');
    expect(restarted.status, restarted.error).toBe('succeeded');

    // Two hubs: an agent on each; both sweep the tuning, only one queues each slot and one makes the version.
    const peer = await hub.peer(FAST_SCHEDULER);
    try {
      const node = await registerNode(hub, alice.token, 'peer-agent');
      const agent = spawnAgent(['--hub', peer.url, '--token', node.token, '--name', 'peer-agent']);
      agents.push(agent);
      await agent.waitFor(/connected to hub/);
      const res = await runSql(statement('two_hubs'));
      expect(res.errors).toBeUndefined();
      let mostOut = 0;
      const done = await waitFor(
        'the tuning to finish',
        async () => {
          const [{ out }] = await hub.sql(
            `SELECT count(*)::int AS out FROM jobs j JOIN training_runs r ON r.job_id = j.id JOIN models m ON m.id = r.model_id
             WHERE m.name = 'two_hubs' AND j.status IN ('queued', 'leased', 'running')`,
          );
          mostOut = Math.max(mostOut, out);
          const [t] = await hub.sql(`SELECT t.status, t.error FROM training_tunings t JOIN models m ON m.id = t.model_id WHERE m.name = 'two_hubs'`);
          return !['running', 'finishing'].includes(t.status) && t;
        },
        120_000,
      );
      expect(done.status, done.error).toBe('succeeded');
      expect(mostOut).toBeLessThanOrEqual(2);
      const versions = await hub.sql(`SELECT v.number FROM model_versions v JOIN models m ON m.id = v.model_id WHERE m.name = 'two_hubs'`);
      expect(versions).toEqual([{ number: 1 }]);
      const nodes = await hub.sql(`SELECT DISTINCT j.node_id FROM jobs j JOIN training_runs r ON r.job_id = j.id JOIN models m ON m.id = r.model_id WHERE m.name = 'two_hubs'`);
      expect(nodes.length).toBe(2);
    } finally {
      await peer.close();
    }
  }, 240_000);

  it('cancels every trial when the run is canceled, and makes no version', async () => {
    await startAgent('cancel-a');
    await startAgent('cancel-b');
    const created = await runSql(`CREATE MODEL ${alice.username}.canceled
      OPTIONS (model_type = 'dnn_classifier', input_label_cols = ['species'], max_iterations = 5000, early_stop = FALSE, batch_size = 8,
               num_trials = 3, max_parallel_trials = 2, optimizer = HPARAM_CANDIDATES(['adam', 'sgd', 'rmsprop']))
      AS SELECT petal, sepal, species FROM ${alice.username}.flowers`);
    expect(created.errors).toBeUndefined();
    const jobId = created.data.runSql.rows[0][0] as string;
    await waitFor('both trials to run', async () => {
      const run = await trainingRun(jobId);
      return run.trials.filter((t: any) => t.status === 'running').length === 2 && run;
    });
    const canceled = await hub.graphql(`mutation($id: ID!) { cancelJob(id: $id) { status } }`, { id: jobId }, alice.token);
    expect(canceled.errors).toBeUndefined();
    const run = await waitFor('the tuning to be canceled', async () => {
      const r = await trainingRun(jobId);
      return r.tuning.status === 'canceled' && r.trials.every((t: any) => t.status === 'canceled' || t.status === 'pending') && r;
    });
    // A grid: three candidates, three trials, each tried once.
    expect(run.tuning.search).toBe('grid');
    expect(run.trials.map((t: any) => t.hyperparameters.optimizer)).toEqual(['adam', 'sgd', 'rmsprop']);
    expect(run.trials.map((t: any) => t.status)).toEqual(['canceled', 'canceled', 'pending']);
    expect(run.tuning.error).toContain('trial 1 was canceled');
    expect(run.model.versionNumber).toBeNull();
    // Pending trials never start.
    await new Promise((r) => setTimeout(r, 1500));
    expect((await trainingRun(jobId)).trials[2].status).toBe('pending');
    expect(await hub.sql(`SELECT 1 FROM model_versions v JOIN models m ON m.id = v.model_id WHERE m.name = 'canceled'`)).toEqual([]);
  }, 120_000);
});

describe('Hyperparameter tuning on the embedded database (npm start: one agent)', () => {
  it('runs the trials one after another and makes the version from the best', async () => {
    const hub = await startTestHub({ backend: 'embedded', env: FAST_SCHEDULER });
    const agents: AgentProcess[] = [];
    try {
      const alice = await signUp(hub);
      await createDataset(hub, alice.token, { name: 'flowers' });
      expect((await upload(hub, alice.token, alice.username, 'flowers', flowersCsv(200, 3))).status).toBe(201);
      const node = await registerNode(hub, alice.token, 'embedded');
      agents.push(spawnAgent(['--hub', hub.url, '--token', node.token]));
      const sql = (query: string) => hub.graphql(`mutation($q: String!) { runSql(query: $q) { columns { name } rows totalCount } }`, { q: query }, alice.token);
      const created = await sql(`CREATE MODEL ${alice.username}.petals
        OPTIONS (model_type = 'dnn_regressor', input_label_cols = ['petal'], max_iterations = 3, early_stop = FALSE,
                 num_trials = 3, learn_rate = HPARAM_RANGE(0.001, 0.1), batch_size = HPARAM_CANDIDATES([16, 32]))
        AS SELECT sepal, species, petal FROM ${alice.username}.flowers`);
      expect(created.errors).toBeUndefined();
      const jobId = created.data.runSql.rows[0][0];
      const run = await waitFor(
        'the tuning to finish',
        async () => {
          const res = await hub.graphql(`query($id: ID!) { trainingRun(jobId: $id) { ${TRIAL_FIELDS} } }`, { id: jobId }, alice.token);
          const r = res.data.trainingRun;
          // max_parallel_trials defaults to 1: never two trials out at once.
          expect(r.trials.filter((t: any) => ['queued', 'leased', 'running'].includes(t.status)).length).toBeLessThanOrEqual(1);
          return !['running', 'finishing'].includes(r.tuning.status) && r;
        },
        90_000,
      );
      expect(run.tuning).toMatchObject({ status: 'succeeded', maxParallelTrials: 1, objective: 'mean_squared_error', search: 'random' });
      const best = run.trials.find((t: any) => t.isOptimal);
      expect(best.score).toBe(Math.min(...run.trials.map((t: any) => t.score)));
      expect(run.model.versionNumber).toBe(1);
      const info = await sql(`SELECT * FROM ML.TRIAL_INFO(MODEL ${alice.username}.petals@1)`);
      expect(info.data.runSql.totalCount).toBe(3);
      expect(info.data.runSql.rows.filter((r: any[]) => r[7]).map((r: any[]) => r[0])).toEqual([best.number]);
      const v = await hub.graphql(`query($o: String!) { modelVersion(owner: $o, name: "petals", number: 1) { lineage { hyperparameters } } }`, { o: alice.username }, alice.token);
      expect(v.data.modelVersion.lineage.hyperparameters).toMatchObject({ learnRate: best.hyperparameters.learn_rate, batchSize: best.hyperparameters.batch_size });
    } finally {
      await Promise.all(agents.map((a) => a.stop()));
      await hub.close();
    }
  }, 120_000);
});
