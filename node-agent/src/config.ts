/**
 * The agent's configuration: command-line flags, falling back to environment variables. The one
 * place the agent reads either.
 */
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

export interface AgentConfig {
  hubUrl: string;
  token: string;
  name: string;
  slots: number;
  labels: string[];
  /** On SIGTERM, how long running jobs may take to finish before they are handed back. */
  drainSeconds: number;
  /** Where serving replicas keep downloaded model files, by content hash. */
  cacheDir: string;
  /**
   * Fault rehearsal for tests: milliseconds added to every predict call of a serving replica, to
   * make one replica slow on purpose. 0 (the default) in any real deployment.
   */
  serveDelayMs: number;
  /**
   * Keep a job worker started, with TF.js loaded, for the next TF.js job (AIMASS_AGENT_SPARE_WORKER;
   * on by default, 0 turns it off): such a job then starts without waiting for a thread and TF.js.
   * Costs the memory of one idle TF.js instance (about 65 MB of an idle agent's 165 MB resident,
   * wasm backend) and a second TF.js load and warm-up (about 1.4 s of CPU) once the hub has
   * welcomed the agent.
   */
  spareWorker: boolean;
}

/** The model file cache when neither --cache-dir nor AIMASS_AGENT_CACHE_DIR says otherwise. */
export const DEFAULT_CACHE_DIR = path.join(os.tmpdir(), 'aimass-agent-cache');

export class AgentConfigError extends Error {}

export const USAGE = `Usage: npm run agent -- --hub URL --token TOKEN [--name NAME] [--slots N] [--label L]...

  --hub    hub URL, e.g. http://localhost:4000     (env AIMASS_HUB_URL)
  --token  node token from the portal (Account → Compute nodes)  (env AIMASS_NODE_TOKEN)
  --name   how this machine calls itself in logs   (default: hostname)
  --slots  jobs run at once                        (default: 1)
  --label  free-form label for job matching, repeatable
  --drain-seconds  on SIGTERM, time running jobs get to finish before they are handed back (default: 30)
  --cache-dir  where serving replicas cache model files by content hash  (env AIMASS_AGENT_CACHE_DIR, default: <tmp>/aimass-agent-cache)

  AIMASS_AGENT_SPARE_WORKER    1 (default): keep a worker with TF.js loaded for the next TF.js job; 0: start one per job
  AIMASS_AGENT_SERVE_DELAY_MS  fault rehearsal for tests only: ms added to every serving predict call (default: 0)`;

export function loadAgentConfig(argv: string[], env: Record<string, string | undefined>): AgentConfig {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        hub: { type: 'string' },
        token: { type: 'string' },
        name: { type: 'string' },
        slots: { type: 'string' },
        label: { type: 'string', multiple: true },
        'drain-seconds': { type: 'string' },
        'cache-dir': { type: 'string' },
        help: { type: 'boolean' },
      },
      strict: true,
    }));
  } catch (error) {
    throw new AgentConfigError(`${(error as Error).message}\n\n${USAGE}`);
  }
  if (values.help) throw new AgentConfigError(USAGE);
  const hubUrl = values.hub ?? env.AIMASS_HUB_URL;
  const token = values.token ?? env.AIMASS_NODE_TOKEN;
  const problems: string[] = [];
  if (!hubUrl) problems.push('--hub is required');
  else {
    try {
      const url = new URL(hubUrl);
      if (!['http:', 'https:', 'ws:', 'wss:'].includes(url.protocol)) problems.push('--hub must be an http(s) or ws(s) URL');
    } catch {
      problems.push(`--hub is not a URL: ${hubUrl}`);
    }
  }
  if (!token) problems.push('--token is required (or set AIMASS_NODE_TOKEN)');
  const slots = Number(values.slots ?? '1');
  if (!Number.isInteger(slots) || slots < 1 || slots > 1024) problems.push('--slots must be a whole number from 1 to 1024');
  const drainSeconds = Number(values['drain-seconds'] ?? '30');
  if (!Number.isFinite(drainSeconds) || drainSeconds < 0 || drainSeconds > 86400) problems.push('--drain-seconds must be between 0 and 86400');
  const cacheDir = values['cache-dir'] ?? env.AIMASS_AGENT_CACHE_DIR ?? DEFAULT_CACHE_DIR;
  if (cacheDir.trim() === '') problems.push('--cache-dir must not be empty');
  const serveDelayMs = Number(env.AIMASS_AGENT_SERVE_DELAY_MS ?? '0');
  if (!Number.isFinite(serveDelayMs) || serveDelayMs < 0 || serveDelayMs > 600_000) problems.push('AIMASS_AGENT_SERVE_DELAY_MS must be between 0 and 600000');
  const spareWorker = env.AIMASS_AGENT_SPARE_WORKER ?? '1';
  if (spareWorker !== '0' && spareWorker !== '1') problems.push('AIMASS_AGENT_SPARE_WORKER must be 0 or 1');
  const labels = values.label ?? [];
  for (const label of labels) if (!/^[A-Za-z0-9._:=-]{1,64}$/.test(label)) problems.push(`--label "${label}" may use letters, digits and . _ : = - (at most 64)`);
  if (problems.length > 0) throw new AgentConfigError(`${problems.join('\n')}\n\n${USAGE}`);
  return { hubUrl: hubUrl!, token: token!, name: values.name ?? os.hostname(), slots, labels, drainSeconds, cacheDir: path.resolve(cacheDir), serveDelayMs, spareWorker: spareWorker === '1' };
}

/** ws(s)://host/agents for any http(s)/ws(s) hub URL. */
export function agentSocketUrl(hubUrl: string): string {
  const url = new URL(hubUrl);
  url.protocol = url.protocol === 'https:' || url.protocol === 'wss:' ? 'wss:' : 'ws:';
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/agents`;
  return url.toString();
}
