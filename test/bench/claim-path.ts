/**
 * Section 3 of the compute benchmark (compute.bench.ts): the claim path. With `queued` jobs of one
 * owner queued, claims one job at a time, no hub running: the scheduler's claim as
 * Scheduler.claimFor runs it (prepared on the claim connection), the same statements planned each
 * time, and a bare `FOR UPDATE SKIP LOCKED` loop; wall time and CPU per claim of each.
 */
import { performance } from 'node:perf_hooks';
import type pg from 'pg';
import { issueToken } from '../../hub/src/accounts/tokens.js';
import { claimJobs } from '../../hub/src/compute/queue/claim-jobs.js';
import { preparedConnection } from '../../hub/src/db/prepared.js';
import type { Queryable } from '../../hub/src/db/rows.js';
import { fmt, onCleanup, ratio, table } from './harness.js';
import { runSeconds } from './proc-stats.js';

export interface ClaimResult {
  method: string;
  perSecond: number;
  meanMs: number;
  firstTenthMs: number;
  lastTenthMs: number;
  /** CPU per claim, median of the rounds: the claim's PostgreSQL backend (undefined when the server is not on this machine), and this process. */
  backendCpuUs: number | undefined;
  benchCpuUs: number;
}

export const CLAIM_METHODS = ['claimJobs, planned each time', 'claimJobs', 'bare SKIP LOCKED'] as const;
export type ClaimMethod = (typeof CLAIM_METHODS)[number];

export async function measureClaims(
  db: pg.Client,
  url: string,
  ownerId: string,
  nodeId: string,
  queued: number,
  settings: { claimCount: number; claimRounds: number; claimWarmup: number },
): Promise<Record<ClaimMethod, ClaimResult>> {
  const q: Queryable = { query: async (sql, params) => (await db.query(sql, params)).rows };
  // The scheduler's claim connection (db/prepared.ts): generic plans, JIT, sequential and bitmap scans off as its defaults.
  const claims = preparedConnection(url, 'aimass-bench-claims');
  const forget = onCleanup('close the claim connection', () => claims.close());
  const n = Math.min(settings.claimCount, queued);
  const claimOne: Record<ClaimMethod, () => Promise<number>> = {
    // The same statement unprepared, on an ordinary connection, autocommit.
    'claimJobs, planned each time': async () => (await claimJobs(q, nodeId, 1, 60, undefined, [issueToken('amj').hash])).length,
    // What Scheduler.claimFor does per idle agent: a token issued, then the one statement that
    // claims and records the attempt, prepared on the claim connection, autocommit.
    claimJobs: async () => (await claimJobs(claims, nodeId, 1, 60, undefined, [issueToken('amj').hash])).length,
    'bare SKIP LOCKED': async () =>
      (
        await db.query(
          `UPDATE jobs SET status = 'leased' WHERE id = (SELECT id FROM jobs WHERE status = 'queued' ORDER BY priority DESC, created_at LIMIT 1 FOR UPDATE SKIP LOCKED) RETURNING id`,
        )
      ).rowCount ?? 0,
  };
  const times = Object.fromEntries(CLAIM_METHODS.map((m) => [m, [] as number[][]])) as Record<ClaimMethod, number[][]>;
  // CPU time, less disturbed than wall time by whatever else the machine runs: each method's backend and this process.
  const dbPid = Number((await db.query(`SELECT pg_backend_pid() AS pid`)).rows[0].pid);
  const claimsPid = Number((await claims.query(`SELECT pg_backend_pid() AS pid`))[0].pid);
  const backendPid: Record<ClaimMethod, number> = { 'claimJobs, planned each time': dbPid, claimJobs: claimsPid, 'bare SKIP LOCKED': dbPid };
  const cpu = Object.fromEntries(CLAIM_METHODS.map((m) => [m, { backend: [] as number[], bench: [] as number[] }])) as Record<ClaimMethod, { backend: number[]; bench: number[] }>;
  for (let round = 0; round < settings.claimRounds; round++) {
    // Alternate the order each round, so neither method always runs on a warmer cache.
    const order = round % 2 === 0 ? [...CLAIM_METHODS] : [...CLAIM_METHODS].reverse();
    for (const method of order) {
      await db.query(`DELETE FROM jobs WHERE owner_id = $1`, [ownerId]);
      await db.query(
        `INSERT INTO jobs (kind, payload, owner_id, status, run_after, updated_at)
         SELECT 'echo', '{"durationMs":0,"steps":1}', $1, 'queued', now(), now() FROM generate_series(1, $2::int)`,
        [ownerId, queued + settings.claimWarmup],
      );
      await db.query(`VACUUM ANALYZE jobs`);
      await db.query(`VACUUM ANALYZE job_attempts`);
      // The queue's pages written out, as in a hub whose queue filled a while ago: right after the
      // bulk insert the timed claims would find shared buffers full of its dirty pages and write
      // them out themselves as they needed new ones, the later claims more than the first (at
      // 100,000 queued the last tenth of the claims took 0.66 ms against 0.46–0.55 ms for the first).
      await db.query(`CHECKPOINT`);
      // Untimed claims first, the same for every method: the statement prepared and planned, the
      // backend's catalog caches and the tables' pages warm, as in a hub that has been claiming.
      // The extra jobs they take leave exactly `queued` queued for the timed claims.
      for (let i = 0; i < settings.claimWarmup; i++) {
        if ((await claimOne[method]()) !== 1) throw new Error(`${method} claimed nothing while warming up`);
      }
      const each: number[] = [];
      const backend0 = runSeconds(backendPid[method]);
      const bench0 = process.cpuUsage();
      for (let i = 0; i < n; i++) {
        const t = performance.now();
        const got = await claimOne[method]();
        each.push(performance.now() - t);
        if (got !== 1) throw new Error(`${method} claimed ${got} jobs on claim ${i + 1} of ${n}`);
      }
      times[method].push(each);
      const backend1 = runSeconds(backendPid[method]);
      const bench = process.cpuUsage(bench0);
      if (backend0 !== undefined && backend1 !== undefined) cpu[method].backend.push(((backend1 - backend0) * 1e6) / n);
      cpu[method].bench.push((bench.user + bench.system) / n);
    }
  }
  await db.query(`DELETE FROM jobs WHERE owner_id = $1`, [ownerId]);
  forget();
  await claims.close();
  const result = {} as Record<ClaimMethod, ClaimResult>;
  for (const method of CLAIM_METHODS) {
    // The fastest round counts (least disturbed by the machine); the tenths come from that round.
    const best = times[method].reduce((a, b) => (b.reduce((x, y) => x + y, 0) < a.reduce((x, y) => x + y, 0) ? b : a));
    const total = best.reduce((a, b) => a + b, 0);
    const tenth = Math.max(1, Math.floor(best.length / 10));
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const median = (xs: number[]) => (xs.length === 0 ? undefined : [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]);
    result[method] = {
      method,
      perSecond: best.length / (total / 1000),
      meanMs: total / best.length,
      firstTenthMs: mean(best.slice(0, tenth)),
      lastTenthMs: mean(best.slice(-tenth)),
      backendCpuUs: median(cpu[method].backend),
      benchCpuUs: median(cpu[method].bench)!,
    };
  }
  return result;
}

