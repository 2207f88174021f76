/**
 * What the hub believes of a node is what it measured: a node claiming 1,000,000 GFLOP/s and 1024
 * slots that runs slowly is not preferred after its first jobs, gets no more concurrency than it
 * proved, and is flagged to admins and its owner; a node that keeps giving jobs back is throttled;
 * final reports spend the frame budget (a held job's report still gets through); a revoked node
 * token disconnects its node on a peer hub too; isAdmin and quarantine reasons are private.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '../schema/index.js';
import { spawnAgent, type AgentProcess } from './support/agent.js';
import { FAST_SCHEDULER, registerNode, submitJob, waitFor, waitForJob } from './support/compute.js';
import { startTestHub, type TestHub } from './support/hub.js';
import { connectRawAgent, type RawAgent } from './support/raw-agent.js';
import { codeOf, signUp, type SignedUp } from './support/users.js';

const agents: AgentProcess[] = [];
afterEach(async () => {
  await Promise.all(agents.splice(0).map((a) => (a.child.exitCode === null && a.child.signalCode === null ? a.stop() : undefined)));
});

/**
 * Plays a node: answers benchmark jobs with `gflops` at once, runs echo jobs `slowdown` times
 * slower than asked plus `lagMs`, and heartbeats the jobs it holds every second, as an agent does.
 */
function playNode(raw: RawAgent, gflops: number, slowdown: number, lagMs: number): void {
  const held = new Map<string, number>();
  const beat = setInterval(() => {
    if (raw.socket.readyState !== raw.socket.OPEN) return clearInterval(beat);
    raw.socket.send(JSON.stringify({ type: 'heartbeat', load: 0, running: [...held].map(([jobId, attempt]) => ({ jobId, attempt })) }));
  }, 1000);
  raw.socket.on('close', () => clearInterval(beat));
  raw.socket.on('message', (data) => {
    const m = JSON.parse(data.toString());
    if (m.type !== 'job.assign') return;
    held.set(m.jobId, m.attempt);
    const reply = (result: unknown) => {
      held.delete(m.jobId);
      raw.socket.send(JSON.stringify({ type: 'job.succeeded', jobId: m.jobId, attempt: m.attempt, result }));
    };
    if (m.kind === 'benchmark') reply({ backend: 'wasm', gflops, stepsPerSecond: gflops, matrixSize: 512, fitSteps: 20 });
    else if (m.kind === 'echo') setTimeout(() => reply({ steps: 1 }), m.payload.durationMs * slowdown + lagMs);
  });
}

const NODE_FIELDS = 'id name gflops slots provenSlots measuredSpeed speedSamples speedFlag giveBacks throttledUntil quarantineReason';

