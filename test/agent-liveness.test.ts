/** Dead connections are noticed from both ends: hub pings, agent listens for silence. */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { PROTOCOL_VERSION } from '../schema/index.js';
import { spawnAgent, type AgentProcess } from './support/agent.js';
import { FAST_SCHEDULER, registerNode, waitFor } from './support/compute.js';
import { startTestHub, type TestHub } from './support/hub.js';
import { signUp, type SignedUp } from './support/users.js';

/** The hello a real agent sends, from a socket the test drives by hand. */
function sayHello(socket: WebSocket, token: string, agentVersion: string): void {
  socket.send(
    JSON.stringify({
      type: 'hello', protocolVersion: PROTOCOL_VERSION, token, agentVersion, running: [],
      capabilities: { backend: 'cpu', cpuCores: 1, memoryBytes: 1e9, gpu: null, slots: 1, labels: [] },
    }),
  );
}

let agent: AgentProcess | undefined;
afterEach(async () => {
  await agent?.stop();
  agent = undefined;
});

describe('Connection liveness', () => {
  it('the agent drops a hub that went silent and reconnects', async () => {
    // A fake hub: welcomes, then never sends another frame or ping.
    const server = new WebSocketServer({ port: 0, host: '127.0.0.1', path: '/agents', autoPong: false });
    let connections = 0;
    server.on('connection', (socket) => {
      connections += 1;
      socket.once('message', () =>
        socket.send(JSON.stringify({ type: 'welcome', protocolVersion: PROTOCOL_VERSION, nodeId: 'n', nodeName: 'fake', heartbeatSeconds: 1, leaseSeconds: 3 })),
      );
    });
    await once(server, 'listening');
    const port = (server.address() as AddressInfo).port;
    agent = spawnAgent(['--hub', `http://127.0.0.1:${port}`, '--token', 'amn_fake']);
    await agent.waitFor(/connected to hub/);
    await agent.waitFor(/hub went silent; reconnecting/, 15_000);
    await waitFor('a second connection', async () => connections >= 2, 15_000);
    server.close();
  }, 40_000);

  describe('the hub', () => {
    let hub: TestHub;
    let owner: SignedUp;
    beforeAll(async () => {
      hub = await startTestHub({ env: FAST_SCHEDULER });
      owner = await signUp(hub);
    });
    afterAll(() => hub?.close());

    /** A node's connection the test answers pings on by hand, hello sent. */
    async function connectByHand(name: string, onPing: (socket: WebSocket) => void) {
      const node = await registerNode(hub, owner.token, name);
      const socket = new WebSocket(`${hub.url.replace('http', 'ws')}/agents`, { autoPong: false });
      socket.on('ping', () => onPing(socket));
      await once(socket, 'open');
      sayHello(socket, node.token, name);
      return { node, socket, closed: once(socket, 'close') };
    }
    const pongsMissed = () => hub.logs.filter((l) => l.includes('missed a pong')).length;

    it('keeps an agent that answers every other ping, and terminates it once it answers none', async () => {
      const before = pongsMissed();
      let pings = 0;
      let answering = true;
      // A pong for every second ping: one ping in a row left unanswered, never two.
      const { socket, closed } = await connectByHand('sluggish', (answerOn) => {
        pings += 1;
        if (answering && pings % 2 === 0) answerOn.pong();
      });
      await waitFor('six pings', async () => pings >= 6, 15_000);
      expect(socket.readyState).toBe(WebSocket.OPEN);
      expect(pongsMissed()).toBe(before);
      answering = false;
      const [code] = await closed;
      expect(code).toBe(1006);
      await waitFor('the log line', async () => pongsMissed() > before, 5000);
    }, 40_000);

    it('terminates an agent that stops answering pings', async () => {
      const before = pongsMissed();
      const started = Date.now();
      const { node, closed } = await connectByHand('frozen', () => undefined);
      const [code] = await closed;
      expect(code).toBe(1006); // terminated, no close handshake
      expect(Date.now() - started).toBeLessThan(5000);
      await waitFor('the log line', async () => pongsMissed() > before, 5000);
      await waitFor('the node offline', async () => {
        const status = await hub.graphql(`query($id: ID!) { node(id: $id) { status } }`, { id: node.nodeId }, owner.token);
        return status.data.node.status === 'OFFLINE';
      }, 5000);
    });
  });
});
