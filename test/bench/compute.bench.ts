/**
 * `npm run bench`: a benchmark of the compute backbone (agent gateway, scheduler, jobs queue),
 * printing every figure side by side from one run on one machine:
 *
 *  1. dispatch latency: `submitJob` sent → `job.assign` received by a simulated agent (p50, p99),
 *     with 1, 16 and 200 idle agents, and the hub's and PostgreSQL's CPU per job;
 *  2. throughput: no-op echo jobs completed per second with 1, 4 and 16 simulated agents;
 *  3. claim path (claim-path.ts): our claim (claimJobs, as the scheduler runs it) vs a bare `FOR UPDATE SKIP LOCKED`
 *     loop, with 1,000 and 100,000 jobs queued;
 *  4. hub CPU and RSS (heartbeat-load.ts) with 200 agents heartbeating every second vs the same hub idle.
 *
 * Needs PostgreSQL: DATABASE_URL (an admin connection: a database is created and dropped), else a
 * throwaway server from test/support/postgres.sh. Every size is an environment variable (see
 * SETTINGS below and docs/performance.md); BENCH_SECTIONS=3 runs only the claim path. Whatever happens, every hub, agent socket, database
 * and server it started is stopped before it exits.
 */
import { existsSync } from 'node:fs';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import {
  runBenchmark,
  connect,
  cpuDelta,
  fmt,
  HUB_ENTRY,
  intEnv,
  listEnv,
  postgresBackendCpu,
  postgresCpu,
  ratio,
  setUpDatabase,
  signUp,
  sleep,
  startHub,
  summarize,
  table,
  type Database,
  type Hub,
} from './harness.js';
import { cpuSeconds, processRunSeconds } from './proc-stats.js';
import { DEFAULT_PACE } from './sim-agent.js';
import { claimSection, type ClaimSize } from './claim-path.js';
import { measureHeartbeats, type HeartbeatResult } from './heartbeat-load.js';
import { connectAgents, metric, registerNodes, submitEcho, type RegisteredNode } from './sim-fleet.js';

const SETTINGS = {
  latencyJobs: intEnv('BENCH_LATENCY_JOBS', 200),
  latencyWarmup: intEnv('BENCH_LATENCY_WARMUP', 10),
  latencyAgents: listEnv('BENCH_LATENCY_AGENTS', [1, 16, 200]),
  /** Jobs submitted alone (spaced out) to measure what one job costs the hub and the database. */
  isolatedJobs: intEnv('BENCH_ISOLATED_JOBS', 10),
  isolatedSpacingMs: intEnv('BENCH_ISOLATED_SPACING_MS', 500),
  throughputJobs: intEnv('BENCH_THROUGHPUT_JOBS', 1000),
  throughputAgents: listEnv('BENCH_THROUGHPUT_AGENTS', [1, 4, 16]),
  throughputTimeoutSeconds: intEnv('BENCH_THROUGHPUT_TIMEOUT_SECONDS', 60),
  /** Sections to run, e.g. `3` for the claim path alone. */
  sections: listEnv('BENCH_SECTIONS', [1, 2, 3, 4]),
  /** Queue sizes the claim path is measured at. */
  claimJobs: listEnv('BENCH_CLAIM_JOBS', [1000, 100_000]),
  /** Claims timed at each queue size (at most the queue size). */
  claimCount: intEnv('BENCH_CLAIM_COUNT', 1000),
  claimRounds: intEnv('BENCH_CLAIM_ROUNDS', 3),
  claimWarmup: intEnv('BENCH_CLAIM_WARMUP', 50),
  heartbeatAgents: intEnv('BENCH_HEARTBEAT_AGENTS', 200),
  sampleSeconds: intEnv('BENCH_SAMPLE_SECONDS', 15),
  /** 0: simulated agents ignore the hub's frame limit (their reports may be dropped). */
  pace: intEnv('BENCH_PACE', 1) !== 0,
};

const PACE = SETTINGS.pace ? DEFAULT_PACE : null;

// ---- 1. dispatch latency ---------------------------------------------------------------------

