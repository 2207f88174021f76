/**
 * `npm run bench` (after the other benchmarks), or `npm run bench:training` alone: the training
 * and prediction benchmark, all figures from one run on one machine:
 *
 *  1. training overhead: CREATE MODEL … AS SELECT of a dnn_classifier (BENCH_TRAIN_ROWS rows,
 *     default 10,000, of 3 numeric and 1 category feature; hidden_units [32, 16], BENCH_TRAIN_EPOCHS
 *     epochs, batch 64, no evaluation split, no early stop) on the built hub (PostgreSQL) with one
 *     real node-agent process, timed from sending the statement to the job's success (the model
 *     version made); against a raw TF.js fit of the same network on the same rows and epochs in
 *     this one process (the agent's own backend loader, preprocessing and network code), timed from
 *     the rows in memory to the fitted model; and the ratio. The job's end is taken from the
 *     jobUpdated subscription; the agent is idle (its spare worker ready) before either clock starts.
 *     Then where the time went, adding up to the wall time: the hub's records (the training run
 *     written once planned, the job queued, claimed, finished; the version row) and the agent's
 *     step timings (its "job succeeded" log line), which include the hub's own timing of the model
 *     upload (its Server-Timing: files stored, model check, version written).
 *     BENCH_TRAIN_REPEAT (3) runs the pair that many times, one after the other (the first training
 *     is the hub's and the agent's first, and the raw fit the bench process's first); then
 *     BENCH_TRAIN_AT_ONCE (3) times at once: the raw fit in a process of its own, warmed by one fit
 *     first (a fresh process's first fit pays 0.4–0.6 s of compilation, which the agent's worker
 *     paid in its warm-up and earlier jobs), started with CREATE MODEL, so that both go through the
 *     same seconds of a machine whose speed moves by ±20 % between them. Every ratio and the
 *     medians of both ways are printed at the end of the section;
 *  2. ML.PREDICT throughput: BENCH_PREDICT_ROWS (100,000) rows predicted with that model, timed
 *     from sending runSql to its first page of results (every row predicted and stored); rows per
 *     second;
 *  3. BENCH_TRAIN_LONG=1: the comparison of 1 again on a fit of about a minute (BENCH_TRAIN_LONG_ROWS,
 *     default 100,000, BENCH_TRAIN_LONG_EPOCHS, default 15), one after the other; then the same
 *     pair at once, the raw fit in a process of its own started with CREATE MODEL: the two then
 *     run through the same minute of the machine, whose speed moves by a third between minutes
 *     on a shared VM (the hub and PostgreSQL, nearly idle during the epochs, share the cores).
 *     BENCH_SPARE_WORKER=0 runs the agent without its spare worker.
 *
 * Needs PostgreSQL (DATABASE_URL as an admin connection, else a throwaway server from
 * test/support/postgres.sh). Every hub, agent, database and temporary file it starts is removed
 * before it exits, on failure and on Ctrl-C too.
 */
import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { BATCH, HIDDEN, LEARN_RATE, rawFit, rawFitBeside, rows, type RawFit } from './training-raw-fit.js';
import { connect, fmt, graphql, intEnv, onCleanup, percentile, ratio, ROOT, runBenchmark, setUpDatabase, signUp, startHub, table, type Database, type Hub } from './harness.js';

const SETTINGS = {
  trainRows: intEnv('BENCH_TRAIN_ROWS', 10_000),
  epochs: intEnv('BENCH_TRAIN_EPOCHS', 5),
  predictRows: intEnv('BENCH_PREDICT_ROWS', 100_000),
  /** BENCH_TRAIN_REPEAT: CREATE MODEL and the raw fit, one after the other, this many times (the first pays the hub's and the agent's first training). */
  repeat: intEnv('BENCH_TRAIN_REPEAT', 3),
  /** BENCH_TRAIN_AT_ONCE: then the pair this many times at once (the raw fit in a warmed process of its own). */
  atOnce: intEnv('BENCH_TRAIN_AT_ONCE', 3),
};
/** BENCH_TRAIN_LONG=1: also a fit of about a minute (BENCH_TRAIN_LONG_ROWS, BENCH_TRAIN_LONG_EPOCHS). */
const LONG = process.env.BENCH_TRAIN_LONG === '1' ? { rows: intEnv('BENCH_TRAIN_LONG_ROWS', 100_000), epochs: intEnv('BENCH_TRAIN_LONG_EPOCHS', 15) } : null;
const AGENT_ENTRY = path.join(ROOT, 'dist/node-agent/src/main.js');

