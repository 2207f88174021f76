/**
 * Data residency with real agent processes: a stranger's agent (registered by another user) runs
 * beside the owner's. The owner's private training, tuning trials, ML.PREDICT and ML.EVALUATE
 * never reach it; with the owner's node offline a private job waits ("waiting for one of your
 * trusted nodes") and runs when it comes back; public data runs on any node; a node the owner
 * trusts explicitly runs her private jobs. A node without the lease reads none of a job's data.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnAgent, type AgentProcess } from './support/agent.js';
import { FAST_SCHEDULER, registerNode, submitJob, waitFor, waitForJob } from './support/compute.js';
import { createDataset, upload } from './support/datasets.js';
import { startTestHub, type TestHub } from './support/hub.js';
import { connectRawAgent, type RawAgent } from './support/raw-agent.js';
import { csv, flowers } from './support/synthetic-data.js';
import { codeOf, signUp, type SignedUp } from './support/users.js';

describe('Data residency: private data runs only on nodes its owner trusts', () => {
  let hub: TestHub;
  let alice: SignedUp;
  let mallory: SignedUp;
  let aliceNode: { token: string; nodeId: string };
  let strangerNode: { token: string; nodeId: string };
  let stranger: AgentProcess;
  let aliceAgent: AgentProcess | undefined;

  const runSql = (query: string, token = alice.token) =>
    hub.graphql(`mutation($query: String!) { runSql(query: $query) { statement columns { name } rows } }`, { query }, token);
  const jobView = async (id: string, token = alice.token) =>
    (await hub.graphql(`query($id: ID!) { job(id: $id) { id status placement waitingReason node { id name } } }`, { id }, token)).data?.job;
  /** Every node any attempt of these jobs went to. */
  const nodesOf = async (jobIds: string[]) =>
    new Set((await hub.sql<{ node_id: string }>(`SELECT DISTINCT node_id FROM job_attempts WHERE job_id = ANY($1)`, [jobIds])).map((r) => r.node_id));

  async function startAliceAgent(): Promise<void> {
    aliceAgent = spawnAgent(['--hub', hub.url, '--token', aliceNode.token, '--name', 'alice-box']);
    await aliceAgent.waitFor(/connected to hub/);
  }

  /** A raw connection of mallory's holding a job token of her own (a real lease), to try on alice's jobs. */
  async function malloryWithAToken(): Promise<{ raw: RawAgent; token: string; jobId: string }> {
    const node = await registerNode(hub, mallory.token, `prober-${Date.now()}`);
    const raw = await connectRawAgent(hub, node.token);
    const own = await submitJob(hub, mallory.token, { kind: 'echo', payload: { durationMs: 60_000 }, requirements: { nodeId: node.nodeId } });
    const assign = await waitFor('the prober’s own job', async () => raw.received.find((m) => m.type === 'job.assign' && m.jobId === own.id));
    return { raw, token: assign.jobToken, jobId: own.id };
  }

  /** Every way a node without the lease might ask for a job's data: all NOT_FOUND. */
  async function expectUnreadable(jobId: string, tokens: string[]): Promise<void> {
    const paths = ['payload', 'rows', 'model', 'checkpoint', 'checkpoint/weights', 'ml/file?path=model.json', 'ml/rows'];
    for (const token of tokens) {
      for (const path of paths) {
        const res = await fetch(`${hub.url}/api/jobs/${jobId}/${path}`, { headers: { authorization: `Bearer ${token}` } });
        expect(res.status, `${path} with ${token.slice(0, 8)}…`).toBe(404);
      }
    }
  }

  beforeAll(async () => {
    hub = await startTestHub({ env: { ...FAST_SCHEDULER, AIMASS_ML_WAIT_MS: '10000' } });
    alice = await signUp(hub);
    mallory = await signUp(hub);
    for (const [name, visibility] of [['flowers', 'PRIVATE'], ['open_flowers', 'PUBLIC']] as const) {
      await createDataset(hub, alice.token, { name, visibility });
      expect((await upload(hub, alice.token, alice.username, name, csv(flowers(300, 3)))).status).toBe(201);
    }
    aliceNode = await registerNode(hub, alice.token, 'alice-box');
    strangerNode = await registerNode(hub, mallory.token, 'stranger');
    stranger = spawnAgent(['--hub', hub.url, '--token', strangerNode.token, '--name', 'stranger']);
    await stranger.waitFor(/connected to hub/);
  });
  afterAll(async () => {
    await Promise.all([stranger, aliceAgent].map((a) => (a && a.child.exitCode === null && a.child.signalCode === null ? a.stop() : undefined)));
    await hub?.close();
  });

  it('a private training waits for one of alice’s trusted nodes while only a stranger is online, and runs when her node connects', async () => {
    const created = await runSql(
      `CREATE MODEL ${alice.username}.iris OPTIONS (model_type = 'dnn_classifier', input_label_cols = ['species'], hidden_units = [8], epochs = 3)
       AS SELECT petal, sepal, color, species FROM ${alice.username}.flowers`,
    );
    expect(created.errors).toBeUndefined();
    const { columns, rows } = created.data.runSql;
    expect(columns.at(-1).name).toBe('placement');
    const [jobId] = rows[0];
    expect(rows[0].at(-1)).toBe('your trusted nodes (0 online)');
    expect(await jobView(jobId)).toMatchObject({ status: 'QUEUED', placement: 'your trusted nodes (0 online)', waitingReason: expect.stringMatching(/^waiting for one of your trusted nodes/), node: null });

    // The dispatcher did run with the stranger idle: mallory's own job runs there, alice's stays put.
    const echo = await submitJob(hub, mallory.token, { kind: 'echo', payload: { durationMs: 10 } });
    expect((await waitForJob(hub, mallory.token, echo.id, (j) => j.status === 'SUCCEEDED')).node.name).toBe('stranger');
    expect(await jobView(jobId)).toMatchObject({ status: 'QUEUED', waitingReason: expect.stringMatching(/trusted nodes/) });
    expect(await nodesOf([jobId])).toEqual(new Set());

    // Mallory, holding a real job token of her own, a node token, or a made-up one, reads nothing of it.
    const probe = await malloryWithAToken();
    await expectUnreadable(jobId, [probe.token, strangerNode.token, `amj_${'0'.repeat(43)}`]);
    probe.raw.socket.close();

    await startAliceAgent();
    const done = await waitForJob(hub, alice.token, jobId, (j) => j.status === 'SUCCEEDED' || j.status === 'FAILED', 90_000);
    expect(done.status).toBe('SUCCEEDED');
    expect(await nodesOf([jobId])).toEqual(new Set([aliceNode.nodeId]));
    expect((await jobView(jobId)).waitingReason).toBeNull();
    // Once her job finished, its token opens nothing either.
    await expectUnreadable(jobId, [probe.token]);
  }, 150_000);

  it('tuning trials, ML.PREDICT and ML.EVALUATE of her private model and data never reach the stranger, idle beside her node', async () => {
    expect(aliceAgent).toBeDefined();
    const tuned = await runSql(
      `CREATE MODEL ${alice.username}.iris_tuned OPTIONS (model_type = 'dnn_classifier', input_label_cols = ['species'], epochs = 2,
         num_trials = 3, max_parallel_trials = 3, learn_rate = HPARAM_RANGE(0.001, 0.1))
       AS SELECT petal, sepal, color, species FROM ${alice.username}.flowers`,
    );
    expect(tuned.errors).toBeUndefined();
    expect(tuned.data.runSql.rows[0].at(-1)).toBe('your trusted nodes (1 online)');
    const [{ tuning_id: tuningId }] = await hub.sql(`SELECT tuning_id FROM training_runs WHERE job_id = $1`, [tuned.data.runSql.rows[0][0]]);
    const status = await waitFor('the tuning', async () => {
      const [t] = await hub.sql(`SELECT status FROM training_tunings WHERE id = $1`, [tuningId]);
      return ['succeeded', 'failed'].includes(t.status) && t.status;
    }, 150_000);
    expect(status).toBe('succeeded');
    const trialJobs = (await hub.sql<{ job_id: string }>(`SELECT job_id FROM training_runs WHERE tuning_id = $1`, [tuningId])).map((r) => r.job_id);
    expect(trialJobs).toHaveLength(3);
    expect(await nodesOf(trialJobs)).toEqual(new Set([aliceNode.nodeId]));

    // Whether runSql answers the rows or (on a slow machine) the job, the job is alice's to wait for.
    const predicted = await runSql(`SELECT * FROM ML.PREDICT(MODEL ${alice.username}.iris, (SELECT petal, sepal, color FROM ${alice.username}.flowers LIMIT 50))`);
    expect(predicted.errors).toBeUndefined();
    const evaluated = await runSql(`SELECT * FROM ML.EVALUATE(MODEL ${alice.username}.iris, (SELECT petal, sepal, color, species FROM ${alice.username}.flowers))`);
    expect(evaluated.errors).toBeUndefined();
    const predictJobs = (await hub.sql<{ job_id: string }>(`SELECT job_id FROM ml_jobs WHERE owner_id = $1`, [alice.id])).map((r) => r.job_id);
    expect(predictJobs).toHaveLength(2);
    for (const id of predictJobs) await waitForJob(hub, alice.token, id, (j) => j.status === 'SUCCEEDED', 90_000);
    expect(await nodesOf(predictJobs)).toEqual(new Set([aliceNode.nodeId]));
    const placed = await hub.sql(`SELECT DISTINCT residency FROM jobs WHERE id = ANY($1)`, [[...trialJobs, ...predictJobs]]);
    expect(placed).toEqual([{ residency: [alice.id] }]);
  }, 240_000);

  it('a prediction waiting for her node cannot be read by the stranger through guessed tokens, and runs when her node is back', async () => {
    await aliceAgent!.stop();
    await waitFor('alice’s node offline', async () => (await hub.graphql(`query($id: ID!) { node(id: $id) { status } }`, { id: aliceNode.nodeId }, alice.token)).data.node.status === 'OFFLINE');
    const res = await hub.graphql(
      `mutation($query: String!) { runSql(query: $query) { rows } }`,
      { query: `SELECT * FROM ML.PREDICT(MODEL ${alice.username}.iris, (SELECT petal, sepal, color FROM ${alice.username}.flowers LIMIT 7))` },
      alice.token,
    );
    expect(res.errors).toBeUndefined();
    const [jobId, status] = res.data.runSql.rows[0];
    expect(status).toBe('queued');
    expect(await jobView(jobId)).toMatchObject({ status: 'QUEUED', waitingReason: expect.stringMatching(/^waiting for one of your trusted nodes/) });
    const probe = await malloryWithAToken();
    await expectUnreadable(jobId, [probe.token, `amj_${'f'.repeat(43)}`]);
    probe.raw.socket.close();
    await startAliceAgent();
    expect((await waitForJob(hub, alice.token, jobId, (j) => j.status === 'SUCCEEDED', 60_000)).node.name).toBe('alice-box');
    expect(await nodesOf([jobId])).toEqual(new Set([aliceNode.nodeId]));
  }, 120_000);

  it('public data runs on any node: with only the stranger online, a training on a public dataset runs there', async () => {
    await aliceAgent!.stop();
    await waitFor('alice’s node offline', async () => (await hub.graphql(`query($id: ID!) { node(id: $id) { status } }`, { id: aliceNode.nodeId }, alice.token)).data.node.status === 'OFFLINE');
    const created = await runSql(
      `CREATE MODEL ${alice.username}.open_iris OPTIONS (model_type = 'logistic_reg', input_label_cols = ['species'], epochs = 2)
       AS SELECT petal, sepal, species FROM ${alice.username}.open_flowers`,
    );
    expect(created.errors).toBeUndefined();
    const [jobId] = created.data.runSql.rows[0];
    expect(created.data.runSql.rows[0].at(-1)).toBe('any node (1 online)');
    expect((await waitForJob(hub, alice.token, jobId, (j) => j.status === 'SUCCEEDED', 90_000)).node.name).toBe('stranger');
  }, 120_000);

  it('a node alice trusts by id runs her private jobs; trusting is hers to manage, and removing it puts the job back to waiting', async () => {
    // Others cannot read or change her list; an unknown node is NOT_FOUND.
    expect(codeOf(await hub.graphql(`mutation($id: ID!) { trustNode(nodeId: $id) { ownerHandle } }`, { id: '00000000-0000-0000-0000-000000000000' }, alice.token))).toBe('NOT_FOUND');
    const trusted = await hub.graphql(
      `mutation($id: ID!) { trustNode(nodeId: $id) { ownerHandle ownerKind nodes { id name } providers { username } } }`,
      { id: strangerNode.nodeId },
      alice.token,
    );
    expect(trusted.data.trustNode).toEqual({ ownerHandle: alice.username, ownerKind: 'user', nodes: [{ id: strangerNode.nodeId, name: 'stranger' }], providers: [] });
    expect((await hub.graphql(`{ trustList { nodes { id } } }`, {}, mallory.token)).data.trustList.nodes).toEqual([]);

    const created = await runSql(
      `CREATE MODEL ${alice.username}.iris_trusted OPTIONS (model_type = 'logistic_reg', input_label_cols = ['species'], epochs = 2)
       AS SELECT petal, sepal, species FROM ${alice.username}.flowers`,
    );
    expect(created.data.runSql.rows[0].at(-1)).toBe('your trusted nodes (1 online)');
    expect((await waitForJob(hub, alice.token, created.data.runSql.rows[0][0], (j) => j.status === 'SUCCEEDED', 90_000)).node.name).toBe('stranger');

    // A provider by username: the same, for all of mallory's nodes.
    const untrusted = await hub.graphql(`mutation($id: ID!) { untrustNode(nodeId: $id) { nodes { id } } }`, { id: strangerNode.nodeId }, alice.token);
    expect(untrusted.data.untrustNode.nodes).toEqual([]);
    const provider = await hub.graphql(`mutation($u: String!) { trustProvider(username: $u) { providers { username } } }`, { u: mallory.username }, alice.token);
    expect(provider.data.trustProvider.providers).toEqual([{ username: mallory.username }]);
    const again = await runSql(
      `CREATE MODEL ${alice.username}.iris_provider OPTIONS (model_type = 'logistic_reg', input_label_cols = ['species'], epochs = 2)
       AS SELECT petal, sepal, species FROM ${alice.username}.flowers`,
    );
    expect(again.data.runSql.rows[0].at(-1)).toBe('your trusted nodes (1 online)');
    expect((await waitForJob(hub, alice.token, again.data.runSql.rows[0][0], (j) => j.status === 'SUCCEEDED', 90_000)).node.name).toBe('stranger');
    await hub.graphql(`mutation($u: String!) { untrustProvider(username: $u) { providers { username } } }`, { u: mallory.username }, alice.token);
    const waiting = await runSql(
      `CREATE MODEL ${alice.username}.iris_waiting OPTIONS (model_type = 'logistic_reg', input_label_cols = ['species'], epochs = 2)
       AS SELECT petal, sepal, species FROM ${alice.username}.flowers`,
    );
    expect(waiting.data.runSql.rows[0].at(-1)).toBe('your trusted nodes (0 online)');
  }, 240_000);

  it('operator-run nodes are trusted by everyone; only admins mark them', async () => {
    expect(codeOf(await hub.graphql(`mutation($id: ID!) { setNodeOperatorRun(id: $id, operatorRun: true) { id } }`, { id: strangerNode.nodeId }, alice.token))).toBe('FORBIDDEN');
    const admin = await signUp(hub);
    await hub.sql(`UPDATE users SET is_admin = true WHERE id = $1`, [admin.id]);
    const marked = await hub.graphql(`mutation($id: ID!) { setNodeOperatorRun(id: $id, operatorRun: true) { operatorRun } }`, { id: strangerNode.nodeId }, admin.token);
    expect(marked.data.setNodeOperatorRun.operatorRun).toBe(true);
    const [{ id: jobId }] = await hub.sql(`SELECT id FROM jobs WHERE payload->>'model' = $1`, [`${alice.username}.iris_waiting`]);
    expect((await waitForJob(hub, alice.token, jobId, (j) => j.status === 'SUCCEEDED', 90_000)).node.name).toBe('stranger');
    expect((await hub.graphql(`{ trustList { operatorRunNodes { id } } }`, {}, alice.token)).data.trustList.operatorRunNodes).toEqual([{ id: strangerNode.nodeId }]);
  }, 120_000);
});
