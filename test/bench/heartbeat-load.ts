/**
 * Section 4 of the compute benchmark (compute.bench.ts): the hub's CPU and RSS, and PostgreSQL's
 * commits, over a window with no agent connected and one with `nodes` heartbeating every
 * `heartbeatSeconds`, and the heartbeats the hub dropped as too early meanwhile.
 */
import { performance } from 'node:perf_hooks';
import type pg from 'pg';
import { sleep, type Database, type Hub } from './harness.js';
import { sampleUsage, withChildren, type Usage } from './proc-stats.js';
import type { Pace } from './sim-agent.js';
import { connectAgents, metric, type RegisteredNode } from './sim-fleet.js';

export interface HeartbeatResult {
  idle: Usage;
  loaded: Usage;
  connectSeconds: number;
  idleXactPerSecond: number;
  loadedXactPerSecond: number;
  heartbeatsDropped: number;
  heartbeatSeconds: number;
}

async function xactCommits(db: pg.Client): Promise<number> {
  await db.query(`SELECT pg_stat_clear_snapshot()`);
  return Number((await db.query(`SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()`)).rows[0].xact_commit);
}

export async function measureHeartbeats(hub: Hub, db: pg.Client, database: Database, nodes: RegisteredNode[], heartbeatSeconds: number, sampleSeconds: number, pace: Pace | null): Promise<HeartbeatResult> {
  const postgres = database.postmasterPid ? () => withChildren(database.postmasterPid!) : undefined;
  const window = async () => {
    await db.query(`SELECT pg_stat_force_next_flush()`).catch(() => undefined);
    const x0 = await xactCommits(db);
    const usage = await sampleUsage(hub.pid, sampleSeconds, postgres);
    await sleep(1100); // the statistics collector flushes about once a second
    const x1 = await xactCommits(db);
    return { usage, xactPerSecond: (x1 - x0) / usage.seconds };
  };
  await sleep(5000); // settle after start-up
  const idle = await window();
  const t = performance.now();
  const set = await connectAgents(hub, nodes, pace);
  const connectSeconds = (performance.now() - t) / 1000;
  await sleep(3000);
  const floodBefore = await metric(hub, 'aimass_agent_frames_rejected_total', 'reason="HEARTBEAT_FLOOD"');
  const loaded = await window();
  const heartbeatsDropped = (await metric(hub, 'aimass_agent_frames_rejected_total', 'reason="HEARTBEAT_FLOOD"')) - floodBefore;
  await set.close();
  return {
    idle: idle.usage,
    loaded: loaded.usage,
    connectSeconds,
    idleXactPerSecond: idle.xactPerSecond,
    loadedXactPerSecond: loaded.xactPerSecond,
    heartbeatsDropped,
    heartbeatSeconds,
  };
}