interface LatencyResult {
  agents: number;
  dispatch: ReturnType<typeof summarize>;
  roundTrip: ReturnType<typeof summarize>;
  /** Breakdown: submitJob sent → the job's INSERT transaction began (created_at). */
  toInsert: ReturnType<typeof summarize>;
  /** → the claim transaction began (started_at). */
  toClaim: ReturnType<typeof summarize>;
  /** → job.assign received. */
  claimToAssign: ReturnType<typeof summarize>;
  /** CPU per job over the back-to-back jobs, in ms. */
  hubCpuMsPerJob: number;
  pgCpuMsPerJob?: number;
  /** CPU per job submitted alone to a quiet hub (baseline subtracted), in ms. */
  isolatedHubCpuMs: number;
  isolatedPgCpuMs?: number;
}

interface Timing {
  dispatch: number;
  roundTrip: number;
  toInsert: number;
  toClaim: number;
  claimToAssign: number;
}

async function measureLatency(hub: Hub, db: pg.Client, database: Database, user: { token: string }, nodes: RegisteredNode[]): Promise<LatencyResult> {
  const arrived = new Map<string, number>();
  const waiting = new Map<string, (at: number) => void>();
  const set = await connectAgents(hub, nodes, PACE, (jobId, at) => {
    arrived.set(jobId, at);
    waiting.get(jobId)?.(at);
  });
  await sleep(500);

  /** Submits one echo job, waits for its assign and until the hub has recorded it succeeded. */
  const runOne = async (): Promise<Timing> => {
    const sent = performance.now();
    const id = await submitEcho(hub, user.token);
    const answered = performance.now();
    const at =
      arrived.get(id) ??
      (await new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`job ${id} was never assigned`)), 30_000);
        waiting.set(id, (t) => {
          clearTimeout(timer);
          resolve(t);
        });
      }));
    waiting.delete(id);
    arrived.delete(id);
    // One job at a time: wait until the hub has recorded it succeeded (the agent's slot is free).
    const deadline = Date.now() + 30_000;
    for (;;) {
      const row = (
        await db.query(
          `SELECT status, extract(epoch FROM created_at) * 1000 AS created, extract(epoch FROM started_at) * 1000 AS claimed FROM jobs WHERE id = $1`,
          [id],
        )
      ).rows[0];
      if (row?.status === 'succeeded') {
        // Same clock: performance.timeOrigin + performance.now() is epoch milliseconds, as are the
        // database's timestamps on this machine. created_at is now() of the INSERT's transaction
        // (millisecond precision); started_at is now() of the claim transaction.
        const epoch = (t: number) => performance.timeOrigin + t;
        return {
          dispatch: at - sent,
          roundTrip: answered - sent,
          toInsert: Number(row.created) - epoch(sent),
          toClaim: Number(row.claimed) - Number(row.created),
          claimToAssign: epoch(at) - Number(row.claimed),
        };
      }
      if (Date.now() > deadline) throw new Error(`job ${id} did not succeed within 30 s`);
      await sleep(1);
    }
  };

  for (let i = 0; i < SETTINGS.latencyWarmup; i++) await runOne();
  const hubCpu0 = cpuSeconds(hub.pid) ?? 0;
  const pgCpu0 = postgresCpu(database);
  const timings: Timing[] = [];
  for (let i = 0; i < SETTINGS.latencyJobs; i++) timings.push(await runOne());
  const hubCpuMsPerJob = (((cpuSeconds(hub.pid) ?? 0) - hubCpu0) / SETTINGS.latencyJobs) * 1000;
  const pgCpuUsed = cpuDelta(pgCpu0, postgresCpu(database));
  const pgCpuMsPerJob = pgCpuUsed === undefined ? undefined : (pgCpuUsed / SETTINGS.latencyJobs) * 1000;

  // Isolated jobs: one job every spacing ms on an otherwise quiet hub, so each pays for its own
  // dispatch passes. The CPU counted is what the hub and its connections used from each job's
  // submission to 50 ms after it succeeded (its follow-ups), less the quiet rate (heartbeats, the
  // hub's periodic work) over as long, measured over quiet windows before and after. Counting
  // only those short windows keeps the quiet work's bursts (a periodic task, heartbeats) from
  // outweighing the jobs' own, as they did over whole 500 ms slots.
  const k = SETTINGS.isolatedJobs;
  const spacing = SETTINGS.isolatedSpacingMs;
  // PostgreSQL: the hub's connections alone (not this bench's, which polls each job's row, nor the
  // background processes: an autovacuum of the jobs above may run in a quiet window).
  const benchBackend = Number((await db.query(`SELECT pg_backend_pid() AS pid`)).rows[0].pid);
  const usage = () => ({ hub: processRunSeconds(hub.pid) ?? 0, pg: postgresBackendCpu(database, [benchBackend]), t: performance.now() });
  const quietFor = async (ms: number) => {
    const a = usage();
    await sleep(ms);
    const b = usage();
    return { hub: b.hub - a.hub, pg: cpuDelta(a.pg, b.pg), seconds: (b.t - a.t) / 1000 };
  };
  await sleep(spacing);
  const quietBefore = await quietFor(k * spacing);
  const busy = { hub: 0, pg: 0 as number | undefined, seconds: 0 };
  for (let i = 0; i < k; i++) {
    const a = usage();
    await runOne();
    await sleep(50);
    const b = usage();
    busy.hub += b.hub - a.hub;
    const pg = cpuDelta(a.pg, b.pg);
    busy.pg = busy.pg === undefined || pg === undefined ? undefined : busy.pg + pg;
    busy.seconds += (b.t - a.t) / 1000;
    await sleep(Math.max(0, spacing - (b.t - a.t)));
  }
  const quietAfter = await quietFor(k * spacing);
  const quietSeconds = quietBefore.seconds + quietAfter.seconds;
  /** CPU ms per job: used in the jobs' windows, less the quiet-time rate over as long. */
  const isolated = (quietCpu: number, busyCpu: number) => ((busyCpu - (quietCpu / quietSeconds) * busy.seconds) / k) * 1000;
  const pgQuiet = quietBefore.pg === undefined || quietAfter.pg === undefined ? undefined : quietBefore.pg + quietAfter.pg;
  const pgBusy = busy.pg;
  await set.close();
  const pick = (key: keyof Timing) => summarize(timings.map((t) => t[key]));
  return {
    agents: nodes.length,
    dispatch: pick('dispatch'),
    roundTrip: pick('roundTrip'),
    toInsert: pick('toInsert'),
    toClaim: pick('toClaim'),
    claimToAssign: pick('claimToAssign'),
    hubCpuMsPerJob,
    pgCpuMsPerJob,
    isolatedHubCpuMs: isolated(quietBefore.hub + quietAfter.hub, busy.hub),
    isolatedPgCpuMs: pgQuiet === undefined || pgBusy === undefined ? undefined : isolated(pgQuiet, pgBusy),
  };
}

