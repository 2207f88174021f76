/**
 * `npm start`: read the configuration, start the hub, and the local agents (`--agents N`, default
 * AIMASS_LOCAL_AGENTS; `npm start` passes 1; local-agent.ts starts one again that exits), then
 * print where everything is. SIGINT/SIGTERM drain the agents, then close the hub.
 */
import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, type Config } from './config.js';
import type { Database } from './db/database.js';
import { startLocalAgent, type LocalAgent } from './local-agent.js';
import { createLogger } from './logger.js';
import { startHub } from './server.js';

const DATABASE_NAMES: Record<Database['kind'], string> = {
  postgres: 'PostgreSQL',
  embedded: 'embedded PostgreSQL',
  pglite: 'embedded PGlite (fallback)',
};

/** `--agents N` on the command line wins over AIMASS_LOCAL_AGENTS; the last one given counts. */
function agentCount(argv: string[], config: Config): number {
  const { values } = parseArgs({ args: argv, options: { agents: { type: 'string', multiple: true } }, strict: false });
  const given = (values.agents as string[] | undefined)?.at(-1);
  if (given === undefined) return config.localAgents;
  const n = Number(given);
  if (!Number.isInteger(n) || n < 0 || n > 64) throw new ConfigError([`--agents must be a whole number from 0 to 64, got "${given}"`]);
  return n;
}

async function main(): Promise<void> {
  let config: Config;
  let agents: number;
  try {
    config = loadConfig();
    agents = agentCount(process.argv.slice(2), config);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
  const log = createLogger(config);
  const hub = await startHub(config, log);
  const publicUrl = config.publicUrl ?? hub.url.replace('127.0.0.1', 'localhost');
  const locals: LocalAgent[] = [];
  for (let i = 1; i <= agents; i++) locals.push(await startLocalAgent(hub, agents === 1 ? 'this-machine' : `this-machine-${i}`));
  log.info({ url: hub.url, database: hub.db.kind, agents }, 'hub listening');
  if (process.stdout.isTTY || config.env === 'development') {
    console.log(
      [
        '',
        `  AI Mass hub is up (database: ${DATABASE_NAMES[hub.db.kind]}${hub.db.kind === 'postgres' ? '' : ` in ${config.dataDir}`})`,
        `  Portal        ${publicUrl}/`,
        `  GraphQL       ${publicUrl}/graphql  (subscriptions: ${publicUrl.replace(/^http/, 'ws')}/graphql)`,
        `  Agents        ${publicUrl.replace(/^http/, 'ws')}/agents`,
        `  Health        ${publicUrl}/healthz  ${publicUrl}/readyz  ${publicUrl}/metrics`,
        `  Local agents  ${agents === 0 ? 'none (--agents N to start some)' : `${agents} (pids ${locals.map((agent) => agent.pid).join(', ')})`}`,
        '',
      ].join('\n'),
    );
  }
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    // Agents drain first (they finish or hand back their jobs), while the hub can still hear them.
    await Promise.all(locals.map((agent) => agent.stop()));
    await hub.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  // A promise nobody awaited failing (a query on a connection the server just ended) is a bug to
  // log, not a reason to take every client's hub down; an uncaught exception leaves the process in
  // an unknown state, so it is logged where the hub's logs go and ends it.
  process.on('unhandledRejection', (reason) => log.error({ err: reason }, 'unhandled promise rejection; the hub goes on'));
  process.on('uncaughtException', (error) => {
    log.fatal({ err: error }, 'uncaught exception; the hub stops');
    process.exit(1);
  });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
