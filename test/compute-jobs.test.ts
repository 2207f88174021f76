/**
 * Jobs end to end on a real hub with real agent processes: dispatch, progress over graphql-ws,
 * cancel, retries, requirements, fair share, and recovery when agents die.
 */
import { createClient } from 'graphql-ws';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { spawnAgent, type AgentProcess } from './support/agent.js';
import { FAST_SCHEDULER, getJob, registerNode, submitJob, waitFor, waitForJob } from './support/compute.js';
import { BACKENDS, startTestHub, type TestHub } from './support/hub.js';
import { codeOf, signUp, type SignedUp } from './support/users.js';

const agents: AgentProcess[] = [];
async function agent(hub: TestHub, nodeToken: string, ...args: string[]): Promise<AgentProcess> {
  const a = spawnAgent(['--hub', hub.url, '--token', nodeToken, '--drain-seconds', '5', ...args]);
  agents.push(a);
  await a.waitFor(/connected to hub/);
  return a;
}
afterEach(async () => {
  await Promise.all(agents.splice(0).map((a) => a.child.exitCode === null && a.child.signalCode === null ? a.stop() : undefined));
});

describe.each(BACKENDS)('Jobs on %s', (backend) => {
  let hub: TestHub;
  let alice: SignedUp;
  beforeAll(async () => {
    hub = await startTestHub({ backend, env: FAST_SCHEDULER });
    alice = await signUp(hub);
  });
  afterAll(() => hub?.close());

  it('dispatches a job to an agent, streams its progress over graphql-ws, and records its success', async () => {
    const node = await registerNode(hub, alice.token, 'worker-1');
    await agent(hub, node.token);
    const client = createClient({ url: `${hub.url.replace('http', 'ws')}/graphql`, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${alice.token}` } });
    const job = await submitJob(hub, alice.token, { kind: 'echo', payload: { durationMs: 1500, steps: 5, value: { hello: 'world' } } });
    const seen: any[] = [];
    const finished = new Promise<void>((resolve, reject) => {
      client.subscribe(
        { query: `subscription($id: ID!) { jobUpdated(id: $id) { status progress progressMessage node { name } attempts failures result finishedAt updatedAt } }`, variables: { id: job.id } },
        {
          next: ({ data, errors }) => {
            if (errors) reject(new Error(JSON.stringify(errors)));
            seen.push(data!.jobUpdated);
            if ((data!.jobUpdated as any).status === 'SUCCEEDED') resolve();
          },
          error: reject,
          complete: () => undefined,
        },
      );
    });
    await finished;
    await client.dispose();
    const statuses = seen.map((e) => e.status);
    expect(statuses).toContain('RUNNING');
    expect(statuses.at(-1)).toBe('SUCCEEDED');
    const progress = seen.filter((e) => e.status === 'RUNNING').map((e) => e.progress);
    expect(progress.some((p) => p > 0 && p < 1)).toBe(true);
    expect(seen.some((e) => /step \d of 5/.test(e.progressMessage ?? ''))).toBe(true);
    const done = await getJob(hub, alice.token, job.id);
    expect(done).toMatchObject({ status: 'SUCCEEDED', attempts: 1, failures: 0, progress: 1, result: { value: { hello: 'world' }, steps: 5 }, node: { name: 'worker-1' } });
    expect(done.history).toEqual([expect.objectContaining({ attempt: 1, nodeName: 'worker-1', outcome: 'succeeded' })]);
    // Events carry the row as written (not re-read): the last one is the job as a query reads it.
    const read = (await hub.graphql(`query($id: ID!) { job(id: $id) { status progress node { name } attempts failures result finishedAt updatedAt } }`, { id: job.id }, alice.token)).data.job;
    expect(seen.at(-1)).toEqual({ ...read, progressMessage: seen.at(-1).progressMessage });
    expect(read.finishedAt).toEqual(expect.any(String));
  });

  it('cancels a queued job and a running one; the agent stops it', async () => {
    const queued = await submitJob(hub, alice.token, { kind: 'echo', payload: {}, requirements: { labels: ['nowhere'] } });
    const canceled = await hub.graphql(`mutation($id: ID!) { cancelJob(id: $id) { status } }`, { id: queued.id }, alice.token);
    expect(canceled.data.cancelJob.status).toBe('CANCELED');
    expect(codeOf(await hub.graphql(`mutation($id: ID!) { cancelJob(id: $id) { status } }`, { id: queued.id }, alice.token))).toBe('CONFLICT');

    const node = await registerNode(hub, alice.token, 'worker-cancel');
    const a = await agent(hub, node.token, '--label', 'cancel-me');
    const running = await submitJob(hub, alice.token, { kind: 'echo', payload: { durationMs: 20_000, steps: 20 }, requirements: { labels: ['cancel-me'] } });
    await waitForJob(hub, alice.token, running.id, (j) => j.status === 'RUNNING');
    await hub.graphql(`mutation($id: ID!) { cancelJob(id: $id) { status } }`, { id: running.id }, alice.token);
    await a.waitFor(new RegExp(`job canceled by the hub.*${running.id}`));
    const after = await getJob(hub, alice.token, running.id);
    expect(after.status).toBe('CANCELED');
    expect(after.history[0]).toMatchObject({ outcome: 'canceled' });
    // The slot is free again: the next job runs at once.
    const next = await submitJob(hub, alice.token, { kind: 'echo', payload: {}, requirements: { labels: ['cancel-me'] } });
    await waitForJob(hub, alice.token, next.id, (j) => j.status === 'SUCCEEDED');
  });

  it('retries a failing job and fails it after max attempts, keeping every reason', async () => {
    const node = await registerNode(hub, alice.token, 'worker-fail');
    await agent(hub, node.token, '--label', 'fail');
    const job = await submitJob(hub, alice.token, { kind: 'echo', payload: { failWith: 'disk on fire' }, maxAttempts: 3, requirements: { labels: ['fail'] } });
    const failed = await waitForJob(hub, alice.token, job.id, (j) => j.status === 'FAILED');
    expect(failed).toMatchObject({ attempts: 3, failures: 3, error: 'disk on fire' });
    expect(failed.history.map((h: any) => [h.attempt, h.outcome, h.reason])).toEqual([
      [1, 'failed', 'disk on fire'],
      [2, 'failed', 'disk on fire'],
      [3, 'failed', 'disk on fire'],
    ]);
  });

  it('fails at once a payload the agent cannot run, and refuses a bad one at submit', async () => {
    const bad = await hub.graphql(`mutation { submitJob(input: { kind: "echo", payload: { durationMs: -5 } }) { id } }`, {}, alice.token);
    expect(codeOf(bad)).toBe('BAD_USER_INPUT');
    expect(bad.errors![0].extensions!.fields![0].field).toBe('payload.durationMs');
    expect(codeOf(await hub.graphql(`mutation { submitJob(input: { kind: "mine-bitcoin" }) { id } }`, {}, alice.token))).toBe('BAD_USER_INPUT');
  });

  it('matches requirements: labels, and only the owner’s nodes when asked', async () => {
    const bob = await signUp(hub);
    const bobsNode = await registerNode(hub, bob.token, 'bobs-box');
    await agent(hub, bobsNode.token, '--label', 'shared-pool');
    const privateJob = await submitJob(hub, alice.token, { kind: 'echo', payload: {}, requirements: { labels: ['shared-pool'], ownNodesOnly: true } });
    const publicJob = await submitJob(hub, alice.token, { kind: 'echo', payload: {}, requirements: { labels: ['shared-pool'] } });
    const done = await waitForJob(hub, alice.token, publicJob.id, (j) => j.status === 'SUCCEEDED');
    expect(done.node.name).toBe('bobs-box');
    // The oldest of Alice's jobs is claimed first when a node may take it: a later job run on Bob's
    // box shows a claim that passed the private job over, after the one that took publicJob.
    const later = await submitJob(hub, alice.token, { kind: 'echo', payload: {}, requirements: { labels: ['shared-pool'] } });
    expect((await waitForJob(hub, alice.token, later.id, (j) => j.status === 'SUCCEEDED')).node.name).toBe('bobs-box');
    expect((await getJob(hub, alice.token, privateJob.id)).status).toBe('QUEUED');
    const alicesNode = await registerNode(hub, alice.token, 'alices-box');
    await agent(hub, alicesNode.token, '--label', 'shared-pool');
    const mine = await waitForJob(hub, alice.token, privateJob.id, (j) => j.status === 'SUCCEEDED');
    expect(mine.node.name).toBe('alices-box');
    // Bob cannot see Alice's job at all.
    expect(codeOf(await hub.graphql(`query($id: ID!) { job(id: $id) { id } }`, { id: privateJob.id }, bob.token))).toBe('NOT_FOUND');
  });

  it('requeues the job of an agent killed with SIGKILL mid-job; another agent completes it exactly once', async () => {
    const n1 = await registerNode(hub, alice.token, 'doomed');
    const doomed = await agent(hub, n1.token, '--label', 'crash');
    const job = await submitJob(hub, alice.token, { kind: 'echo', payload: { durationMs: 4000, steps: 8 }, requirements: { labels: ['crash'] } });
    await waitForJob(hub, alice.token, job.id, (j) => j.status === 'RUNNING' && j.progress > 0);
    doomed.child.kill('SIGKILL');
    const n2 = await registerNode(hub, alice.token, 'rescuer');
    await agent(hub, n2.token, '--label', 'crash');
    const done = await waitForJob(hub, alice.token, job.id, (j) => j.status === 'SUCCEEDED');
    expect(done.node.name).toBe('rescuer');
    expect(done.history.map((h: any) => [h.attempt, h.nodeName, h.outcome])).toEqual([
      [1, 'doomed', 'lost'],
      [2, 'rescuer', 'succeeded'],
    ]);
    const [{ successes }] = await hub.sql(`SELECT count(*)::int AS successes FROM job_attempts WHERE job_id = $1 AND outcome = 'succeeded'`, [job.id]);
    expect(successes).toBe(1);
  });

  it('lets a draining agent finish its job before it exits, and gives it no new work', async () => {
    const node = await registerNode(hub, alice.token, 'drainer');
    const a = await agent(hub, node.token, '--label', 'drain');
    const job = await submitJob(hub, alice.token, { kind: 'echo', payload: { durationMs: 2500, steps: 5 }, requirements: { labels: ['drain'] } });
    await waitForJob(hub, alice.token, job.id, (j) => j.status === 'RUNNING');
    a.child.kill('SIGTERM');
    await a.waitFor(/"draining"/);
    const late = await submitJob(hub, alice.token, { kind: 'echo', payload: {}, requirements: { labels: ['drain'] } });
    expect(await a.exited).toBe(0);
    expect((await getJob(hub, alice.token, job.id)).status).toBe('SUCCEEDED');
    expect((await getJob(hub, alice.token, late.id)).status).toBe('QUEUED');
  });

  it('hands a job back when the drain time runs out, and another agent runs it', async () => {
    const node = await registerNode(hub, alice.token, 'impatient');
    const a = spawnAgent(['--hub', hub.url, '--token', node.token, '--label', 'handback', '--drain-seconds', '1']);
    agents.push(a);
    await a.waitFor(/connected to hub/);
    const job = await submitJob(hub, alice.token, { kind: 'echo', payload: { durationMs: 6000, steps: 6 }, requirements: { labels: ['handback'] } });
    await waitForJob(hub, alice.token, job.id, (j) => j.status === 'RUNNING');
    a.child.kill('SIGTERM');
    expect(await a.exited).toBe(0);
    const released = await getJob(hub, alice.token, job.id);
    expect(released.status).toBe('QUEUED');
    expect(released.history[0]).toMatchObject({ outcome: 'released', reason: 'agent stopped (drain timeout)' });
    expect(released.failures).toBe(0);
    const n2 = await registerNode(hub, alice.token, 'taker');
    await agent(hub, n2.token, '--label', 'handback');
    expect((await waitForJob(hub, alice.token, job.id, (j) => j.status === 'SUCCEEDED')).node.name).toBe('taker');
  });
});

describe('Scheduling policy', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startTestHub({ env: FAST_SCHEDULER });
  });
  afterAll(() => hub?.close());

  it("shares fairly: owner B's one job starts before owner A's 10th of 100", async () => {
    const a = await signUp(hub);
    const b = await signUp(hub);
    const node = await registerNode(hub, a.token, 'only-one');
    const aJobs: string[] = [];
    for (let i = 0; i < 100; i++) aJobs.push((await submitJob(hub, a.token, { kind: 'echo', payload: { durationMs: 50 }, requirements: { labels: ['fair'] } })).id);
    const bJob = (await submitJob(hub, b.token, { kind: 'echo', payload: { durationMs: 50 }, requirements: { labels: ['fair'] } })).id;
    await agent(hub, node.token, '--label', 'fair');
    await waitForJob(hub, b.token, bJob, (j) => j.status === 'SUCCEEDED', 60_000);
    const started = await hub.sql<{ job_id: string; started_at: Date }>(
      `SELECT job_id, started_at FROM job_attempts WHERE job_id = ANY($1) ORDER BY started_at`,
      [[...aJobs, bJob]],
    );
    const position = started.findIndex((r) => r.job_id === bJob);
    expect(position).toBeGreaterThanOrEqual(0);
    expect(position).toBeLessThan(9); // before A's 10th
  }, 90_000);

  it('prefers the faster of two idle nodes, by what the hub measured rather than what they claim', async () => {
    const owner = await signUp(hub);
    const slow = await registerNode(hub, owner.token, 'slow');
    const fast = await registerNode(hub, owner.token, 'fast');
    // The slow one claims the bigger benchmark figure; the hub measured it slower on its jobs.
    await hub.sql(
      `UPDATE nodes SET gflops = CASE WHEN id = $1 THEN 100 ELSE 1 END, measured_speed = CASE WHEN id = $1 THEN 0.2 ELSE 2 END,
         speed_samples = 3, benchmarked_at = now() WHERE id IN ($1, $2)`,
      [slow.nodeId, fast.nodeId],
    );
    await agent(hub, slow.token, '--label', 'speed');
    await agent(hub, fast.token, '--label', 'speed');
    for (let i = 0; i < 3; i++) {
      const job = await submitJob(hub, owner.token, { kind: 'echo', payload: {}, requirements: { labels: ['speed'] } });
      expect((await waitForJob(hub, owner.token, job.id, (j) => j.status === 'SUCCEEDED')).node.name).toBe('fast');
    }
  });

  it('benchmarks a node when it first joins and shows its speed', async () => {
    const benchHub = await startTestHub({ env: { ...FAST_SCHEDULER, AIMASS_BENCHMARK_ON_JOIN: 'true' } });
    try {
      const owner = await signUp(benchHub);
      const node = await registerNode(benchHub, owner.token, 'new-gpu');
      const a = spawnAgent(['--hub', benchHub.url, '--token', node.token]);
      agents.push(a);
      const measured = await waitFor('a benchmark', async () => {
        const res = await benchHub.graphql(`query($id: ID!) { node(id: $id) { backend gflops stepsPerSecond benchmarkedAt status } }`, { id: node.nodeId }, owner.token);
        return res.data?.node?.benchmarkedAt ? res.data.node : undefined;
      }, 60_000);
      expect(measured).toMatchObject({ backend: 'wasm', status: 'ONLINE' });
      expect(measured.gflops).toBeGreaterThan(0);
      expect(measured.stepsPerSecond).toBeGreaterThan(0);
      const jobs = await benchHub.graphql(`{ jobs(filter: { kind: "benchmark" }) { edges { node { status result } } } }`, {}, owner.token);
      expect(jobs.data.jobs.edges[0].node).toMatchObject({ status: 'SUCCEEDED', result: { backend: 'wasm', gflops: measured.gflops } });
    } finally {
      await benchHub.close();
    }
  }, 90_000);
});
