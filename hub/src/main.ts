/**
 * `npm start`: read the configuration, start the hub, and (with AIMASS_LOCAL_AGENT) one agent on
 * this machine, then print where everything is. SIGINT/SIGTERM close it cleanly.
 */
import 'reflect-metadata';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, loadConfig, type Config } from './config.js';
import { createLogger } from './logger.js';
import { startHub, type Hub } from './server.js';

const LOCAL_USER = 'local';
const LOCAL_NODE = 'this-machine';

async function startLocalAgent(hub: Hub, hubUrl: string): Promise<ChildProcess> {
  const owner = await hub.services.accounts.ensureSystemUser(LOCAL_USER);
  const token = await hub.services.nodeTokens.issueLocal(owner.id, LOCAL_NODE);
  const entry = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../node-agent/src/main.js');
  // The token travels in the environment, not argv, so it does not show in `ps`.
  const child = spawn(process.execPath, [entry, '--hub', hubUrl, '--name', LOCAL_NODE], {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, AIMASS_NODE_TOKEN: token },
  });
  hub.log.info({ pid: child.pid, node: LOCAL_NODE }, 'local agent started');
  child.on('exit', (code, signal) => hub.log.warn({ code, signal }, 'local agent exited'));
  return child;
}

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
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
  const agent = config.localAgent ? await startLocalAgent(hub, hub.url) : undefined;
  log.info({ url: hub.url, database: hub.db.kind }, 'hub listening');
  if (process.stdout.isTTY || config.env === 'development') {
    console.log(
      [
        '',
        `  AI Mass hub is up (database: ${hub.db.kind === 'pglite' ? `embedded PGlite in ${config.dataDir}` : 'PostgreSQL'})`,
        `  Portal        ${publicUrl}/`,
        `  GraphQL       ${publicUrl}/graphql  (subscriptions: ${publicUrl.replace(/^http/, 'ws')}/graphql)`,
        `  Agents        ${publicUrl.replace(/^http/, 'ws')}/agents`,
        `  Health        ${publicUrl}/healthz  ${publicUrl}/readyz  ${publicUrl}/metrics`,
        agent ? `  Local agent   "${LOCAL_NODE}" (pid ${agent.pid})` : '  Local agent   off (AIMASS_LOCAL_AGENT=true to start one)',
        '',
      ].join('\n'),
    );
  }
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    if (agent && agent.exitCode === null) {
      const exited = new Promise((resolve) => agent.once('exit', resolve));
      agent.kill('SIGTERM');
      await exited;
    }
    await hub.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
