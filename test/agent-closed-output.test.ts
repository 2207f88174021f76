/**
 * An agent whose output nobody reads any more (the terminal or the process supervisor that started
 * it went away) keeps working quietly: writing a log line to a closed pipe fails with EPIPE, and logging
 * that failure must not fail again, forever — which held a core at 100 % for as long as the agent
 * lived (an orphaned agent of a killed test run was found doing so).
 */
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { spawnAgent, type AgentProcess } from './support/agent.js';

/** User + system CPU time of a process so far (/proc, clock ticks of 10 ms). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

describe('an agent whose stdout and stderr were closed', () => {
  let server: WebSocketServer | undefined;
  let agent: AgentProcess | undefined;
  afterAll(async () => {
    agent?.child.kill('SIGKILL');
    server?.close();
  });

  it('keeps reconnecting to its hub, idle between attempts, without logs', async () => {
    server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await once(server, 'listening');
    const connections: WebSocket[] = [];
    let arrived: (() => void) | undefined;
    server.on('connection', (socket) => {
      connections.push(socket);
      arrived?.();
    });
    const nth = (n: number, timeoutMs: number) =>
      new Promise<WebSocket>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`connection ${n} did not come within ${timeoutMs} ms`)), timeoutMs);
        const check = () => {
          if (connections.length < n) return;
          clearTimeout(timer);
          arrived = undefined;
          resolve(connections[n - 1]);
        };
        arrived = check;
        check();
      });

    const { port } = server.address() as AddressInfo;
    agent = spawnAgent(['--hub', `http://127.0.0.1:${port}`, '--token', 'amn_test', '--name', 'unread']);
    const first = await nth(1, 30_000);
    // Nobody reads its output from here; the next line it writes ("disconnected from hub") fails.
    for (const stream of [agent.child.stdout!, agent.child.stderr!]) {
      const closed = once(stream, 'close');
      stream.destroy();
      await closed;
    }
    // Each drop is logged ("disconnected from hub") into the closed pipes, then retried after
    // 0.25–2 s of backoff: only an event loop that still runs its timers gets to the next one.
    first.terminate();
    const second = await nth(2, 15_000);
    // From here, between two reconnects (the agent waits out its backoff), it should be idle.
    const cpuBefore = cpuSeconds(agent.child.pid!);
    const since = performance.now();
    second.terminate();
    await nth(3, 15_000);
    const busy = (cpuSeconds(agent.child.pid!) - cpuBefore) / ((performance.now() - since) / 1000);
    expect(agent.child.exitCode).toBeNull();
    expect(busy).toBeLessThan(0.5);
  }, 60_000);
});