// ---- the data (rows(): training-raw-fit.ts) -----------------------------------------------------

function csv(data: Record<string, unknown>[]): string {
  const columns = Object.keys(data[0]);
  return [columns.join(','), ...data.map((r) => columns.map((c) => String(r[c])).join(','))].join('\n') + '\n';
}

// ---- the hub side -----------------------------------------------------------------------------

async function uploadCsv(hub: Hub, token: string, owner: string, name: string, body: string): Promise<void> {
  await graphql(hub, `mutation($input: CreateDatasetInput!) { createDataset(input: $input) { id } }`, { input: { name, visibility: 'PRIVATE' } }, token);
  const res = await fetch(`${hub.url}/api/datasets/${owner}/${name}/versions`, { method: 'POST', headers: { 'content-type': 'text/csv', authorization: `Bearer ${token}` }, body });
  if (res.status !== 201) throw new Error(`upload of ${name} failed: ${res.status} ${await res.text()}`);
}

/** What the agent logged of a job it finished: its steps (ms), and when it sent job.succeeded (epoch ms, its log line's time). */
interface AgentJob {
  steps: Record<string, number>;
  reportedAt: number;
}

interface BenchAgent {
  /** The steps the agent logged for a job it finished ("job succeeded" with `steps`), and when. */
  steps(jobId: string): Promise<AgentJob>;
  /** Settles once the agent has readied its `n`th spare worker (at once without spares): an idle agent's steady state after `n - 1` jobs. */
  spareReady(n: number): Promise<void>;
}

/** The agent keeps a spare worker (AIMASS_AGENT_SPARE_WORKER, on by default; set here all the same); BENCH_SPARE_WORKER=0 runs it without, to compare. */
const SPARE_WORKER = process.env.BENCH_SPARE_WORKER ?? '1';

function startAgent(hub: Hub, token: string): Promise<BenchAgent> {
  const child = spawn(process.execPath, [AGENT_ENTRY, '--hub', hub.url, '--token', token, '--name', 'bench-agent'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', AIMASS_AGENT_SPARE_WORKER: SPARE_WORKER },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  onCleanup('stop the agent', async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  });
  const succeeded = new Map<string, AgentJob>();
  const waiting = new Map<string, (job: AgentJob) => void>();
  let spares = 0;
  const spareWaiters: { n: number; resolve: () => void }[] = [];
  const spareMade = () => {
    spares++;
    for (let i = spareWaiters.length - 1; i >= 0; i--) if (spareWaiters[i].n <= spares) spareWaiters.splice(i, 1)[0].resolve();
  };
  const agent: BenchAgent = {
    spareReady: (n) => (SPARE_WORKER === '0' || spares >= n ? Promise.resolve() : new Promise((resolve) => spareWaiters.push({ n, resolve }))),
    steps: (jobId) => {
      const known = succeeded.get(jobId);
      return known ? Promise.resolve(known) : new Promise((resolve) => waiting.set(jobId, resolve));
    },
  };
  return new Promise((resolve, reject) => {
    let text = '';
    let line = '';
    const timer = setTimeout(() => reject(new Error(`the agent did not connect:\n${text}`)), 60_000);
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => {
      const lines = (line + chunk).split('\n');
      line = lines.pop()!;
      for (const l of lines) {
        if (text.length < 100_000) text += l + '\n';
        if (/connected to hub/.test(l)) {
          clearTimeout(timer);
          resolve(agent);
        }
        if (l.includes('"spare worker ready"')) spareMade();
        if (!l.includes('"job succeeded"')) continue;
        const entry = JSON.parse(l) as { jobId: string; time: string; steps?: Record<string, number> };
        const job = { steps: entry.steps ?? {}, reportedAt: Date.parse(entry.time) };
        succeeded.set(entry.jobId, job);
        waiting.get(entry.jobId)?.(job);
      }
    });
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => {
      if (text.length < 100_000) text += chunk;
    });
    child.once('exit', (code) => reject(new Error(`the agent exited with ${code}:\n${text}`)));
  });
}