export interface ClaimSize {
  queued: number;
  claims: Record<ClaimMethod, ClaimResult>;
}

/** Measures the claim path at each queue size in `settings.claimJobs` and prints its table. */
export async function claimSection(
  db: pg.Client,
  url: string,
  ownerId: string,
  nodeId: string,
  settings: { claimJobs: number[]; claimCount: number; claimRounds: number; claimWarmup: number },
): Promise<ClaimSize[]> {
  const sizes: ClaimSize[] = [];
  console.log(
    `## 3. Claim path: ${settings.claimJobs.join(' and ')} queued jobs, ${settings.claimCount} of them claimed one at a time after ${settings.claimWarmup} untimed, same database, no hub running (best of ${settings.claimRounds} rounds)`,
  );
  for (const queued of settings.claimJobs) sizes.push({ queued, claims: await measureClaims(db, url, ownerId, nodeId, queued, settings) });
  const small = sizes[0];
  console.log(
    table(
      ['queued jobs', 'method', 'claims/s', 'mean ms', 'first 10% ms', 'last 10% ms', 'rate vs bare', `rate vs ${small.queued} queued`, 'PostgreSQL CPU µs/claim', 'bench CPU µs/claim'],
      sizes.flatMap(({ queued, claims }) =>
        CLAIM_METHODS.map((m) => [
          queued,
          m,
          fmt(claims[m].perSecond, 0),
          fmt(claims[m].meanMs, 3),
          fmt(claims[m].firstTenthMs, 3),
          fmt(claims[m].lastTenthMs, 3),
          ratio(claims[m].perSecond, claims['bare SKIP LOCKED'].perSecond),
          ratio(claims[m].perSecond, small.claims[m].perSecond),
          claims[m].backendCpuUs === undefined ? 'n/a' : fmt(claims[m].backendCpuUs, 0),
          fmt(claims[m].benchCpuUs, 0),
        ]),
      ),
    ),
  );
  console.log('  claimJobs: the hub\'s claim (fair share, requirements, lease, attempt and token hash recorded) as Scheduler.claimFor runs it: a token issued, one statement without lookups (and the full one after it when a job needs a lookup) prepared once on the claim connection (generic plan, JIT, sequential and bitmap scans off) and run with EXECUTE in the simple query protocol, autocommit. Planned each time: the same statements unprepared, autocommit.');
  console.log('  CPU µs/claim: median over the rounds of the CPU time of the backend running the claims (/proc/<pid>/schedstat; n/a when PostgreSQL is not on this machine) and of this process (issuing tokens, the driver), per claim.');
  console.log('  Claimed jobs stay leased (as running jobs do), so the owner\'s active-job count grows during the run.');
  console.log('');
  return sizes;
}
