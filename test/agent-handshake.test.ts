/**
 * The agent skeleton against a real hub: a real node-agent process says hello with its node token
 * and is welcomed, or is refused clearly (revoked token, wrong protocol version), on both database
 * backends. Raw WebSocket clients play a lying agent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { PROTOCOL_VERSION } from '../schema/index.js';
import { spawnAgent } from './support/agent.js';
import { BACKENDS, startTestHub, type TestHub } from './support/hub.js';
import { signUp } from './support/users.js';

const REGISTER = `mutation($name: String!) { registerNode(input: { name: $name }) { token nodeToken { id } } }`;
const NODES = `{ nodeTokens(includeRevoked: true) { edges { node { id name connected lastConnectedAt revokedAt } } } }`;

/** Opens a raw socket to /agents, sends `frames`, and collects what the hub answers until it closes. */
async function rawAgent(hub: TestHub, frames: (string | Buffer)[]): Promise<{ received: any[]; closeCode: number }> {
  const socket = new WebSocket(`${hub.url.replace('http', 'ws')}/agents`);
  const received: any[] = [];
  socket.on('message', (data) => received.push(JSON.parse(data.toString())));
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  for (const frame of frames) socket.send(frame);
  const closeCode = await new Promise<number>((resolve) => {
    socket.once('close', (code) => resolve(code));
    setTimeout(() => socket.close(1000), 3000);
  });
  return { received, closeCode };
}

const hello = (token: string, protocolVersion = PROTOCOL_VERSION) =>
  JSON.stringify({
    type: 'hello',
    protocolVersion,
    token,
    agentVersion: 'test',
    capabilities: { backend: 'cpu', cpuCores: 2, memoryBytes: 1e9, gpu: null, slots: 1, labels: [] },
  });

describe.each(BACKENDS)('Agent handshake on %s', (backend) => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startTestHub({ backend, env: { AIMASS_BENCHMARK_ON_JOIN: 'false' } });
  });
  afterAll(() => hub?.close());

  it('welcomes an agent with a live node token and shows the node connected', async () => {
    const owner = await signUp(hub);
    const { token, nodeToken } = (await hub.graphql(REGISTER, { name: 'workstation' }, owner.token)).data.registerNode;
    const agent = spawnAgent(['--hub', hub.url, '--token', token, '--label', 'test']);
    try {
      const line = await agent.waitFor(/connected to hub/);
      expect(JSON.parse(line)).toMatchObject({ nodeId: nodeToken.id, nodeName: 'workstation' });
      const nodes = (await hub.graphql(NODES, {}, owner.token)).data.nodeTokens.edges.map((e: any) => e.node);
      expect(nodes).toEqual([expect.objectContaining({ id: nodeToken.id, connected: true, lastConnectedAt: expect.any(String) })]);
      // Another user does not see this node at all.
      const stranger = await signUp(hub);
      expect((await hub.graphql(NODES, {}, stranger.token)).data.nodeTokens.edges).toEqual([]);
    } finally {
      expect(await agent.stop()).toBe(0);
    }
  });

  it('refuses a revoked node token at hello, and the agent exits with a clear message', async () => {
    const owner = await signUp(hub);
    const { token, nodeToken } = (await hub.graphql(REGISTER, { name: 'old-box' }, owner.token)).data.registerNode;
    await hub.graphql(`mutation($id: ID!) { revokeNodeToken(id: $id) { id } }`, { id: nodeToken.id }, owner.token);
    const agent = spawnAgent(['--hub', hub.url, '--token', token]);
    expect(await agent.exited).toBe(2);
    expect(agent.lines.join('\n')).toMatch(/hub refused this agent: BAD_TOKEN: Unknown or revoked node token/);
  });

  it('disconnects a connected agent when its token is revoked', async () => {
    const owner = await signUp(hub);
    const { token, nodeToken } = (await hub.graphql(REGISTER, { name: 'to-revoke' }, owner.token)).data.registerNode;
    const agent = spawnAgent(['--hub', hub.url, '--token', token]);
    await agent.waitFor(/connected to hub/);
    await hub.graphql(`mutation($id: ID!) { revokeNodeToken(id: $id) { id } }`, { id: nodeToken.id }, owner.token);
    expect(await agent.exited).toBe(2);
    expect(agent.lines.join('\n')).toMatch(/BAD_TOKEN: This node token was revoked/);
  });

  it('refuses an unknown token and a wrong protocol version with error frames and close codes', async () => {
    const bad = await rawAgent(hub, [hello('amn_not-a-real-token')]);
    expect(bad.received).toEqual([{ type: 'error', code: 'BAD_TOKEN', message: 'Unknown or revoked node token', fatal: true }]);
    expect(bad.closeCode).toBe(4001);

    const owner = await signUp(hub);
    const { token } = (await hub.graphql(REGISTER, { name: 'future' }, owner.token)).data.registerNode;
    const future = await rawAgent(hub, [hello(token, PROTOCOL_VERSION + 1)]);
    expect(future.received[0]).toMatchObject({ type: 'error', code: 'PROTOCOL_VERSION', fatal: true });
    expect(future.received[0].message).toContain(`speaks agent protocol ${PROTOCOL_VERSION}`);
    expect(future.closeCode).toBe(4002);
  });

  it('answers malformed, unknown and out-of-order frames with error frames and keeps serving', async () => {
    const notJson = await rawAgent(hub, ['{nope']);
    expect(notJson.received[0]).toMatchObject({ type: 'error', code: 'BAD_FRAME' });
    expect(notJson.closeCode).toBe(4003);

    const unknownType = await rawAgent(hub, [JSON.stringify({ type: 'launch-missiles' })]);
    expect(unknownType.received[0]).toMatchObject({ type: 'error', code: 'BAD_FRAME' });

    const beforeHello = await rawAgent(hub, [JSON.stringify({ type: 'heartbeat', load: 1, running: [] })]);
    expect(beforeHello.received[0]).toMatchObject({ type: 'error', code: 'UNEXPECTED' });

    const extraField = await rawAgent(hub, [hello('amn_x').replace('"type":"hello"', '"type":"hello","admin":true')]);
    expect(extraField.received[0]).toMatchObject({ type: 'error', code: 'BAD_FRAME' });

    const owner = await signUp(hub);
    const { token } = (await hub.graphql(REGISTER, { name: 'chatty' }, owner.token)).data.registerNode;
    const afterWelcome = await rawAgent(hub, [hello(token), '[]', Buffer.from([0, 1, 2]), hello(token)]);
    // The later frames may be answered before the welcome (the token check is asynchronous), so compare as a set.
    const answers = afterWelcome.received.map((m) => (m.type === 'error' ? m.code : m.type));
    expect(answers.sort()).toEqual(['BAD_FRAME', 'BAD_FRAME', 'UNEXPECTED', 'welcome']);
    expect(afterWelcome.received.filter((m) => m.type === 'error').every((m) => m.fatal === false)).toBe(true);
    expect(afterWelcome.closeCode).toBe(1000); // closed by us, not by the hub

    expect((await fetch(`${hub.url}/healthz`)).status).toBe(200);
    const metrics = await (await fetch(`${hub.url}/metrics`)).text();
    expect(metrics).toMatch(/aimass_agent_frames_rejected_total\{reason="BAD_FRAME"\} [1-9]/);
  });
});

describe('Agent command line', () => {
  it('explains what is missing instead of starting', async () => {
    const agent = spawnAgent([]);
    expect(await agent.exited).toBe(64);
    expect(agent.lines.join('\n')).toMatch(/--hub is required[\s\S]*--token is required[\s\S]*Usage: npm run agent/);
  });
});
