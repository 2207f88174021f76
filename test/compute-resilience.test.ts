/**
 * The compute backbone under failure: a hub crash and restart with agents running, two hubs on one
 * database, and agents that lie or misbehave.
 */
import { createClient } from 'graphql-ws';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { spawnAgent, type AgentProcess } from './support/agent.js';
import { FAST_SCHEDULER, getJob, registerNode, submitJob, waitFor, waitForJob } from './support/compute.js';
import { listeners } from './support/live-subscriptions.js';
import { connectRawAgent } from './support/raw-agent.js';
import { startTestHub, type TestHub } from './support/hub.js';
import { codeOf, signUp, type SignedUp } from './support/users.js';

const agents: AgentProcess[] = [];
function agent(hub: TestHub, token: string, ...args: string[]): AgentProcess {
  const a = spawnAgent(['--hub', hub.url, '--token', token, ...args]);
  agents.push(a);
  return a;
}
afterEach(async () => {
  await Promise.all(agents.splice(0).map((a) => (a.child.exitCode === null && a.child.signalCode === null ? a.stop() : undefined)));
});

describe('Hub crash and restart', () => {
  it('keeps running jobs through a hub restart: agents reconnect, nothing is lost or run twice', async () => {
    // Leases long enough to outlive the restart: running jobs must survive through the agents' reports.
    const hub = await startTestHub({ env: { ...FAST_SCHEDULER, AIMASS_JOB_LEASE_SECONDS: '30' } });
    try {
      const owner = await signUp(hub);
      const nodes = await Promise.all([registerNode(hub, owner.token, 'r1'), registerNode(hub, owner.token, 'r2')]);
      const running = nodes.map((n) => agent(hub, n.token, '--slots', '2'));
      await Promise.all(running.map((a) => a.waitFor(/connected to hub/)));
      const jobs = [];
      for (let i = 0; i < 6; i++) jobs.push(await submitJob(hub, owner.token, { kind: 'echo', payload: { durationMs: 4000, steps: 4, value: i } }));
      await waitFor('four jobs running', async () => {
        const [{ n }] = await hub.sql(`SELECT count(*)::int AS n FROM jobs WHERE status = 'running'`);
        return n === 4;
      });
      await hub.kill();
      await new Promise((r) => setTimeout(r, 1000));
      await hub.restart();
      await Promise.all(running.map((a) => waitFor('reconnect', async () => a.lines.filter((l) => l.includes('connected to hub')).length >= 2, 30_000)));
      for (const job of jobs) await waitForJob(hub, owner.token, job.id, (j) => j.status === 'SUCCEEDED', 30_000);
      const attempts = await hub.sql<{ job_id: string; outcomes: string[] }>(
        `SELECT job_id, array_agg(outcome ORDER BY attempt) AS outcomes FROM job_attempts WHERE job_id = ANY($1) GROUP BY job_id`,
        [jobs.map((j) => j.id)],
      );
      // Every job ran exactly once: the four that were running kept their single attempt across the restart.
      expect(attempts.map((a) => a.outcomes)).toEqual(jobs.map(() => ['succeeded']));
    } finally {
      await hub.close();
    }
  }, 120_000);
});

