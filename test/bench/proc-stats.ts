/** CPU time and resident memory of processes, from /proc (Linux only). */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

let clockTicks: number | undefined;

/** Clock ticks per second (USER_HZ), the unit of utime/stime in /proc/<pid>/stat. */
export function ticksPerSecond(): number {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/** Fields after the command name (which may hold spaces): index 0 is field 3 (state). */
function statFields(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** utime + stime of the process, in seconds; undefined when it is gone. */
export function cpuSeconds(pid: number): number | undefined {
  const f = statFields(pid);
  return f ? (Number(f[11]) + Number(f[12])) / ticksPerSecond() : undefined;
}

/** CPU time of the process in seconds, to the nanosecond (/proc/<pid>/schedstat); undefined when it is not on this machine. */
export function runSeconds(pid: number): number | undefined {
  try {
    return Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[0]) / 1e9;
  } catch {
    return undefined;
  }
}

/** CPU time of every thread of the process in seconds, to the nanosecond (the schedstat of each of its tasks in /proc); undefined when it is gone. */
export function processRunSeconds(pid: number): number | undefined {
  try {
    let sum = 0;
    for (const task of readdirSync(`/proc/${pid}/task`)) sum += runSeconds(Number(task)) ?? 0;
    return sum;
  } catch {
    return undefined;
  }
}

/** Resident set size in MB (VmRSS of /proc/<pid>/status). */
export function rssMb(pid: number): number | undefined {
  try {
    const kb = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb === undefined ? undefined : Number(kb) / 1024;
  } catch {
    return undefined;
  }
}

/**
 * Whether a PostgreSQL process serves a client connection: its title (cmdline) is
 * `postgres: <user> <database> <host>(<port>) …` or `… [local] …`, where the background processes
 * say what they are (`postgres: checkpointer`, `postgres: autovacuum worker`, …).
 */
export function isConnectionBackend(pid: number): boolean {
  try {
    return /^postgres: \S+ \S+ (\[local\]|[\d.:a-f]+\(\d+\))/.test(readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' '));
  } catch {
    return false;
  }
}

/** The process and its direct children (e.g. a postmaster and its backends). */
export function withChildren(pid: number): number[] {
  const pids = [pid];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const f = statFields(Number(entry));
    if (f && Number(f[1]) === pid) pids.push(Number(entry));
  }
  return pids;
}

export interface Usage {
  seconds: number;
  /** CPU time over wall time, in % of one core. */
  cpuPercent: number;
  rssMeanMb: number;
  rssMaxMb: number;
  /** Extra processes' CPU in % of one core (e.g. PostgreSQL), when asked for. */
  otherCpuPercent?: number;
}

/**
 * Samples `pid` every `intervalMs` for `seconds`: CPU % over the whole window and RSS per sample.
 * `others` lists more processes whose CPU is summed (their set is read at the start and the end).
 */
export async function sampleUsage(pid: number, seconds: number, others?: () => number[], intervalMs = 1000): Promise<Usage> {
  const startWall = performance.now();
  const startCpu = cpuSeconds(pid);
  if (startCpu === undefined) throw new Error(`process ${pid} is gone`);
  const othersAtStart = others?.();
  const otherStart = othersAtStart ? new Map(othersAtStart.map((p) => [p, cpuSeconds(p) ?? 0])) : undefined;
  const rss: number[] = [];
  while (performance.now() - startWall < seconds * 1000) {
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
    const r = rssMb(pid);
    if (r === undefined) throw new Error(`process ${pid} is gone`);
    rss.push(r);
  }
  const endCpu = cpuSeconds(pid)!;
  const wall = (performance.now() - startWall) / 1000;
  const usage: Usage = {
    seconds: wall,
    cpuPercent: ((endCpu - startCpu) / wall) * 100,
    rssMeanMb: rss.reduce((a, b) => a + b, 0) / rss.length,
    rssMaxMb: Math.max(...rss),
  };
  if (others && otherStart) {
    // Processes present at the end: their CPU since the start (or since birth, if born meanwhile).
    let used = 0;
    for (const p of others()) used += (cpuSeconds(p) ?? 0) - (otherStart.get(p) ?? 0);
    usage.otherCpuPercent = (used / wall) * 100;
  }
  return usage;
}
