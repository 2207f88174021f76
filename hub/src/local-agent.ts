/**
 * The agents `npm start` runs beside the hub (`--agents N`): each a node-agent process with a
 * fresh node token of the hub's system user `local` (an operator-run node, nodes.service.ts),
 * kept running for as long as the hub runs. One that dies while the hub is not stopping (killed,
 * out of memory, a crash) is started again as the same node (the same token) after a pause: 1 s,
 * doubled after each exit that came within a minute of its start, up to 30 s, so an agent that
 * cannot start at all does not spin. Its jobs in flight were leased and go to the next claim.
 * Not started again: an agent that ended cleanly (exit 0: someone told it to stop), and one whose
 * exit says another start cannot help (node-agent/src/main.ts: 2, the hub refused its token or
 * protocol; 64, its configuration).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { childEnvironment } from './config.js';
import type { Hub } from './server.js';

const LOCAL_USER = 'local';
const AGENT_ENTRY = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../node-agent/src/main.js');
const FIRST_PAUSE_MS = 1_000;
const LONGEST_PAUSE_MS = 30_000;
/** An agent that ran this long before it exited is started again after the first pause. */
const STEADY_MS = 60_000;
/** Exit codes of node-agent/src/main.ts after which starting it again cannot help. */
const FINAL_EXITS = new Map([
  [0, 'it stopped when told to'],
  [2, 'the hub refused it'],
  [64, 'its configuration is wrong'],
]);

export interface LocalAgent {
  readonly name: string;
  /** The running process's pid; undefined while it waits to be started again. */
  readonly pid: number | undefined;
  /** Stops it (SIGTERM: it drains its jobs) and does not start it again. */
  stop(): Promise<void>;
}

export async function startLocalAgent(hub: Hub, name: string): Promise<LocalAgent> {
  const owner = await hub.services.accounts.ensureSystemUser(LOCAL_USER);
  const token = await hub.services.nodes.issueLocal(owner.id, name);
  let child: ChildProcess | undefined;
  let stopping = false;
  let pause = FIRST_PAUSE_MS;
  let restart: NodeJS.Timeout | undefined;

  const run = () => {
    const startedAt = Date.now();
    // The token travels in the environment, not argv, so it does not show in `ps`.
    const agent = spawn(process.execPath, [AGENT_ENTRY, '--hub', hub.url, '--name', name], {
      stdio: ['ignore', 'inherit', 'inherit'],
      env: childEnvironment({ AIMASS_NODE_TOKEN: token }),
    });
    child = agent;
    hub.log.info({ pid: agent.pid, node: name }, 'local agent started');
    let ended = false;
    // A process that could not be spawned may say 'error' without 'exit': either ends it, once.
    const end = (details: { code?: number | null; signal?: NodeJS.Signals | null; err?: Error }) => {
      if (ended) return;
      ended = true;
      if (child === agent) child = undefined;
      if (stopping) {
        hub.log.info({ ...details, node: name }, 'local agent stopped');
        return;
      }
      const final = details.code == null ? undefined : FINAL_EXITS.get(details.code);
      if (final) {
        hub.log.warn({ ...details, node: name }, `local agent exited: ${final}; not starting it again`);
        return;
      }
      if (Date.now() - startedAt >= STEADY_MS) pause = FIRST_PAUSE_MS;
      hub.log.warn({ ...details, node: name, restartInMs: pause }, 'local agent exited; starting it again');
      restart = setTimeout(run, pause);
      pause = Math.min(pause * 2, LONGEST_PAUSE_MS);
    };
    agent.once('exit', (code, signal) => end({ code, signal }));
    agent.once('error', (err) => end({ err }));
  };
  run();

  return {
    name,
    get pid() {
      return child?.pid;
    },
    stop: async () => {
      stopping = true;
      clearTimeout(restart);
      const running = child;
      if (!running || running.exitCode !== null || running.signalCode !== null) return;
      const exited = new Promise((resolve) => running.once('exit', resolve));
      running.kill('SIGTERM');
      await exited;
    },
  };
}
