/**
 * Starts the built hub (dist/hub/src/main.js) as a child process, exactly as `npm start` runs it,
 * and waits for its "hub listening" log line to learn the URL.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const HUB_ENTRY = path.join(ROOT, 'dist/hub/src/main.js');
export const AGENT_ENTRY = path.join(ROOT, 'dist/node-agent/src/main.js');

export interface SpawnedHub {
  url: string;
  child: ChildProcess;
  /** Every stdout line so far (JSON log lines). */
  logs: string[];
  stop(): Promise<number | null>;
}

export function assertBuilt(): void {
  if (!existsSync(HUB_ENTRY)) throw new Error(`${HUB_ENTRY} is missing: run \`npm run build\` first (npm test does).`);
}

export async function spawnHub(env: Record<string, string>, args: string[] = [], timeoutMs = 60_000): Promise<SpawnedHub> {
  assertBuilt();
  const child = spawn(process.execPath, [HUB_ENTRY, ...args], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'info',
      AIMASS_WEB_DIR: path.join(ROOT, 'dist/web'),
      // Every test signs its users up from 127.0.0.1; the sign-up limit has tests of its own.
      AIMASS_SIGNUP_MAX_PER_IP: '1000000',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: string[] = [];
  let stderr = '';
  let buffered = '';
  child.stdout!.setEncoding('utf8');
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      // A hub that never said it listens must not outlive the test run that gave up on it.
      child.kill('SIGKILL');
      reject(new Error(`hub did not start within ${timeoutMs} ms\n${stderr}\n${logs.join('\n')}`));
    }, timeoutMs);
    child.stdout!.on('data', (chunk: string) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) {
        logs.push(line);
        if (line.includes('"hub listening"')) {
          clearTimeout(timer);
          resolve(JSON.parse(line).url);
        }
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`hub exited with ${code} before listening\n${stderr}\n${logs.join('\n')}`));
    });
  });
  return {
    url,
    child,
    logs,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}
