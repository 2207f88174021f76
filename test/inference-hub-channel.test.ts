/**
 * Online predictions carried between two hub processes over the real hub channel (PostgreSQL
 * LISTEN/NOTIFY, spilled to the events table when large): the asking hub's transport reaches an
 * agent connected to the other hub and hears its answer, or that the agent is gone. The agent
 * sessions are stand-ins; the channel and the database are real.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { WebSocket } from 'ws';
import { AgentSession } from '../hub/src/compute/agent-session.js';
import { createHubChannel, INLINE_LIMIT_BYTES, type HubChannel } from '../hub/src/events/hub-channel.js';
import { AgentTransport } from '../hub/src/serving/router/agent-transport.js';
import { HubTransport } from '../hub/src/serving/router/hub-transport.js';
import type { Outcome } from '../hub/src/serving/router/replica-transport.js';
import { systemClock } from '../hub/src/serving/router/router-clock.js';
import { waitFor } from './support/compute.js';
import { databaseUrl, withClient } from './support/global-setup.js';

describe('Inference requests between hubs on one PostgreSQL database', () => {
  const admin = inject('postgresAdminUrl');
  const name = `t_${randomBytes(6).toString('hex')}`;
  const url = databaseUrl(admin, name);
  const log = pino({ level: 'silent' });
  const jobId = randomUUID();
  const frames: any[] = [];
  const socket = { readyState: 1, OPEN: 1, send: (text: string) => frames.push(JSON.parse(text)) } as unknown as WebSocket;
  const agent = new AgentSession(socket, 'node-b', 'owner', 'node-b', 1, null);
  agent.held.set(jobId, 1);
  let channelA: HubChannel;
  let channelB: HubChannel;
  let asking: HubTransport;
  let relaying: HubTransport;
  let agentSide: AgentTransport;

  beforeAll(async () => {
    await withClient(admin, (c) => c.query(`CREATE DATABASE ${name} TEMPLATE ${inject('postgresTemplate')}`));
    channelA = await createHubChannel(url, log);
    channelB = await createHubChannel(url, log);
    agentSide = new AgentTransport({ session: (id) => (id === 'node-b' ? agent : undefined) });
    asking = new HubTransport(channelA, new AgentTransport({ session: () => undefined }), systemClock, log);
    relaying = new HubTransport(channelB, agentSide, systemClock, log);
    asking.start();
    relaying.start();
  });
  afterAll(async () => {
    asking?.close();
    relaying?.close();
    await channelA?.close();
    await channelB?.close();
    await withClient(admin, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
  });

  it('carries a request too large for a NOTIFY to the agent on the other hub and its answer back', async () => {
    const records = Array.from({ length: 200 }, (_, i) => ({ city: `city-${i}-${'x'.repeat(40)}`, n: i }));
    expect(JSON.stringify(records).length).toBeGreaterThan(INLINE_LIMIT_BYTES);
    const outcomes: Outcome[] = [];
    const requestId = randomUUID();
    asking.send({ jobId, attempt: 1, nodeId: 'node-b', hubInstance: channelB.instanceId }, { requestId, records, deadlineMs: 5_000 }, (o) => outcomes.push(o));
    await waitFor('the agent to get the request', async () => frames.some((f) => f.requestId === requestId), 10_000);
    const sent = frames.find((f) => f.requestId === requestId);
    expect(sent).toMatchObject({ type: 'infer.request', jobId, deadlineMs: 5_000 });
    expect(sent.records).toEqual(records);
    const result = { type: 'infer.result' as const, requestId, jobId, outputs: records.map(() => [0.5]), batchSize: 200, queueMs: 1, computeMs: 2 };
    expect(agentSide.frame(agent, result)).toBe(true);
    await waitFor('the answer to come back', async () => outcomes.length > 0, 10_000);
    expect(outcomes).toEqual([{ kind: 'answer', result }]);
  });

  it('hears that the agent is gone when the other hub does not hold it', async () => {
    const outcomes: Outcome[] = [];
    asking.send({ jobId, attempt: 1, nodeId: 'node-elsewhere', hubInstance: channelB.instanceId }, { requestId: randomUUID(), records: [{ n: 1 }], deadlineMs: 5_000 }, (o) =>
      outcomes.push(o),
    );
    await waitFor('the refusal', async () => outcomes.length > 0, 10_000);
    expect(outcomes).toEqual([{ kind: 'lost', reason: 'the agent is not connected' }]);
  });
});