describe('Measured, not claimed', () => {
  let hub: TestHub;
  let owner: SignedUp;
  beforeAll(async () => {
    hub = await startTestHub({ env: FAST_SCHEDULER });
    owner = await signUp(hub);
  });
  afterAll(() => hub?.close());

  const node = async (id: string, token = owner.token) => (await hub.graphql(`query($id: ID!) { node(id: $id) { ${NODE_FIELDS} } }`, { id }, token)).data.node;

  it('a node claiming 1,000,000 GFLOP/s and 1024 slots but running slowly is not preferred after its first jobs, gets no more slots than it proved, and is flagged', async () => {
    const liarNode = await registerNode(hub, owner.token, 'liar');
    const honestNode = await registerNode(hub, owner.token, 'honest');
    const liar = await connectRawAgent(hub, liarNode.token, ['speed'], { slots: 1024 });
    playNode(liar, 1e6, 10, 6000);
    const honest = spawnAgent(['--hub', hub.url, '--token', honestNode.token, '--name', 'honest', '--label', 'speed', '--slots', '2']);
    agents.push(honest);
    await honest.waitFor(/connected to hub/);
    // Both benchmark: the liar's answer is instant and huge, the honest agent's real.
    for (const n of [liarNode, honestNode]) {
      const bench = await submitJob(hub, owner.token, { kind: 'benchmark', payload: { matrixSize: 64, fitSteps: 2 }, requirements: { nodeId: n.nodeId } });
      await waitForJob(hub, owner.token, bench.id, (j) => j.status === 'SUCCEEDED', 60_000);
    }
    expect((await node(liarNode.nodeId)).gflops).toBe(1e6);

    // One job at a time, both idle each time: after its first, the liar gets none.
    const ran: string[] = [];
    for (let i = 0; i < 6; i++) {
      const job = await submitJob(hub, owner.token, { kind: 'echo', payload: { durationMs: 1000 }, requirements: { labels: ['speed'] } });
      ran.push((await waitForJob(hub, owner.token, job.id, (j) => j.status === 'SUCCEEDED', 60_000)).node.name);
    }
    expect(ran.filter((n) => n === 'liar').length).toBeLessThanOrEqual(1);
    expect(ran.slice(2)).toEqual(['honest', 'honest', 'honest', 'honest']);
    const [l, h] = [await node(liarNode.nodeId), await node(honestNode.nodeId)];
    expect(l.measuredSpeed ?? 1).toBeLessThan(h.measuredSpeed);

    // Its claimed 1024 slots: the hub hands it no more at once than it ran well at once, plus one.
    expect(l.slots).toBe(1024);
    expect(l.provenSlots).toBeLessThanOrEqual(2);
    const pinned: { id: string }[] = [];
    for (let i = 0; i < 8; i++) pinned.push(await submitJob(hub, owner.token, { kind: 'echo', payload: { durationMs: 0 }, requirements: { nodeId: liarNode.nodeId } }));
    let mostHeld = 0;
    await waitFor('the liar ran its pinned jobs', async () => {
      const [{ held }] = await hub.sql(`SELECT count(*)::int AS held FROM jobs WHERE node_id = $1 AND status IN ('leased', 'running')`, [liarNode.nodeId]);
      mostHeld = Math.max(mostHeld, held);
      const [{ left }] = await hub.sql(`SELECT count(*)::int AS left FROM jobs WHERE id = ANY($1) AND status <> 'succeeded'`, [pinned.map((j) => j.id)]);
      return left === 0;
    }, 120_000);
    // Eight queued at once for a node claiming 1024 slots: it never held them all.
    expect(mostHeld).toBeGreaterThan(0);
    expect(mostHeld).toBeLessThan(8);
    const after = await node(liarNode.nodeId);
    expect(after.provenSlots).toBeLessThan(1024);
    expect(mostHeld).toBeLessThanOrEqual(after.provenSlots);

    // Measured slower than the honest node while claiming far more: flagged, to the owner and admins only.
    const honestAfter = await node(honestNode.nodeId);
    expect(after.speedFlag, JSON.stringify({ liar: after, honest: honestAfter })).toMatch(/claims 1,000,000 GFLOP\/s .* runs jobs at/);
    expect(honestAfter.speedFlag).toBeNull();
    const stranger = await signUp(hub);
    expect((await node(liarNode.nodeId, stranger.token)).speedFlag).toBeNull();
    const admin = await signUp(hub);
    await hub.sql(`UPDATE users SET is_admin = true WHERE id = $1`, [admin.id]);
    expect((await node(liarNode.nodeId, admin.token)).speedFlag).toBe(after.speedFlag);
    liar.socket.close();
  }, 300_000);

  it('a node that keeps giving jobs back is counted and offered nothing until its throttle ends', async () => {
    const n = await registerNode(hub, owner.token, 'giver');
    const raw = await connectRawAgent(hub, n.token);
    const assigns: { at: number; jobId: string }[] = [];
    raw.socket.on('message', (data) => {
      const m = JSON.parse(data.toString());
      if (m.type !== 'job.assign') return;
      assigns.push({ at: Date.now(), jobId: m.jobId });
      if (assigns.length <= 5) raw.socket.send(JSON.stringify({ type: 'job.released', jobId: m.jobId, attempt: m.attempt, reason: 'no thanks' }));
    });
    const job = await submitJob(hub, owner.token, { kind: 'echo', payload: {}, requirements: { nodeId: n.nodeId } });
    const throttled = await waitFor('the throttle', async () => {
      const view = await node(n.nodeId);
      return view.throttledUntil && view;
    });
    expect(throttled.giveBacks).toBe(5);
    expect(assigns).toHaveLength(5);
    const until = Date.parse(throttled.throttledUntil);
    // Still queued, not offered, until the throttle ends; then it comes back.
    await waitFor('the job offered again', async () => assigns.length >= 6, 30_000);
    expect(assigns[5].at).toBeGreaterThanOrEqual(until - 50);
    expect(assigns[5].jobId).toBe(job.id);
    raw.socket.close();
  }, 60_000);

  it('final reports spend the frame budget: a flood of forged ones is dropped, and the report of a held job still counts', async () => {
    const n = await registerNode(hub, owner.token, 'flooder');
    const raw = await connectRawAgent(hub, n.token);
    const job = await submitJob(hub, owner.token, { kind: 'echo', payload: { durationMs: 60_000 }, requirements: { nodeId: n.nodeId } });
    const assign = await waitFor('the assignment', async () => raw.received.find((m) => m.type === 'job.assign'));
    const metric = async () => {
      const text = await (await fetch(`${hub.url}/metrics`)).text();
      return Number(/aimass_agent_frames_rejected_total\{reason="RATE_LIMITED"\} (\d+)/.exec(text)?.[1] ?? 0);
    };
    const before = await metric();
    const forged = JSON.stringify({ type: 'job.succeeded', jobId: '00000000-0000-4000-8000-000000000000', attempt: 1, result: { steps: 1 } });
    for (let i = 0; i < 1000; i++) raw.socket.send(forged);
    raw.socket.send(JSON.stringify({ type: 'job.succeeded', jobId: job.id, attempt: assign.attempt, result: { steps: 1 } }));
    expect((await waitForJob(hub, owner.token, job.id, (j) => j.status === 'SUCCEEDED')).node.name).toBe('flooder');
    expect(await metric()).toBeGreaterThan(before + 500);
    // Far fewer refusals than forgeries were answered.
    expect(raw.received.filter((m) => m.type === 'error' && m.code === 'NOT_LEASED').length).toBeLessThan(500);
    raw.socket.close();
  }, 60_000);

  it('isAdmin and quarantine reasons are seen by admins and the one concerned only', async () => {
    const admin = await signUp(hub);
    await hub.sql(`UPDATE users SET is_admin = true WHERE id = $1`, [admin.id]);
    const other = await signUp(hub);
    const isAdmin = async (username: string, token?: string) => (await hub.graphql(`query($u: String!) { user(username: $u) { isAdmin } }`, { u: username }, token)).data.user.isAdmin;
    expect(await isAdmin(admin.username, other.token)).toBeNull();
    expect(await isAdmin(admin.username)).toBeNull();
    expect(await isAdmin(admin.username, admin.token)).toBe(true);
    expect(await isAdmin(other.username, other.token)).toBe(false);
    expect(await isAdmin(other.username, admin.token)).toBe(false);

    const n = await registerNode(hub, owner.token, 'suspect');
    const q = await hub.graphql(`mutation($id: ID!) { quarantineNode(id: $id, reason: "wrong answers") { quarantineReason } }`, { id: n.nodeId }, admin.token);
    expect(q.data.quarantineNode.quarantineReason).toBe('wrong answers');
    expect((await node(n.nodeId)).quarantineReason).toBe('wrong answers');
    expect((await node(n.nodeId, other.token)).quarantineReason).toBeNull();
    const listed = await hub.graphql(`{ network(status: QUARANTINED) { edges { node { id quarantineReason } } } }`, {}, other.token);
    expect(listed.data.network.edges).toEqual([{ node: { id: n.nodeId, quarantineReason: null } }]);
  });
});