async function runSql(hub: Hub, token: string, query: string): Promise<{ columns: { name: string }[]; rows: unknown[][]; totalCount: number }> {
  const data = await graphql(hub, `mutation($q: String!) { runSql(query: $q, first: 100) { columns { name } rows totalCount } }`, { q: query }, token);
  return data.runSql;
}

const ENDED = ['SUCCEEDED', 'FAILED', 'CANCELED'];

/**
 * The moment the job ends, as the jobUpdated subscription tells it (the socket is opened before
 * the clock starts). A job that ended before the subscription took hold is caught by a slow poll,
 * and the answer says which noticed.
 */
async function waitForJob(live: Client, hub: Hub, token: string, id: string): Promise<{ status: string; error: string | null; noticedAt: number; by: string }> {
  return new Promise((resolve, reject) => {
    let done = false;
    const finish = (job: { status: string; error: string | null }, by: string) => {
      if (done) return;
      done = true;
      const noticedAt = performance.now();
      stop();
      clearInterval(poll);
      resolve({ ...job, noticedAt, by });
    };
    const stop = live.subscribe<{ jobUpdated: { status: string; error: string | null } }>(
      { query: `subscription($id: ID!) { jobUpdated(id: $id) { status error } }`, variables: { id } },
      {
        next: ({ data }) => {
          if (data && ENDED.includes(data.jobUpdated.status)) finish(data.jobUpdated, 'subscription');
        },
        error: (error) => {
          if (!done) reject(error instanceof Error ? error : new Error(JSON.stringify(error)));
        },
        complete: () => undefined,
      },
    );
    const poll = setInterval(() => {
      void graphql(hub, `query($id: ID!) { job(id: $id) { status error } }`, { id }, token).then(
        ({ job }) => {
          if (ENDED.includes(job.status)) finish(job, 'poll');
        },
        (error: unknown) => {
          if (!done) reject(error);
        },
      );
    }, 1000);
  });
}

/** One CREATE MODEL on the agent, timed, with where its time went. */
interface SqlFit {
  seconds: number;
  accuracy: number;
  epochSeconds: number;
  noticedBy: string;
  /** [step, seconds] in the order they happen. */
  steps: [string, number][];
}