describe('Two hubs on one PostgreSQL', () => {
  it('runs each of 200 queued jobs exactly once with agents on both hubs', async () => {
    // Leases long enough that no job's lease lapses on a loaded machine: a lapsed lease is a
    // legitimate second attempt, and this test is about two hubs never claiming one job twice.
    const first = await startTestHub({ env: { ...FAST_SCHEDULER, AIMASS_JOB_LEASE_SECONDS: '30' } });
    const second = await first.peer();
    try {
      const owner = await signUp(first);
      const nodes = await Promise.all([0, 1, 2, 3].map((i) => registerNode(first, owner.token, `h${i}`)));
      nodes.forEach((n, i) => agent(i % 2 === 0 ? first : second, n.token, '--slots', '4'));
      await Promise.all(agents.map((a) => a.waitFor(/connected to hub/)));
      await first.sql(
        `INSERT INTO jobs (kind, payload, owner_id, status, run_after, updated_at)
         SELECT 'echo', jsonb_build_object('durationMs', 10, 'value', i), $1, 'queued', now(), now() FROM generate_series(1, 199) AS i`,
        [owner.id],
      );
      // One through the API on the second hub wakes both hubs' dispatchers (LISTEN/NOTIFY).
      await submitJob(second, owner.token, { kind: 'echo', payload: { value: 200 } });
      await waitFor('200 successes', async () => {
        const [{ n }] = await first.sql(`SELECT count(*)::int AS n FROM jobs WHERE status = 'succeeded'`);
        return n === 200;
      }, 90_000).catch(async (error) => {
        console.log(JSON.stringify(await first.sql(`SELECT status, count(*) FROM jobs GROUP BY status`)));
        console.log([...first.logs, ...second.logs].filter((l) => /"level":(40|50)/.test(l)).slice(0, 5).join('\n').slice(0, 3000));
        throw error;
      });
      const [counts] = await first.sql(
        `SELECT count(*)::int AS attempts, count(DISTINCT job_id)::int AS jobs,
                count(*) FILTER (WHERE outcome = 'succeeded')::int AS successes FROM job_attempts`,
      );
      expect(counts).toEqual({ attempts: 200, jobs: 200, successes: 200 });
      const perNode = await first.sql(`SELECT node_name, count(*)::int AS n FROM job_attempts GROUP BY node_name ORDER BY node_name`);
      expect(perNode).toHaveLength(4); // both hubs' agents took part
    } finally {
      await second.close();
      await first.close();
    }
  }, 150_000);
});

