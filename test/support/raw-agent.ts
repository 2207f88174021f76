/**
 * A hand-driven agent connection for tests of what the hub believes: it says hello as a real
 * agent would, then sends whatever the test writes (lies included). Every frame the hub sends is
 * kept in `received`.
 */
import WebSocket from 'ws';
import { PROTOCOL_VERSION } from '../../schema/index.js';
import { waitFor } from './compute.js';
import type { TestHub } from './hub.js';

export interface RawAgent {
  socket: WebSocket;
  received: any[];
  /** Resolves with the close code when the hub (or the test) closes the socket. */
  closed: Promise<number>;
}

/** Connects with a node token, says hello with `labels` and one slot (or `slots`), and waits for the welcome. */
export async function connectRawAgent(hub: TestHub, token: string, labels: string[] = [], options: { slots?: number } = {}): Promise<RawAgent> {
  const socket = new WebSocket(`${hub.url.replace('http', 'ws')}/agents`);
  const received: any[] = [];
  socket.on('message', (d) => received.push(JSON.parse(d.toString())));
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
  socket.send(
    JSON.stringify({
      type: 'hello', protocolVersion: PROTOCOL_VERSION, token, agentVersion: 'liar', running: [],
      capabilities: { backend: 'wasm', cpuCores: 1, memoryBytes: 1e9, gpu: null, slots: options.slots ?? 1, labels },
    }),
  );
  await waitFor('welcome', async () => received.some((m) => m.type === 'welcome'));
  return { socket, received, closed };
}
