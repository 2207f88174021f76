/**
 * `npm run agent -- --hub URL --token TOKEN`: contribute this machine to an AI Mass hub.
 * Exit codes: 0 stopped by a signal (after draining), 2 refused by the hub (bad token, wrong
 * protocol version), 64 bad command line, 1 anything else.
 */
import { Agent, AgentRefused } from './agent.js';
import { AgentConfigError, loadAgentConfig } from './config.js';
import { jobKinds } from '../../schema/index.js';
import { assertHandlers, handlers } from './jobs/handlers.js';
import { loadBestBackend } from './tf/load-backend.js';

/**
 * Set once stdout or stderr failed (whoever read them went away: EPIPE). The agent keeps working
 * without logs: writing again would raise the error again, and logging that error would loop.
 */
let outputGone = false;
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', () => {
    outputGone = true;
  });
}

function log(level: 'info' | 'warn' | 'error', message: string, fields: object = {}): void {
  if (outputGone) return;
  const line = JSON.stringify({ level, time: new Date().toISOString(), service: 'aimass-agent', message, ...fields });
  (level === 'info' ? process.stdout : process.stderr).write(`${line}\n`);
}

async function main(): Promise<number> {
  let config;
  try {
    config = loadAgentConfig(process.argv.slice(2), process.env);
  } catch (error) {
    if (error instanceof AgentConfigError) {
      process.stderr.write(`${error.message}\n`);
      return 64;
    }
    throw error;
  }
  assertHandlers(handlers, jobKinds);
  const backend = await loadBestBackend();
  log('info', 'starting agent', { hub: config.hubUrl, name: config.name, backend: backend.backend, gpu: backend.gpu, skipped: backend.tried });
  const agent = new Agent(config, backend, log);
  // First signal drains; a second one stops at once.
  let signals = 0;
  const onSignal = () => void (signals++ === 0 ? agent.drain() : agent.stop());
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  // A bug in one job's bookkeeping must not take the machine's other jobs down with it.
  process.on('uncaughtException', (error) => log('error', 'uncaught exception', { error: String(error?.stack ?? error) }));
  agent.start();
  try {
    await agent.done;
    log('info', 'agent stopped');
    return 0;
  } catch (error) {
    if (error instanceof AgentRefused) {
      log('error', error.message, { code: error.code });
      return 2;
    }
    throw error;
  }
}

main().then(
  (code) => process.exit(code),
  (error) => {
    log('error', 'agent crashed', { error: String(error?.stack ?? error) });
    process.exit(1);
  },
);