describe('Hostile agents', () => {
  let hub: TestHub;
  let owner: SignedUp;
  beforeAll(async () => {
    hub = await startTestHub({ env: { ...FAST_SCHEDULER, AIMASS_AGENT_MAX_FRAME_BYTES: '65536' } });
    owner = await signUp(hub);
  });
  afterAll(() => hub?.close());

  /** A raw socket that completes the handshake, then lets the test speak for the agent. */
  const liar = (token: string) => connectRawAgent(hub, token, ['liar']);

  it("refuses a report about someone else's job, and the real owner's agent still completes it", async () => {
    const victimNode = await registerNode(hub, owner.token, 'honest');
    const job = await submitJob(hub, owner.token, { kind: 'echo', payload: { durationMs: 1500, steps: 3 }, requirements: { labels: ['victim'] } });
    const honest = agent(hub, victimNode.token, '--label', 'victim');
    await waitForJob(hub, owner.token, job.id, (j) => j.status === 'RUNNING');
    const mallory = await signUp(hub);
    const malloryNode = await registerNode(hub, mallory.token, 'mallory');
    const m = await liar(malloryNode.token);
    for (const attempt of [1, 2]) {
      m.socket.send(JSON.stringify({ type: 'job.succeeded', jobId: job.id, attempt, result: { steps: 999 } }));
      m.socket.send(JSON.stringify({ type: 'job.failed', jobId: job.id, attempt, error: 'sabotage', retryable: false }));
    }
    await waitFor('refusals', async () => m.received.filter((r) => r.code === 'NOT_LEASED').length === 4);
    expect(m.received.filter((r) => r.code === 'NOT_LEASED').every((r) => r.jobId === job.id && r.fatal === false)).toBe(true);
    const done = await waitForJob(hub, owner.token, job.id, (j) => j.status === 'SUCCEEDED');
    expect(done.result).toEqual({ steps: 3 });
    expect(done.history).toHaveLength(1);
    expect(hub.logs.some((l) => l.includes('"agent frame refused"') && l.includes('NOT_LEASED'))).toBe(true);
    m.socket.close();
    await honest.stop();
  });

  it('refuses an invalid result from the agent holding the lease, and retries the job', async () => {
    const node = await registerNode(hub, owner.token, 'liar-with-lease');
    const m = await liar(node.token);
    const job = await submitJob(hub, owner.token, { kind: 'benchmark', payload: {}, requirements: { labels: ['liar'] } });
    const assign = await waitFor('assign', async () => m.received.find((r) => r.type === 'job.assign' && r.jobId === job.id));
    m.socket.send(JSON.stringify({ type: 'job.succeeded', jobId: job.id, attempt: assign.attempt, result: { backend: 'wasm', gflops: 1e12, stepsPerSecond: 1, matrixSize: 16, fitSteps: 1 } }));
    const retried = await waitForJob(hub, owner.token, job.id, (j) => j.failures === 1);
    expect(retried.history[0].reason).toMatch(/invalid result \(gflops:/);
    const [node2] = await hub.sql(`SELECT gflops FROM nodes WHERE id = $1`, [node.nodeId]);
    expect(node2.gflops).toBeNull(); // the lie changed nothing
    m.socket.close();
  });

  it('answers an oversized frame with an error frame, closes the socket of a 10 MB one, counts both, and keeps serving', async () => {
    const node = await registerNode(hub, owner.token, 'big-mouth');
    const m = await liar(node.token);
    m.socket.send(JSON.stringify({ type: 'heartbeat', load: 0, running: [], padding: 'x'.repeat(100 * 1024) }));
    const refusal = await waitFor('error frame', async () => m.received.find((r) => r.code === 'FRAME_TOO_LARGE'));
    expect(refusal).toMatchObject({ type: 'error', fatal: false, message: expect.stringContaining('at most 65536 bytes') });
    m.socket.send(JSON.stringify({ type: 'heartbeat', load: 0, running: [], padding: 'x'.repeat(10 * 1024 * 1024) }));
    expect(await m.closed).toBe(1009);
    const metrics = await (await fetch(`${hub.url}/metrics`)).text();
    expect(metrics).toMatch(/aimass_agent_frames_rejected_total\{reason="FRAME_TOO_LARGE"\} [1-9]/);
    expect((await fetch(`${hub.url}/healthz`)).status).toBe(200);
  });

  it('ignores a flood of heartbeats and frames without falling over', async () => {
    const node = await registerNode(hub, owner.token, 'flooder');
    const m = await liar(node.token);
    const beat = JSON.stringify({ type: 'heartbeat', load: 0, running: [] });
    for (let i = 0; i < 5000; i++) m.socket.send(beat);
    const rejected = /aimass_agent_frames_rejected_total\{reason="(HEARTBEAT_FLOOD|RATE_LIMITED)"\} [1-9]\d*/;
    await waitFor('the flood rejected', async () => rejected.test(await (await fetch(`${hub.url}/metrics`)).text()), 10_000);
    await waitFor('the flood logged', async () => hub.logs.some((l) => /agent is flooding|heartbeats too often/.test(l)), 10_000);
    expect((await hub.graphql(`{ me { id } }`, {}, owner.token)).data.me.id).toBe(owner.id);
    const start = Date.now();
    expect((await fetch(`${hub.url}/healthz`)).status).toBe(200);
    expect(Date.now() - start).toBeLessThan(1000);
    m.socket.close();
  });

  it('lets a job token open only its own running job', async () => {
    const node = await registerNode(hub, owner.token, 'token-holder');
    const m = await liar(node.token);
    const job = await submitJob(hub, owner.token, { kind: 'echo', payload: { value: 'secret input' }, requirements: { labels: ['liar'] } });
    const other = await submitJob(hub, owner.token, { kind: 'echo', payload: { value: 'other' }, requirements: { labels: ['nobody-has-this'] } });
    const assign = await waitFor('assign', async () => m.received.find((r) => r.type === 'job.assign' && r.jobId === job.id));
    const get = (id: string, token: string) => fetch(`${hub.url}/api/jobs/${id}/payload`, { headers: { authorization: `Bearer ${token}` } });
    const own = await get(job.id, assign.jobToken);
    expect(own.status).toBe(200);
    expect(await own.json()).toMatchObject({ value: 'secret input' });
    expect((await get(other.id, assign.jobToken)).status).toBe(404);
    expect((await get(job.id, owner.token)).status).toBe(404);
    m.socket.send(JSON.stringify({ type: 'job.succeeded', jobId: job.id, attempt: assign.attempt, result: { value: 'secret input', steps: 1 } }));
    await waitForJob(hub, owner.token, job.id, (j) => j.status === 'SUCCEEDED');
    const after = await get(job.id, assign.jobToken);
    expect(after.status).toBe(404);
    expect(await after.json()).toEqual({ error: { code: 'NOT_FOUND', message: 'Job not found' } });
    m.socket.close();
  });
});

describe('Node management', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startTestHub({ env: FAST_SCHEDULER });
  });
  afterAll(() => hub?.close());

  const STATUS = `query($id: ID!) { node(id: $id) { status } }`;

  it('lets the owner drain, disable, enable and delete a node, and nobody else', async () => {
    const owner = await signUp(hub);
    const stranger = await signUp(hub);
    const node = await registerNode(hub, owner.token, 'managed');
    const a = agent(hub, node.token, '--label', 'managed');
    await a.waitFor(/connected to hub/);
    expect((await hub.graphql(STATUS, { id: node.nodeId }, owner.token)).data.node.status).toBe('ONLINE');
    expect(codeOf(await hub.graphql(`mutation($id: ID!) { disableNode(id: $id) { status } }`, { id: node.nodeId }, stranger.token))).toBe('FORBIDDEN');

    expect((await hub.graphql(`mutation($id: ID!) { disableNode(id: $id) { status } }`, { id: node.nodeId }, owner.token)).data.disableNode.status).toBe('DISABLED');
    const job = await submitJob(hub, owner.token, { kind: 'echo', payload: {}, requirements: { labels: ['managed'] } });
    await new Promise((r) => setTimeout(r, 1500));
    expect((await getJob(hub, owner.token, job.id)).status).toBe('QUEUED');
    expect((await hub.graphql(`mutation($id: ID!) { enableNode(id: $id) { status } }`, { id: node.nodeId }, owner.token)).data.enableNode.status).toBe('ONLINE');
    await waitForJob(hub, owner.token, job.id, (j) => j.status === 'SUCCEEDED');

    expect((await hub.graphql(`mutation($id: ID!) { drainNode(id: $id) { status } }`, { id: node.nodeId }, owner.token)).data.drainNode.status).toBe('DRAINING');
    const held = await submitJob(hub, owner.token, { kind: 'echo', payload: {}, requirements: { labels: ['managed'] } });
    await new Promise((r) => setTimeout(r, 1500));
    expect((await getJob(hub, owner.token, held.id)).status).toBe('QUEUED');

    expect((await hub.graphql(`mutation($id: ID!) { deleteNode(id: $id) }`, { id: node.nodeId }, owner.token)).data.deleteNode).toBe(true);
    expect(await a.exited).toBe(2); // its token went with it
    expect(codeOf(await hub.graphql(STATUS, { id: node.nodeId }, owner.token))).toBe('NOT_FOUND');
  });

  it('lets only platform admins quarantine a node', async () => {
    const owner = await signUp(hub);
    const admin = await signUp(hub);
    await hub.sql(`UPDATE users SET is_admin = true WHERE id = $1`, [admin.id]);
    const node = await registerNode(hub, owner.token, 'suspicious');
    const Q = `mutation($id: ID!) { quarantineNode(id: $id, reason: "returns wrong results") { status quarantineReason } }`;
    expect(codeOf(await hub.graphql(Q, { id: node.nodeId }, owner.token))).toBe('FORBIDDEN');
    expect((await hub.graphql(Q, { id: node.nodeId }, admin.token)).data.quarantineNode).toEqual({ status: 'QUARANTINED', quarantineReason: 'returns wrong results' });
    // The owner cannot lift it by re-enabling.
    await hub.graphql(`mutation($id: ID!) { enableNode(id: $id) { status } }`, { id: node.nodeId }, owner.token);
    expect((await hub.graphql(STATUS, { id: node.nodeId }, owner.token)).data.node.status).toBe('QUARANTINED');
  });

  it('streams node changes live: online, offline, and removal', async () => {
    const owner = await signUp(hub);
    const client = createClient({ url: `${hub.url.replace('http', 'ws')}/graphql`, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${owner.token}` }, lazy: true });
    const events: any[] = [];
    const nodeChanges = await listeners(hub, 'NODE_CHANGED');
    const dispose = client.subscribe(
      { query: `subscription { nodeChanged(mine: true) { id name status removed } }` },
      { next: ({ data }) => events.push(data!.nodeChanged), error: () => undefined, complete: () => undefined },
    );
    await nodeChanges.listening();
    const other = await signUp(hub);
    await registerNode(hub, other.token, 'not-mine');
    const node = await registerNode(hub, owner.token, 'watched');
    const a = agent(hub, node.token);
    await a.waitFor(/connected to hub/);
    await a.stop();
    await hub.graphql(`mutation($id: ID!) { deleteNode(id: $id) }`, { id: node.nodeId }, owner.token);
    await waitFor('the removal event', async () => events.some((e) => e.removed));
    dispose();
    await client.dispose();
    expect(events.every((e) => e.name === 'watched')).toBe(true);
    const statuses = events.map((e) => e.status);
    expect(statuses).toContain('ONLINE');
    expect(statuses).toContain('OFFLINE');
    expect(events.at(-1)).toMatchObject({ id: node.nodeId, removed: true });
  });

  it('filters jobs to only mine on request', async () => {
    const owner = await signUp(hub);
    const member = await signUp(hub);
    await hub.graphql(`mutation { createOrganization(input: { handle: "${owner.username}-org" }) { id } }`, {}, owner.token);
    await hub.graphql(`mutation($u: String!) { addOrganizationMember(input: { organization: "${owner.username}-org", username: $u }) { role } }`, { u: member.username }, owner.token);
    const orgJob = await submitJob(hub, owner.token, { kind: 'echo', payload: {}, organization: `${owner.username}-org`, requirements: { labels: ['never'] } });
    const ownJob = await submitJob(hub, member.token, { kind: 'echo', payload: {}, requirements: { labels: ['never'] } });
    const LIST = `query($mine: Boolean) { jobs(filter: { mine: $mine }) { edges { node { id } } } }`;
    const all = (await hub.graphql(LIST, {}, member.token)).data.jobs.edges.map((e: any) => e.node.id);
    expect(all.sort()).toEqual([orgJob.id, ownJob.id].sort());
    const mine = (await hub.graphql(LIST, { mine: true }, member.token)).data.jobs.edges.map((e: any) => e.node.id);
    expect(mine).toEqual([ownJob.id]);
  });

  it('shows my nodes to me and every node in the network view', async () => {
    const a = await signUp(hub);
    const b = await signUp(hub);
    const na = await registerNode(hub, a.token, 'a-node');
    const nb = await registerNode(hub, b.token, 'b-node');
    const mine = await hub.graphql(`{ myNodes { edges { node { id } } } }`, {}, a.token);
    expect(mine.data.myNodes.edges.map((e: any) => e.node.id)).toEqual([na.nodeId]);
    const network = await hub.graphql(`{ network(first: 100) { edges { node { id name owner { username } } } } }`, {}, a.token);
    const ids = network.data.network.edges.map((e: any) => e.node.id);
    expect(ids).toEqual(expect.arrayContaining([na.nodeId, nb.nodeId]));
  });
});