async function sqlFit(
  hub: Hub,
  db: Database,
  agent: BenchAgent,
  user: { token: string; username: string },
  model: string,
  dataset: string,
  epochs: number,
  onStart: () => void = () => undefined,
): Promise<SqlFit> {
  const live = createClient({ url: `${hub.url.replace('http', 'ws')}/graphql`, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${user.token}` }, lazy: false });
  onCleanup('close the subscription socket', () => live.dispose());
  await new Promise<void>((resolve, reject) => {
    const off = live.on('connected', () => (off(), resolve()));
    live.on('error', reject);
  });
  const wallStart = Date.now();
  const started = performance.now();
  onStart();
  const created = await runSql(
    hub,
    user.token,
    `CREATE MODEL ${user.username}.${model} OPTIONS (model_type = 'dnn_classifier', input_label_cols = ['kind'], hidden_units = ${JSON.stringify(HIDDEN)},
       epochs = ${epochs}, batch_size = ${BATCH}, learn_rate = ${LEARN_RATE}, early_stop = FALSE, data_split_method = 'no_split')
     AS SELECT a, b, c, color, kind FROM ${user.username}.${dataset}`,
  );
  const answeredAt = performance.now();
  const jobId = String(created.rows[0][0]);
  const job = await waitForJob(live, hub, user.token, jobId);
  const seconds = (job.noticedAt - started) / 1000;
  if (job.status !== 'SUCCEEDED') throw new Error(`training failed: ${job.error}`);
  await live.dispose();
  const info = await runSql(hub, user.token, `SELECT * FROM ML.TRAINING_INFO(MODEL ${user.username}.${model})`);
  const durationAt = info.columns.findIndex((c) => c.name === 'duration_ms');
  const epochSeconds = info.rows.reduce((s, r) => s + Number(r[durationAt]), 0) / 1000;
  const evaluated = await runSql(hub, user.token, `SELECT * FROM ML.EVALUATE(MODEL ${user.username}.${model})`);
  const accuracy = Number(evaluated.rows[0][evaluated.columns.findIndex((c) => c.name === 'accuracy')]);

  // The hub's own record of the job (PostgreSQL's clock is this machine's clock): the run row is
  // written when planning is done, the job row when it is queued, the attempt when an agent claims
  // it, the version row (its transaction's start) once the uploaded model passed its check.
  const client = await connect(db.url);
  const [t] = (
    await client.query(
      `SELECT extract(epoch FROM r.created_at) * 1000 AS planned, extract(epoch FROM j.created_at) * 1000 AS queued,
              extract(epoch FROM a.started_at) * 1000 AS claimed, extract(epoch FROM j.finished_at) * 1000 AS finished,
              extract(epoch FROM v.created_at) * 1000 AS versioned
       FROM jobs j JOIN job_attempts a ON a.job_id = j.id AND a.attempt = 1 JOIN training_runs r ON r.job_id = j.id
       LEFT JOIN model_versions v ON v.id = r.model_version_id WHERE j.id = $1`,
      [jobId],
    )
  ).rows;
  await client.end();
  const at = (wall: number) => (Number(wall) - wallStart) / 1000;
  const { steps: agentSteps, reportedAt } = await agent.steps(jobId);
  const agentSeconds = Object.values(agentSteps).reduce((a, b) => a + b, 0) / 1000;
  // The agent's "job succeeded" line is written as it sends the report (ms, the same clock).
  const fromAgent = at(t.finished) - at(reportedAt);
  const steps: [string, number][] = [
    ['hub: parse, plan (sandboxed queries), make the model, write the run', at(t.planned)],
    ['hub: queue the job', at(t.queued) - at(t.planned)],
    ['dispatch: queued → claimed for the agent', at(t.claimed) - at(t.queued)],
    // The agent names the hub's own timing of the upload "hub: …" (its Server-Timing).
    // With them, the agent's "upload, version made" keeps what the hub did not time: sending and the answer.
    ...Object.entries(agentSteps).map(([step, ms]): [string, number] => [
      step.startsWith('hub: ') ? step : step === 'upload, version made' && 'hub: check the model (TF.js)' in agentSteps ? 'agent: upload (sending, the answer)' : `agent: ${step}`,
      ms / 1000,
    ]),
    ['hand-offs: claimed → the agent takes the job; its worker → its thread', at(t.finished) - at(t.claimed) - agentSeconds - fromAgent],
    ['hand-off: the agent sends job.succeeded → the hub records it', fromAgent],
    [`job succeeded → the bench knows (${job.by})`, seconds - at(t.finished)],
  ];
  const sinceVersion = t.versioned === null ? null : at(t.finished) - at(t.versioned);
  console.log(
    `  (runSql answered after ${fmt((answeredAt - started) / 1000, 3)} s` +
      (sinceVersion === null ? '' : `; the version row was written ${fmt(sinceVersion, 3)} s before the job succeeded`) +
      ')',
  );
  return { seconds, accuracy, epochSeconds, noticedBy: job.by, steps };
}

// ---- main -------------------------------------------------------------------------------------

/** A row of the training summary: the pairs' ratios in the order run, and their median (the lower of two middles). */
function summaryRow(label: string, pairs: { sql: number; raw: number }[]): string[] {
  const ratios = pairs.map((p) => p.sql / p.raw);
  const median = percentile([...ratios].sort((a, b) => a - b), 0.5);
  return [label, String(pairs.length), ratios.map((r) => `${fmt(r)}×`).join(', '), pairs.length ? `${fmt(median)}×` : ''];
}

function trainingTable(title: string, raw: RawFit, sql: SqlFit): void {
  console.log(`\n${title}`);
  console.log(
    table(
      ['', 'wall time (s)', 'accuracy (training rows)', 'ratio'],
      [
        ['raw TF.js fit (' + raw.backend + ')', fmt(raw.seconds), fmt(raw.accuracy, 3), '1.00×'],
        ['CREATE MODEL → model version', fmt(sql.seconds), fmt(sql.accuracy, 3), ratio(sql.seconds, raw.seconds)],
        ['  of which epochs on the agent', fmt(sql.epochSeconds), '', ratio(sql.epochSeconds, raw.seconds)],
      ],
    ),
  );
  console.log('where CREATE MODEL → model version went (hub steps from its job record, agent steps from its log):');
  console.log(table(['step', 's', 'share'], sql.steps.map(([step, sec]) => [step, fmt(sec, 3), `${fmt((100 * sec) / sql.seconds, 1)} %`])));
}

await runBenchmark(async () => {
  console.log(
    `training benchmark: ${SETTINGS.trainRows.toLocaleString('en-US')} training rows, ${SETTINGS.epochs} epochs, hidden_units ${JSON.stringify(HIDDEN)}, batch ${BATCH}; ML.PREDICT on ${SETTINGS.predictRows.toLocaleString('en-US')} rows` +
      (LONG ? `; the long fit: ${LONG.rows.toLocaleString('en-US')} rows, ${LONG.epochs} epochs` : ''),
  );
  console.log(`load ${os.loadavg().map((l) => fmt(l)).join(' ')} (1, 5, 15 min load average at the start: other work on the machine skews every figure)`);
  const db = await setUpDatabase();
  const hub = await startHub(db, { AIMASS_ML_WAIT_MS: '3600000' });
  const user = await signUp(hub);
  const trainData = rows(SETTINGS.trainRows, 1);
  await uploadCsv(hub, user.token, user.username, 'train', csv(trainData));
  await uploadCsv(hub, user.token, user.username, 'score', csv(rows(SETTINGS.predictRows, 2)));
  const longData = LONG ? rows(LONG.rows, 3) : null;
  if (longData) await uploadCsv(hub, user.token, user.username, 'train_long', csv(longData));
  const { registerNode } = await graphql(hub, `mutation { registerNode(input: { name: "bench-agent" }) { token } }`, {}, user.token);
  const agent = await startAgent(hub, registerNode.token);

  // 1. CREATE MODEL to the model version, on the agent; then the same fit raw; BENCH_TRAIN_REPEAT times.
  const pairs: { sql: number; raw: number }[] = [];
  for (let run = 1; run <= SETTINGS.repeat; run++) {
    await agent.spareReady(run);
    const sql = await sqlFit(hub, db, agent, user, run === 1 ? 'bench' : `bench_${run}`, 'train', SETTINGS.epochs);
    await agent.spareReady(run + 1); // the agent's next spare loads TF.js after the job: not during the raw fit
    const raw = await rawFit(trainData, SETTINGS.epochs);
    const which = SETTINGS.repeat === 1 ? '' : ` — run ${run} of ${SETTINGS.repeat}${run === 1 ? ', the hub’s first training' : ''}`;
    trainingTable(`1. training: CREATE MODEL … AS SELECT on an agent vs a raw TF.js fit in one process (same rows, epochs, network)${which}`, raw, sql);
    pairs.push({ sql: sql.seconds, raw: raw.seconds });
  }

  // 1b. The same pair at once, BENCH_TRAIN_AT_ONCE times: the raw fit in a process of its own
  // (warmed by one fit of its own first, as the agent's worker is by its warm-up and the trainings
  // before), started with CREATE MODEL, so both run through the same seconds of the machine.
  const atOnce: { sql: number; raw: number }[] = [];
  for (let run = 1; run <= SETTINGS.atOnce; run++) {
    await agent.spareReady(SETTINGS.repeat + run);
    const beside = await rawFitBeside(SETTINGS.trainRows, 1, SETTINGS.epochs, true);
    let besideRaw: ReturnType<typeof beside.go> | undefined;
    const sql = await sqlFit(hub, db, agent, user, `bench_once_${run}`, 'train', SETTINGS.epochs, () => {
      besideRaw = beside.go();
      besideRaw.catch(() => undefined);
    });
    const raw = await besideRaw!;
    trainingTable(`1b. training, both at once (the raw fit in a process of its own) — run ${run} of ${SETTINGS.atOnce}`, raw, sql);
    atOnce.push({ sql: sql.seconds, raw: raw.seconds });
  }
  console.log(`\nCREATE MODEL / raw fit, ${SETTINGS.trainRows.toLocaleString('en-US')} rows × ${SETTINGS.epochs} epochs:`);
  console.log(table(['', 'trainings', 'ratios', 'median'], [summaryRow('one after the other (the first is the hub’s and the agent’s first)', pairs), summaryRow('at once', atOnce)]));

  // 2. ML.PREDICT on the scoring rows.
  const predictStarted = performance.now();
  const predicted = await runSql(hub, user.token, `SELECT * FROM ML.PREDICT(MODEL ${user.username}.bench, (SELECT a, b, c, color FROM ${user.username}.score))`);
  const predictSeconds = (performance.now() - predictStarted) / 1000;
  if (predicted.totalCount !== SETTINGS.predictRows || predicted.columns.at(-1)?.name !== 'predicted_kind_probs') {
    throw new Error(`ML.PREDICT answered ${predicted.totalCount} rows with columns ${predicted.columns.map((c) => c.name).join(', ')}`);
  }
  console.log('\n2. ML.PREDICT (job on the agent; rows streamed in chunks, predictions stored by the hub)');
  console.log(table(['rows', 'wall time (s)', 'rows / s'], [[SETTINGS.predictRows.toLocaleString('en-US'), fmt(predictSeconds), fmt(SETTINGS.predictRows / predictSeconds, 0)]]));

  // 3. BENCH_TRAIN_LONG=1: a fit of about a minute, where the fixed cost should all but vanish.
  if (LONG && longData) {
    await agent.spareReady(SETTINGS.repeat + SETTINGS.atOnce + 2); // after the trainings and the predict job
    const longSql = await sqlFit(hub, db, agent, user, 'bench_long', 'train_long', LONG.epochs);
    await agent.spareReady(SETTINGS.repeat + SETTINGS.atOnce + 3);
    const longRaw = await rawFit(longData, LONG.epochs);
    trainingTable(`3. the long fit: ${LONG.rows.toLocaleString('en-US')} rows, ${LONG.epochs} epochs, one after the other`, longRaw, longSql);

    // The same pair at once: both through the same minute of the machine (the agent's spare is
    // the one awaited before the raw fit above: no job ran since).
    const beside = await rawFitBeside(LONG.rows, 3, LONG.epochs);
    // sqlFit starts its clock once its subscription socket is open; the raw fit starts with it.
    let besideRaw: ReturnType<typeof beside.go> | undefined;
    const sqlAtOnce = await sqlFit(hub, db, agent, user, 'bench_long_2', 'train_long', LONG.epochs, () => {
      besideRaw = beside.go();
      besideRaw.catch(() => undefined); // awaited below, after the fit on the agent
    });
    const rawAtOnce = await besideRaw!;
    trainingTable(`3. the long fit again, both at once (the raw fit in a process of its own)`, rawAtOnce, sqlAtOnce);
  }
});