// ---- 2. throughput ----------------------------------------------------------------------------

interface ThroughputResult {
  agents: number;
  jobs: number;
  seconds: number;
  perSecond: number;
  completed: number;
  timedOut: boolean;
  perAgentMin: number;
  perAgentMax: number;
  framesDropped: number;
  /** CPU over the run, in % of one core. */
  hubCpuPercent: number;
  pgCpuPercent?: number;
}

async function measureThroughput(hub: Hub, db: pg.Client, database: Database, user: { id: string; token: string }, nodes: RegisteredNode[]): Promise<ThroughputResult> {
  const set = await connectAgents(hub, nodes, PACE);
  await sleep(500);
  const count = async () => Number((await db.query(`SELECT count(*) AS n FROM jobs WHERE owner_id = $1 AND status = 'succeeded'`, [user.id])).rows[0].n);
  const dropsBefore = await metric(hub, 'aimass_agent_frames_rejected_total', 'reason="RATE_LIMITED"');
  const before = await count();
  const n = SETTINGS.throughputJobs;
  await db.query(
    `INSERT INTO jobs (kind, payload, owner_id, status, run_after, updated_at)
     SELECT 'echo', '{"durationMs":0,"steps":1}', $1, 'queued', now(), now() FROM generate_series(1, $2::int)`,
    [user.id, n],
  );
  const target = before + n + 1;
  const hubCpu0 = cpuSeconds(hub.pid) ?? 0;
  const pgCpu0 = postgresCpu(database);
  const start = performance.now();
  await submitEcho(hub, user.token); // the kick: the hub dispatches when a job is submitted
  let done = before;
  let timedOut = false;
  while ((done = await count()) < target) {
    if (performance.now() - start > SETTINGS.throughputTimeoutSeconds * 1000) {
      timedOut = true;
      break;
    }
    await sleep(20);
  }
  const seconds = (performance.now() - start) / 1000;
  const hubCpuPercent = (((cpuSeconds(hub.pid) ?? 0) - hubCpu0) / seconds) * 100;
  const pgCpuUsed = cpuDelta(pgCpu0, postgresCpu(database));
  const pgCpuPercent = pgCpuUsed === undefined ? undefined : (pgCpuUsed / seconds) * 100;
  const framesDropped = (await metric(hub, 'aimass_agent_frames_rejected_total', 'reason="RATE_LIMITED"')) - dropsBefore;
  const perAgent = set.agents.map((a) => a.assigned);
  await set.close();
  if (timedOut) {
    // Leave nothing claimable for the next run.
    await db.query(`UPDATE jobs SET status = 'canceled', finished_at = now() WHERE owner_id = $1 AND status IN ('queued', 'leased', 'running')`, [user.id]);
  }
  const completed = done - before;
  return {
    agents: nodes.length,
    jobs: n + 1,
    seconds,
    perSecond: completed / seconds,
    completed,
    timedOut,
    perAgentMin: Math.min(...perAgent),
    perAgentMax: Math.max(...perAgent),
    framesDropped,
    hubCpuPercent,
    pgCpuPercent,
  };
}