describe('Revoking a node token', () => {
  it('disconnects the node on a peer hub sharing the database', async () => {
    const hub = await startTestHub({ env: FAST_SCHEDULER });
    const peer = await hub.peer();
    try {
      const owner = await signUp(hub);
      const n = await registerNode(hub, owner.token, 'far-away');
      const raw = await connectRawAgent(peer, n.token);
      await waitFor('connected', async () => (await hub.graphql(`query($id: ID!) { node(id: $id) { status } }`, { id: n.nodeId }, owner.token)).data.node.status === 'ONLINE');
      const revoked = await hub.graphql(`mutation($id: ID!) { revokeNodeToken(id: $id) { revokedAt } }`, { id: n.nodeId }, owner.token);
      expect(revoked.data.revokeNodeToken.revokedAt).toBeTruthy();
      expect(await raw.closed).toBe(4006);
      expect(raw.received.find((m) => m.type === 'error')).toMatchObject({ code: 'BAD_TOKEN', fatal: true });
      // And it cannot come back.
      const again = new (await import('ws')).default(`${peer.url.replace('http', 'ws')}/agents`);
      await new Promise((resolve) => again.once('open', resolve));
      const closed = new Promise<number>((resolve) => again.once('close', (code) => resolve(code)));
      again.send(JSON.stringify({ type: 'hello', protocolVersion: PROTOCOL_VERSION, token: n.token, agentVersion: 'x', running: [], capabilities: { backend: 'cpu', cpuCores: 1, memoryBytes: 1e9, gpu: null, slots: 1, labels: [] } }));
      expect(await closed).toBe(4001);
      expect(codeOf(await hub.graphql(`mutation($id: ID!) { revokeNodeToken(id: $id) { id } }`, { id: n.nodeId }, (await signUp(hub)).token))).toBe('NOT_FOUND');
    } finally {
      await peer.close();
      await hub.close();
    }
  }, 60_000);
});
