/**
 * What `npm start` promises a newcomer: the hub on its embedded PostgreSQL server, the portal at /,
 * and one local agent connected, all from one process tree that stops cleanly.
 */
import { describe, expect, it } from 'vitest';
import { embeddedServerPid, isAlive } from './support/embedded-server.js';
import { startTestHub } from './support/hub.js';

describe('npm start', () => {
  it('runs the hub on the embedded PostgreSQL server with the portal and one connected local agent, and stops them together', async () => {
    // NODE_ENV=production as for a user: Apollo behaves differently under NODE_ENV=test (signals).
    const hub = await startTestHub({ backend: 'embedded', env: { AIMASS_LOCAL_AGENTS: '1', NODE_ENV: 'production' } });
    let agentPid: number | undefined;
    let serverPid: number | undefined;
    try {
      await hub.waitForLogs('the local agent to connect', (logs) => logs.some((l) => l.includes('"agent connected"')));
      const connected = JSON.parse(hub.logs.find((l) => l.includes('"agent connected"'))!);
      expect(connected.capabilities).toMatchObject({ cpuCores: expect.any(Number), slots: 1 });
      agentPid = JSON.parse(hub.logs.find((l) => l.includes('"local agent started"'))!).pid;
      expect(await (await fetch(`${hub.url}/metrics`)).text()).toMatch(/^aimass_agents_connected 1$/m);
      expect(await (await fetch(`${hub.url}/readyz`)).json()).toEqual({ status: 'ready', database: 'embedded', sql: { available: true } });
      expect(await (await fetch(`${hub.url}/`)).text()).toContain('<div id="root">');
      serverPid = await embeddedServerPid(hub.dataDir);
      expect(serverPid).toBeDefined();
    } finally {
      await hub.close();
    }
    expect(hub.process.exitCode, hub.logs.slice(-6).join('\n')).toBe(0);
    expect(isAlive(agentPid!)).toBe(false); // the agent went with the hub
    expect(isAlive(serverPid!)).toBe(false); // and so did the database server
    // Stopped by the hub's shutdown: said as such, not warned of as an agent that died.
    expect(hub.logs.some((l) => l.includes('"local agent stopped"'))).toBe(true);
    expect(hub.logs.filter((l) => l.includes('local agent exited'))).toEqual([]);
  });

  it('starts a local agent that died again, as the same node, and stops it with the hub', async () => {
    const hub = await startTestHub({ env: { AIMASS_LOCAL_AGENTS: '1', AIMASS_BENCHMARK_ON_JOIN: 'false' } });
    const lines = (text: string) => hub.logs.filter((l) => l.includes(text)).map((l) => JSON.parse(l));
    let pids: number[] = [];
    try {
      await hub.waitForLogs('the local agent to connect', () => lines('"agent connected"').length === 1);
      const [{ nodeId }] = lines('"agent connected"');
      const [{ pid: first }] = lines('"local agent started"');
      process.kill(first, 'SIGKILL');
      await hub.waitForLogs('the local agent to connect again', () => lines('"agent connected"').length === 2);
      const [exited] = lines('local agent exited; starting it again');
      expect(exited).toMatchObject({ signal: 'SIGKILL', node: 'this-machine', restartInMs: 1000 });
      expect(lines('"agent connected"')[1].nodeId).toBe(nodeId); // the same node, not a new one
      pids = lines('"local agent started"').map((l) => l.pid);
      expect(pids).toHaveLength(2);
      expect(isAlive(first)).toBe(false);
      expect(await (await fetch(`${hub.url}/metrics`)).text()).toMatch(/^aimass_agents_connected 1$/m);

      // Told to stop (SIGTERM: it drains and exits 0), it stays stopped.
      process.kill(pids[1], 'SIGTERM');
      await hub.waitForLogs('the hub to see the agent stop', () => lines('it stopped when told to; not starting it again').length === 1);
      expect(lines('it stopped when told to; not starting it again')[0]).toMatchObject({ code: 0, node: 'this-machine' });
      await hub.waitForLogs('the agent to disconnect', () => lines('"agent disconnected"').length === 2);
      expect(lines('"local agent started"')).toHaveLength(2);
    } finally {
      await hub.close();
    }
    expect(pids.some((pid) => isAlive(pid))).toBe(false);
    expect(lines('"local agent started"')).toHaveLength(2);
  });

  it('starts as many local agents as --agents asks, each its own node', async () => {
    const hub = await startTestHub({ args: ['--agents', '2'], env: { AIMASS_BENCHMARK_ON_JOIN: 'false' } });
    try {
      const connected = () => hub.logs.filter((l) => l.includes('"agent connected"')).map((l) => JSON.parse(l).nodeId);
      await hub.waitForLogs('two local agents to connect', () => connected().length >= 2);
      expect(new Set(connected()).size).toBe(2);
      expect(await (await fetch(`${hub.url}/metrics`)).text()).toMatch(/^aimass_agents_connected 2$/m);
    } finally {
      await hub.close();
    }
    await expect(startTestHub({ args: ['--agents', 'many'] })).rejects.toThrow(/exited with 78[\s\S]*--agents must be a whole number from 0 to 64, got "many"/);
  });

  it('refuses to start on a bad configuration, naming the variable', async () => {
    await expect(startTestHub({ env: { PORT: 'eighty', AIMASS_SESSION_TTL_SECONDS: '-5' } })).rejects.toThrow(
      /exited with 78[\s\S]*PORT must be an integer, got "eighty"\n {2}- AIMASS_SESSION_TTL_SECONDS must be between 1 and 31536000, got -5/,
    );
  });
});