// ---- main -------------------------------------------------------------------------------------

async function main(): Promise<void> {
  if (!existsSync(HUB_ENTRY)) throw new Error(`${HUB_ENTRY} is missing: run \`npm run build:hub\` first (npm run bench does).`);
  const started = performance.now();
  const benchCpuStart = process.cpuUsage();
  const database = await setUpDatabase();
  const db = await connect(database.url);
  const pgVersion = (await db.query(`SHOW server_version`)).rows[0].server_version as string;
  const cpus = os.cpus();
  console.log('# AI Mass compute benchmark');
  console.log(`date        ${new Date().toISOString()}`);
  console.log(`machine     ${cpus.length} cores (${cpus[0]?.model ?? 'unknown'}), ${fmt(os.totalmem() / 2 ** 30, 1)} GiB RAM, ${os.platform()} ${os.release()}`);
  console.log(`load        ${os.loadavg().map((l) => fmt(l)).join(' ')} (1, 5, 15 min load average at the start: other work on the machine skews every figure)`);
  console.log(`node        ${process.version}`);
  console.log(`postgresql  ${pgVersion} (${process.env.DATABASE_URL ? 'DATABASE_URL' : 'throwaway server from test/support/postgres.sh: fsync=off, synchronous_commit=off'})`);
  console.log(`settings    ${JSON.stringify(SETTINGS)}`);
  console.log(`agents      simulated (raw ws clients in this process), 1 slot each, ${PACE ? `paced to ${PACE.perSecond} frames/s (hub limit 100/s)` : 'not paced'}`);
  console.log('');

  // Hub A: default heartbeat interval. Latency, then throughput.
  // Housekeeping (which also runs a dispatch pass) once a minute, not every 5 s, so it does not land
  // in the CPU windows of the isolated jobs; nothing in phases 1-2 waits for it.
  let hub = await startHub(database, { AIMASS_SCHEDULER_TICK_SECONDS: '59' });
  const user = await signUp(hub);
  const run = (section: number) => SETTINGS.sections.includes(section);
  const maxAgents = run(1) || run(2) ? Math.max(...SETTINGS.throughputAgents) : 1;
  const nodes = await registerNodes(hub, maxAgents, user);
  // The heartbeat phase's nodes too, now: registering on hub B would warm it up before its idle figure.
  const spare = await registerNodes(
    hub,
    Math.max(run(4) ? SETTINGS.heartbeatAgents : 0, run(1) ? Math.max(...SETTINGS.latencyAgents) - nodes.length : 0),
  );
  const hbNodes = spare.slice(0, SETTINGS.heartbeatAgents);
  console.log(`hub A up (pid ${hub.pid}); ${nodes.length + spare.length} nodes registered\n`);

  const latency: LatencyResult[] = [];
  if (run(1)) {
    console.log('## 1. Dispatch latency: submitJob sent → job.assign received (one job at a time)');
    const pool = [...nodes, ...spare];
    for (const k of SETTINGS.latencyAgents) {
      const r = await measureLatency(hub, db, database, user, pool.slice(0, k));
      latency.push(r);
      console.log(`  ${k} agent(s): p50 ${fmt(r.dispatch.p50)} ms, p99 ${fmt(r.dispatch.p99)} ms (submitJob response p50 ${fmt(r.roundTrip.p50)} ms)`);
    }
    console.log('');
    console.log(
      table(
        ['idle agents', 'jobs', 'dispatch p50 ms', 'p99 ms', 'mean ms', 'max ms', 'submitJob reply p50 ms', 'reply p99 ms'],
        latency.map((r) => [r.agents, r.dispatch.n, fmt(r.dispatch.p50), fmt(r.dispatch.p99), fmt(r.dispatch.mean), fmt(r.dispatch.max), fmt(r.roundTrip.p50), fmt(r.roundTrip.p99)]),
      ),
    );
    console.log('');
    console.log('Where the time goes (p50, ms; database timestamps on the same clock, created_at rounded to 1 ms):');
    console.log(
      table(
        ['idle agents', 'sent → INSERT began', 'INSERT began → claim txn began', 'claim txn began → assign received'],
        latency.map((r) => [r.agents, fmt(r.toInsert.p50), fmt(r.toClaim.p50), fmt(r.claimToAssign.p50)]),
      ),
    );
    console.log('');
    console.log(`CPU per job (ms): back to back (as above), and submitted alone every ${SETTINGS.isolatedSpacingMs} ms (${SETTINGS.isolatedJobs} jobs; alone: CPU from each job's submission to 50 ms after its success, less the quiet rate before and after over as long; PostgreSQL alone: the hub's connection backends):`);
    const na = (v: number | undefined) => (v === undefined ? 'n/a' : fmt(v));
    const lat0 = latency[0];
    console.log(
      table(
        ['idle agents', 'hub, back to back', 'PostgreSQL, back to back', 'hub, alone', 'PostgreSQL, alone', `hub + PostgreSQL alone, vs ${lat0.agents} agent(s)`],
        latency.map((r) => [
          r.agents,
          fmt(r.hubCpuMsPerJob),
          na(r.pgCpuMsPerJob),
          fmt(r.isolatedHubCpuMs),
          na(r.isolatedPgCpuMs),
          ratio(r.isolatedHubCpuMs + (r.isolatedPgCpuMs ?? 0), lat0.isolatedHubCpuMs + (lat0.isolatedPgCpuMs ?? 0)),
        ]),
      ),
    );
    console.log('');
  }

  const throughput: ThroughputResult[] = [];
  if (run(2)) {
    console.log(`## 2. Throughput: ${SETTINGS.throughputJobs} no-op echo jobs (+1 kick) queued, then completed by N agents`);
    for (const k of SETTINGS.throughputAgents) {
      const r = await measureThroughput(hub, db, database, user, nodes.slice(0, k));
      throughput.push(r);
      console.log(`  ${k} agent(s): ${fmt(r.perSecond, 1)} jobs/s${r.timedOut ? ` (TIMED OUT: ${r.completed}/${r.jobs} done)` : ''}`);
    }
    const base = throughput[0];
    console.log('');
    console.log(
      table(
        ['agents', 'jobs done', 'seconds', 'jobs/s', `vs ${base.agents} agent(s)`, 'sustained frame-limit cap jobs/s', 'jobs per agent min–max', 'frames dropped', 'hub CPU %', 'PostgreSQL CPU %'],
        throughput.map((r) => [
          r.agents,
          `${r.completed}/${r.jobs}${r.timedOut ? ' TIMEOUT' : ''}`,
          fmt(r.seconds),
          fmt(r.perSecond, 1),
          ratio(r.perSecond, base.perSecond),
          // Two frames (started, succeeded) per job; 100 frames/s per agent after a burst of 200.
          r.agents * 50,
          `${r.perAgentMin}–${r.perAgentMax}`,
          r.framesDropped,
          fmt(r.hubCpuPercent, 0),
          r.pgCpuPercent === undefined ? 'n/a' : fmt(r.pgCpuPercent, 0),
        ]),
      ),
    );
    console.log('');
  }
  await hub.stop();

  const claimSizes: ClaimSize[] = [];
  if (run(3)) {
    claimSizes.push(...(await claimSection(db, database.url, user.id, nodes[0].id, SETTINGS)));
  }

  let hb: HeartbeatResult | undefined;
  const heartbeatSeconds = 1;
  if (run(4)) {
    // Hub B: heartbeat every second, 0 agents then many.
    hub = await startHub(database, { AIMASS_AGENT_HEARTBEAT_SECONDS: String(heartbeatSeconds) });
    console.log(`## 4. Hub CPU and RSS: idle (0 agents) vs ${hbNodes.length} agents heartbeating every ${heartbeatSeconds} s, ${SETTINGS.sampleSeconds} s each (hub B, pid ${hub.pid})`);
    hb = await measureHeartbeats(hub, db, database, hbNodes, heartbeatSeconds, SETTINGS.sampleSeconds, PACE);
    await hub.stop();
    const pgCol = hb.idle.otherCpuPercent !== undefined;
    console.log(
      table(
        ['hub state', 'hub CPU %', 'RSS mean MB', 'RSS max MB', 'DB commits/s (approx.)', ...(pgCol ? ['PostgreSQL CPU %'] : [])],
        [
          ['idle, 0 agents', fmt(hb.idle.cpuPercent), fmt(hb.idle.rssMeanMb, 1), fmt(hb.idle.rssMaxMb, 1), fmt(hb.idleXactPerSecond, 1), ...(pgCol ? [fmt(hb.idle.otherCpuPercent!)] : [])],
          [`${hbNodes.length} agents`, fmt(hb.loaded.cpuPercent), fmt(hb.loaded.rssMeanMb, 1), fmt(hb.loaded.rssMaxMb, 1), fmt(hb.loadedXactPerSecond, 1), ...(pgCol ? [fmt(hb.loaded.otherCpuPercent!)] : [])],
          [
            'ratio',
            ratio(hb.loaded.cpuPercent, hb.idle.cpuPercent),
            ratio(hb.loaded.rssMeanMb, hb.idle.rssMeanMb),
            ratio(hb.loaded.rssMaxMb, hb.idle.rssMaxMb),
            ratio(hb.loadedXactPerSecond, hb.idleXactPerSecond),
            ...(pgCol ? [ratio(hb.loaded.otherCpuPercent!, hb.idle.otherCpuPercent!)] : []),
          ],
        ],
      ),
    );
    const sentPerSecond = hbNodes.length / heartbeatSeconds;
    const hubMsPerHeartbeat = ((hb.loaded.cpuPercent - hb.idle.cpuPercent) / 100 / sentPerSecond) * 1000;
    console.log(
      `  ${fmt(sentPerSecond, 0)} heartbeats/s sent; ${hb.heartbeatsDropped} dropped by the hub as too early (HEARTBEAT_FLOOD) in the window; ` +
        `${fmt(hubMsPerHeartbeat, 3)} ms of hub CPU per heartbeat (loaded − idle); connecting ${hbNodes.length} agents took ${fmt(hb.connectSeconds)} s.`,
    );
    console.log('  CPU % is of one core (this machine has ' + cpus.length + '); RSS is VmRSS of the hub process.');
    console.log('');
  }

  // Summary, side by side.
  const rows: (string | number)[][] = [];
  if (latency.length > 0) {
    const lat1 = latency[0];
    const latMax = latency[latency.length - 1];
    rows.push(
      [`dispatch latency p50, ${lat1.agents} agent(s)`, `${fmt(lat1.dispatch.p50)} ms`, `${latMax.agents} idle agents: ${fmt(latMax.dispatch.p50)} ms`, ratio(latMax.dispatch.p50, lat1.dispatch.p50)],
      [`dispatch latency p99, ${lat1.agents} agent(s)`, `${fmt(lat1.dispatch.p99)} ms`, `${latMax.agents} idle agents: ${fmt(latMax.dispatch.p99)} ms`, ratio(latMax.dispatch.p99, lat1.dispatch.p99)],
      [
        `hub + PostgreSQL CPU per job alone, ${lat1.agents} agent(s)`,
        `${fmt(lat1.isolatedHubCpuMs + (lat1.isolatedPgCpuMs ?? 0), 1)} ms`,
        `${latMax.agents} idle agents: ${fmt(latMax.isolatedHubCpuMs + (latMax.isolatedPgCpuMs ?? 0), 1)} ms`,
        ratio(latMax.isolatedHubCpuMs + (latMax.isolatedPgCpuMs ?? 0), lat1.isolatedHubCpuMs + (lat1.isolatedPgCpuMs ?? 0)),
      ],
    );
  }
  if (throughput.length > 0) {
    const base = throughput[0];
    const tpMax = throughput[throughput.length - 1];
    rows.push(
      ...throughput.map((r) => [`throughput, ${r.agents} agent(s)`, `${fmt(r.perSecond, 1)} jobs/s`, `${base.agents} agent(s): ${fmt(base.perSecond, 1)} jobs/s`, ratio(r.perSecond, base.perSecond)]),
      [`throughput per agent, ${tpMax.agents} agents`, `${fmt(tpMax.perSecond / tpMax.agents, 1)} jobs/s`, `${base.agents} agent(s): ${fmt(base.perSecond / base.agents, 1)} jobs/s`, ratio(tpMax.perSecond / tpMax.agents, base.perSecond / base.agents)],
    );
  }
  for (const { queued, claims } of claimSizes) {
    const bare = claims['bare SKIP LOCKED'];
    rows.push(
      [`claims/s, claimJobs, ${queued} queued`, fmt(claims.claimJobs.perSecond, 0), `bare SKIP LOCKED: ${fmt(bare.perSecond, 0)}`, ratio(claims.claimJobs.perSecond, bare.perSecond)],
      [`claims/s, claimJobs planned each time, ${queued} queued`, fmt(claims['claimJobs, planned each time'].perSecond, 0), `bare SKIP LOCKED: ${fmt(bare.perSecond, 0)}`, ratio(claims['claimJobs, planned each time'].perSecond, bare.perSecond)],
    );
  }
  if (hb) {
    rows.push(
      [`hub CPU, ${hbNodes.length} agents @ ${heartbeatSeconds} s`, `${fmt(hb.loaded.cpuPercent)} %`, `idle: ${fmt(hb.idle.cpuPercent)} %`, ratio(hb.loaded.cpuPercent, hb.idle.cpuPercent)],
      [`hub RSS, ${hbNodes.length} agents`, `${fmt(hb.loaded.rssMeanMb, 1)} MB`, `idle: ${fmt(hb.idle.rssMeanMb, 1)} MB`, ratio(hb.loaded.rssMeanMb, hb.idle.rssMeanMb)],
    );
  }
  console.log('## Summary (same run, same machine)');
  console.log(table(['figure', 'value', 'compared with', 'ratio'], rows));
  const benchCpu = process.cpuUsage(benchCpuStart);
  console.log('');
  console.log(`load average at the end: ${os.loadavg().map((l) => fmt(l)).join(' ')}`);
  console.log('');
  console.log(
    `total ${fmt((performance.now() - started) / 1000, 1)} s; this process (simulated agents, GraphQL client) used ${fmt((benchCpu.user + benchCpu.system) / 1e6, 1)} s CPU` +
      (database.postmasterPid ? `; PostgreSQL used ${fmt(cpuDelta(new Map(), postgresCpu(database))!, 1)} s CPU (live processes)` : ''),
  );
}

await runBenchmark(main);
