import { describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import { AgentSession } from '../../compute/agent-session.js';
import type { HubChannel, MessageKind } from '../../events/hub-channel.js';
import { createLogger } from '../../logger.js';
import { AgentTransport } from '../router/agent-transport.js';
import { HubTransport } from '../router/hub-transport.js';
import type { Outcome } from '../router/replica-transport.js';
import { ManualClock } from './router-fakes.js';

const JOB = '00000000-0000-4000-8000-000000000001';
const OTHER_JOB = '00000000-0000-4000-8000-000000000002';

/** An agent session over a socket that keeps what the hub sends. */
function fakeSession(nodeId: string, held: Record<string, number> = { [JOB]: 1 }) {
  const frames: any[] = [];
  const socket = { readyState: 1, OPEN: 1, send: (text: string) => frames.push(JSON.parse(text)) } as unknown as WebSocket;
  const session = new AgentSession(socket, nodeId, 'owner', nodeId, 1, null);
  for (const [jobId, attempt] of Object.entries(held)) session.held.set(jobId, attempt);
  return { session, frames };
}

function result(requestId: string, jobId = JOB) {
  return { type: 'infer.result' as const, requestId, jobId, outputs: [[1]], batchSize: 1, queueMs: 0, computeMs: 1 };
}

const request = (requestId: string) => ({ requestId, records: [{ x: 1 }], deadlineMs: 500 });

describe('AgentTransport: requests to agents connected to this hub', () => {
  it('sends infer.request with the time left and takes the answer only from that connection for that replica', () => {
    const a = fakeSession('node-a');
    const b = fakeSession('node-b');
    const sessions = new Map([
      ['node-a', a.session],
      ['node-b', b.session],
    ]);
    const transport = new AgentTransport({ session: (id) => sessions.get(id) });
    const outcomes: Outcome[] = [];
    transport.send({ jobId: JOB, attempt: 1, nodeId: 'node-a', hubInstance: 'h' }, request('r1'), (o) => outcomes.push(o));
    expect(a.frames).toEqual([{ type: 'infer.request', requestId: 'r1', jobId: JOB, records: [{ x: 1 }], deadlineMs: 500 }]);
    expect(transport.awaits(a.session, 'r1')).toBe(true);
    expect(transport.awaits(b.session, 'r1')).toBe(false);
    // Another node answering it, or the right node naming another replica: refused (NOT_LEASED).
    expect(transport.frame(b.session, result('r1'))).toBe(false);
    expect(transport.frame(a.session, result('r1', OTHER_JOB))).toBe(false);
    expect(transport.frame(a.session, { type: 'replica.ready', jobId: JOB, attempt: 1, warmupMs: 1 })).toBeUndefined();
    expect(transport.frame(a.session, result('r1'))).toBe(true);
    expect(outcomes).toEqual([{ kind: 'answer', result: result('r1') }]);
    // Answered once: a second copy is refused.
    expect(transport.frame(a.session, result('r1'))).toBe(false);
  });

  it('loses a request at once when the agent is not connected or does not hold the replica at that attempt', () => {
    const a = fakeSession('node-a', { [JOB]: 2 });
    const transport = new AgentTransport({ session: (id) => (id === 'node-a' ? a.session : undefined) });
    const outcomes: Outcome[] = [];
    transport.send({ jobId: JOB, attempt: 1, nodeId: 'node-a', hubInstance: 'h' }, request('r1'), (o) => outcomes.push(o));
    transport.send({ jobId: JOB, attempt: 2, nodeId: 'node-z', hubInstance: 'h' }, request('r2'), (o) => outcomes.push(o));
    expect(outcomes.map((o) => o.kind)).toEqual(['lost', 'lost']);
    expect(a.frames).toEqual([]);
    expect(transport.size).toBe(0);
  });

  it('fails what a connection had outstanding when it closes, and drops a late answer to an abandoned request quietly', () => {
    const a = fakeSession('node-a');
    const transport = new AgentTransport({ session: () => a.session });
    const outcomes: Outcome[] = [];
    transport.send({ jobId: JOB, attempt: 1, nodeId: 'node-a', hubInstance: 'h' }, request('r1'), (o) => outcomes.push(o));
    transport.send({ jobId: JOB, attempt: 1, nodeId: 'node-a', hubInstance: 'h' }, request('r2'), (o) => outcomes.push(o));
    transport.abandon('r2');
    expect(transport.awaits(a.session, 'r2')).toBe(true);
    expect(transport.frame(a.session, result('r2'))).toBe(true);
    expect(transport.awaits(a.session, 'r2')).toBe(false);
    transport.disconnected(a.session);
    expect(outcomes).toEqual([{ kind: 'lost', reason: 'the agent disconnected' }]);
    expect(transport.size).toBe(0);
  });
});

/** Hub channels of several hubs in one process, delivering to every other hub after the current task, as NOTIFY does. */
function channelPair(): [HubChannel, HubChannel] {
  const hubs: { id: string; listeners: Map<MessageKind, Set<(data: unknown) => void>> }[] = [];
  const make = (id: string): HubChannel => {
    const listeners = new Map<MessageKind, Set<(data: unknown) => void>>();
    hubs.push({ id, listeners });
    return {
      instanceId: id,
      crossesHubs: true,
      othersListening: true,
      send(kind, data) {
        const copy = JSON.parse(JSON.stringify(data));
        for (const hub of hubs) if (hub.id !== id) for (const l of hub.listeners.get(kind) ?? []) setImmediate(() => l(copy));
      },
      on(kind, listener) {
        if (!listeners.has(kind)) listeners.set(kind, new Set());
        listeners.get(kind)!.add(listener);
        return () => listeners.get(kind)!.delete(listener);
      },
      close: async () => undefined,
    };
  };
  return [make('hub-a'), make('hub-b')];
}

const settle = () => new Promise((resolve) => setImmediate(() => setImmediate(resolve)));

describe('HubTransport: requests to agents connected to another hub', () => {
  const log = createLogger({ logLevel: 'silent' });

  function twoHubs() {
    const [channelA, channelB] = channelPair();
    const agent = fakeSession('node-b');
    const localA = new AgentTransport({ session: () => undefined });
    const localB = new AgentTransport({ session: (id) => (id === 'node-b' ? agent.session : undefined) });
    const clock = new ManualClock();
    const a = new HubTransport(channelA, localA, clock, log);
    const b = new HubTransport(channelB, localB, clock, log);
    a.start();
    b.start();
    return { a, b, localB, agent, clock };
  }

  it('carries the request to the hub holding the agent and the answer back', async () => {
    const { a, localB, agent } = twoHubs();
    const outcomes: Outcome[] = [];
    a.send({ jobId: JOB, attempt: 1, nodeId: 'node-b', hubInstance: 'hub-b' }, request('r1'), (o) => outcomes.push(o));
    await settle();
    expect(agent.frames).toEqual([{ type: 'infer.request', requestId: 'r1', jobId: JOB, records: [{ x: 1 }], deadlineMs: 500 }]);
    expect(localB.frame(agent.session, result('r1'))).toBe(true);
    await settle();
    expect(outcomes).toEqual([{ kind: 'answer', result: result('r1') }]);
  });

  it('answers lost when the other hub does not hold the agent, or it disconnects', async () => {
    const { a, localB, agent } = twoHubs();
    const outcomes: Outcome[] = [];
    a.send({ jobId: JOB, attempt: 1, nodeId: 'node-gone', hubInstance: 'hub-b' }, request('r1'), (o) => outcomes.push(o));
    a.send({ jobId: JOB, attempt: 1, nodeId: 'node-b', hubInstance: 'hub-b' }, request('r2'), (o) => outcomes.push(o));
    await settle();
    localB.disconnected(agent.session);
    await settle();
    expect(outcomes).toEqual([
      { kind: 'lost', reason: 'the agent is not connected' },
      { kind: 'lost', reason: 'the agent disconnected' },
    ]);
  });

  it('lets the other hub forget an abandoned request, and gives up on its agent after the deadline', async () => {
    const { a, localB, agent, clock } = twoHubs();
    const outcomes: Outcome[] = [];
    a.send({ jobId: JOB, attempt: 1, nodeId: 'node-b', hubInstance: 'hub-b' }, request('r1'), (o) => outcomes.push(o));
    a.send({ jobId: JOB, attempt: 1, nodeId: 'node-b', hubInstance: 'hub-b' }, request('r2'), (o) => outcomes.push(o));
    await settle();
    expect(localB.size).toBe(2);
    a.abandon('r1');
    await settle();
    expect(localB.size).toBe(1);
    clock.advance(1_500);
    expect(localB.size).toBe(0);
    // Late answers are dropped quietly on both hubs.
    expect(localB.frame(agent.session, result('r1'))).toBe(true);
    await settle();
    expect(outcomes).toEqual([]);
  });
});
