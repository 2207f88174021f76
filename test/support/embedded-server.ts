/**
 * The embedded PostgreSQL server of a test hub's data directory, seen from outside: its pid (from
 * postmaster.pid) and a way to end it when its hub could not (killed, or too slow to stop).
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Whether `pid` runs. A process that has exited but not been reaped yet (a zombie: an orphaned
 * server is reaped by init, in its own time) counts as gone.
 */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true; // no /proc to ask
  }
}

/** The pid of the embedded PostgreSQL server running on `dataDir`, from its postmaster.pid. */
export async function embeddedServerPid(dataDir: string): Promise<number | undefined> {
  const text = await readFile(path.join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').catch(() => undefined);
  const pid = Number(text?.split('\n')[0]);
  return Number.isInteger(pid) && pid > 0 && isAlive(pid) ? pid : undefined;
}

/** Ends the embedded server of `dataDir` if one still runs (immediate shutdown), and waits for it. */
export async function stopEmbeddedServer(dataDir: string): Promise<void> {
  const pid = await embeddedServerPid(dataDir);
  if (pid === undefined) return;
  process.kill(pid, 'SIGQUIT');
  while (isAlive(pid)) await sleep(20);
}
