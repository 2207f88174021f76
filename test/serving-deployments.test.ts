/**
 * Deployments and their replicas on the hub, with a real hub and PostgreSQL, a model trained by
 * SQL on a real agent, and hand-driven agents (test/support/raw-agent.ts) holding the replicas:
 * a deployment places a `serve` job with the version's payload, becomes READY when its agent says
 * `replica.ready`, replaces a replica whose agent disconnects at once (not at lease expiry), rolls
 * a new version out one ready replica at a time, follows its alias, spreads its replicas over
 * nodes, keeps a private model's replicas on trusted nodes, hides private deployments from
 * strangers, and refuses a `replica.ready` about a job the node does not hold.
 */
import { createClient } from 'graphql-ws';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { claimJobs } from '../hub/src/compute/queue/claim-jobs.js';
import { spawnAgent } from './support/agent.js';
import { FAST_SCHEDULER, registerNode, submitJob, waitFor, waitForJob } from './support/compute.js';
import { createDataset, upload } from './support/datasets.js';
import { startTestHub, type TestHub } from './support/hub.js';
import { connectRawAgent, type RawAgent } from './support/raw-agent.js';
import { csv, flowers } from './support/synthetic-data.js';
import { signUp, type SignedUp } from './support/users.js';

const DEPLOYMENT = `id owner name modelName versionNumber alias minReplicas maxReplicas status statusMessage visibility task labels labelName
  features { name type categories } batching { maxBatchSize maxQueueDelayMs } requirements { gpu minMemoryBytes labels }
  endpoints { tfServing kserve } replicas { id state versionNumber nodeId nodeName readyAt }`;

/** A hand-driven agent that holds serve jobs: heartbeats them, answers echo jobs, says ready when told (or at once). */
interface ServingAgent {
  name: string;
  nodeId: string;
  raw: RawAgent;
  /** Serve jobs assigned and not canceled: job id → assign frame. */
  held(): Map<string, any>;
  assigned(): any[];
  canceled(): string[];
  ready(jobId: string): void;
  close(): Promise<void>;
}

describe('deployments and their replicas (serve jobs on agents)', () => {
  let hub: TestHub;
  let alice: SignedUp;
  let mallory: SignedUp;
  const agents: ServingAgent[] = [];

  const gql = async (query: string, variables: object, token = alice.token) => hub.graphql(query, variables, token);

  async function servingAgent(name: string, owner: SignedUp, options: { autoReady?: boolean; failServe?: boolean; inFlight?: number; on?: TestHub } = {}): Promise<ServingAgent> {
    const node = await registerNode(hub, owner.token, `${name}-${Date.now()}`);
    const raw = await connectRawAgent(options.on ?? hub, node.token, [], { slots: 4 });
    const send = (frame: object) => raw.socket.readyState === raw.socket.OPEN && raw.socket.send(JSON.stringify(frame));
    const assigned = () => raw.received.filter((m) => m.type === 'job.assign' && m.kind === 'serve');
    const canceled = () => raw.received.filter((m) => m.type === 'job.cancel').map((m) => m.jobId as string);
    const held = () => new Map(assigned().filter((a) => !canceled().includes(a.jobId)).map((a) => [a.jobId as string, a]));
    const ready = (jobId: string) => send({ type: 'replica.ready', jobId, attempt: held().get(jobId).attempt, warmupMs: 5 });
    // Frames may have arrived before this runs (right after the welcome): every frame is looked at, on a timer.
    const answered = new Set<string>();
    const act = setInterval(() => {
      for (const m of raw.received) {
        if (m.type !== 'job.assign' || answered.has(m.jobId)) continue;
        if (m.kind === 'echo') send({ type: 'job.succeeded', jobId: m.jobId, attempt: m.attempt, result: { steps: 1 } });
        else if (m.kind === 'serve' && options.failServe) send({ type: 'job.failed', jobId: m.jobId, attempt: m.attempt, error: 'model.json: unexpected end of JSON', retryable: false });
        else if (m.kind === 'serve' && options.autoReady) send({ type: 'replica.ready', jobId: m.jobId, attempt: m.attempt, warmupMs: 5 });
        answered.add(m.jobId);
      }
    }, 50);
    const beat = setInterval(() => {
      const serving = [...held().values()];
      send({
        type: 'heartbeat',
        load: 0,
        running: serving.map((a) => ({ jobId: a.jobId, attempt: a.attempt })),
        replicas: serving.map((a) => ({ jobId: a.jobId, inFlight: options.inFlight ?? 0, queued: 1, latencyMs: 7.5, requests: 0 })),
      });
    }, 1000);
    const agent: ServingAgent = {
      name: node.nodeId,
      nodeId: node.nodeId,
      raw,
      held,
      assigned,
      canceled,
      ready,
      async close() {
        clearInterval(beat);
        clearInterval(act);
        if (raw.socket.readyState === raw.socket.OPEN) raw.socket.close();
        await raw.closed;
      },
    };
    agents.push(agent);
    return agent;
  }

  async function deploy(input: Record<string, unknown>, token = alice.token) {
    return gql(`mutation($input: CreateDeploymentInput!) { createDeployment(input: $input) { ${DEPLOYMENT} } }`, { input }, token);
  }
  async function deployment(name: string, token = alice.token) {
    return gql(`query($o: String!, $n: String!) { deployment(owner: $o, name: $n) { ${DEPLOYMENT} } }`, { o: alice.username, n: name }, token);
  }
  async function until(name: string, what: string, done: (d: any) => boolean, timeoutMs = 30_000): Promise<any> {
    let last: any;
    try {
      return await waitFor(`${name}: ${what}`, async () => {
        last = (await deployment(name)).data?.deployment;
        return last && done(last) && last;
      }, timeoutMs);
    } catch (error) {
      const jobs = await hub.sql(
        `SELECT j.id, j.status, j.attempts, j.failures, j.error, j.node_id, j.run_after, j.requirements, (SELECT json_agg(a) FROM job_attempts a WHERE a.job_id = j.id) AS history
         FROM jobs j WHERE j.kind = 'serve' AND j.payload->>'deploymentId' = $1`,
        [last?.id],
      );
      throw new Error(`${(error as Error).message}; last seen: ${JSON.stringify(last)}; its jobs: ${JSON.stringify(jobs)}; log: ${hub.logs.filter((l) => /warn|error/.test(l)).slice(-15).join('\n')}`);
    }
  }
  async function remove(name: string) {
    const res = await gql(`mutation($o: String!, $n: String!) { deleteDeployment(owner: $o, name: $n) }`, { o: alice.username, n: name });
    expect(res.errors).toBeUndefined();
  }
  const jobStatus = async (id: string) => (await hub.sql(`SELECT status FROM jobs WHERE id = $1`, [id]))[0]?.status;
  const closeAll = async () => {
    for (const agent of agents.splice(0)) await agent.close();
  };

  beforeAll(async () => {
    hub = await startTestHub({
      env: { ...FAST_SCHEDULER, AIMASS_JOB_LEASE_SECONDS: '120', AIMASS_SERVE_RECONCILE_MS: '300', AIMASS_SERVE_SPREAD_WAIT_SECONDS: '3600' },
    });
    alice = await signUp(hub);
    mallory = await signUp(hub);
    await createDataset(hub, alice.token, { name: 'flowers', visibility: 'PRIVATE' });
    expect((await upload(hub, alice.token, alice.username, 'flowers', csv(flowers(200, 1)))).status).toBe(201);
    const trainer = await registerNode(hub, alice.token, 'trainer');
    const agent = spawnAgent(['--hub', hub.url, '--token', trainer.token, '--name', 'trainer']);
    await agent.waitFor(/connected to hub/);
    const created = await gql(`mutation($q: String!) { runSql(query: $q) { rows } }`, {
      q: `CREATE MODEL ${alice.username}.iris OPTIONS (model_type = 'logistic_reg', input_label_cols = ['species'], epochs = 2)
          AS SELECT petal, sepal, color, species FROM ${alice.username}.flowers`,
    });
    expect(created.errors).toBeUndefined();
    expect((await waitForJob(hub, alice.token, created.data.runSql.rows[0][0], (j) => j.status === 'SUCCEEDED' || j.status === 'FAILED', 120_000)).status).toBe('SUCCEEDED');
    await agent.stop();
    // Version 2: the same trained weights under a new number (what a retraining adds).
    await hub.sql(
      `INSERT INTO model_versions (model_id, number, status, files, signature, metrics, lineage)
       SELECT model_id, 2, status, files, signature, metrics, lineage FROM model_versions v WHERE v.model_id = (SELECT id FROM models WHERE name = 'iris') AND v.number = 1`,
    );
    await hub.sql(`UPDATE models SET visibility = 'private' WHERE name = 'iris'`);
  }, 180_000);
  // A test that failed midway leaves nothing behind for the next one: its agents and deployments go.
  afterEach(async () => {
    await closeAll();
    const left = await gql(`query($o: String!) { deployments(owner: $o, first: 100) { edges { node { name } } } }`, { o: alice.username });
    for (const { node } of left.data?.deployments.edges ?? []) await remove(node.name);
  });
  afterAll(async () => {
    await closeAll();
    await hub?.close();
  });

  it('places a serve job with the version’s payload, becomes READY on replica.ready, serves only its files, and refuses a lying frame', async () => {
    const a = await servingAgent('a', alice);
    const created = await deploy({ name: 'churn', model: `${alice.username}/iris`, version: 1 });
    expect(created.errors).toBeUndefined();
    expect(created.data.createDeployment).toMatchObject({
      owner: alice.username, name: 'churn', modelName: `${alice.username}/iris`, versionNumber: 1, alias: null, minReplicas: 1, maxReplicas: 1,
      visibility: 'PRIVATE', task: 'classification', labelName: 'species', batching: { maxBatchSize: 32, maxQueueDelayMs: 2 },
      requirements: { gpu: false, minMemoryBytes: null, labels: [] },
      endpoints: { tfServing: `/v1/models/${alice.username}.churn:predict`, kserve: `/v2/models/${alice.username}.churn/infer` },
    });
    expect(created.data.createDeployment.labels.length).toBeGreaterThan(1);
    const color = created.data.createDeployment.features.find((f: any) => f.name === 'color');
    expect(color.categories.length).toBeGreaterThan(0);
    expect(color.categories).not.toContain('__missing__');

    const assign = await waitFor('the serve job on a', async () => a.assigned()[0]);
    const id = created.data.createDeployment.id;
    expect(assign.payload).toMatchObject({ deploymentId: id, model: `${alice.username}.iris@1`, versionNumber: 1, task: 'classification', batching: { maxBatchSize: 32, maxQueueDelayMs: 2 } });
    expect(assign.payload.maxQueue).toBeGreaterThan(0);
    expect(assign.payload.features.map((f: any) => f.name)).toEqual(['petal', 'sepal', 'color']);
    expect(assign.payload.files[0].path).toBe('model.json');
    expect(await until('churn', 'STARTING', (d) => d.status === 'STARTING')).toMatchObject({ replicas: [{ id: assign.jobId, state: 'LOADING', nodeId: a.nodeId }] });

    // The job token opens the version's files, and nothing else.
    const file = (path: string, token = assign.jobToken) => fetch(`${hub.url}/api/jobs/${assign.jobId}/serve/file?path=${encodeURIComponent(path)}`, { headers: { authorization: `Bearer ${token}` } });
    const modelJson = await file('model.json');
    expect(modelJson.status).toBe(200);
    expect(await modelJson.json()).toHaveProperty('modelTopology');
    const shard = assign.payload.files[1];
    const weights = await file(shard.path);
    expect(weights.status).toBe(200);
    expect((await weights.arrayBuffer()).byteLength).toBe(shard.size);
    expect((await file('../../etc/passwd')).status).toBe(404);
    expect((await file('model.json', alice.token)).status).toBe(404);

    // Another node, holding nothing, says the replica is ready: refused, and nothing changes.
    const liar = await servingAgent('liar', alice);
    liar.raw.socket.send(JSON.stringify({ type: 'replica.ready', jobId: assign.jobId, attempt: assign.attempt, warmupMs: 1 }));
    const refusal = await waitFor('the refusal', async () => liar.raw.received.find((m) => m.type === 'error'));
    expect(refusal).toMatchObject({ code: 'NOT_LEASED' });
    expect((await deployment('churn')).data.deployment.status).toBe('STARTING');

    a.ready(assign.jobId);
    const ready = await until('churn', 'READY', (d) => d.status === 'READY');
    expect(ready.replicas).toEqual([expect.objectContaining({ id: assign.jobId, state: 'READY', versionNumber: 1, nodeId: a.nodeId, readyAt: expect.any(String) })]);
    expect(ready.statusMessage).toBeNull();

    await remove('churn');
    await waitFor('the replica canceled', async () => a.canceled().includes(assign.jobId));
    expect(await jobStatus(assign.jobId)).toBe('canceled');
    expect((await deployment('churn')).errors?.[0].extensions?.code).toBe('NOT_FOUND');
    await closeAll();
  }, 60_000);

  it('refuses bad settings with field errors, and a private deployment (or model) is NOT_FOUND to a stranger', async () => {
    const model = `${alice.username}/iris`;
    const fields = async (input: Record<string, unknown>) => (await deploy({ name: 'bad', model, ...input })).errors?.[0].extensions?.fields?.map((f: any) => f.field);
    expect(await fields({ version: 1, alias: 'prod' })).toEqual(['alias']);
    expect(await fields({ minReplicas: 3, maxReplicas: 2 })).toEqual(['minReplicas']);
    expect(await fields({ name: 'no spaces here' })).toEqual(['name']);
    expect(await fields({ version: 9 })).toEqual(['version']);
    expect(await fields({ batching: { maxBatchSize: 0 } })).toEqual(['batching.maxBatchSize']);
    expect(await fields({ limits: { requestsPerSecond: -1 } })).toEqual(['limits.requestsPerSecond']);
    expect((await deploy({ name: 'stolen', model }, mallory.token)).errors?.[0].extensions?.code).toBe('NOT_FOUND');

    expect((await deploy({ name: 'hidden', model, minReplicas: 0 })).errors).toBeUndefined();
    expect((await deploy({ name: 'shown', model, minReplicas: 0, visibility: 'PUBLIC' })).errors).toBeUndefined();
    expect((await deployment('hidden')).data.deployment.status).toBe('STOPPED');
    expect((await deployment('hidden', mallory.token)).errors?.[0].extensions?.code).toBe('NOT_FOUND');
    expect((await deployment('shown', mallory.token)).data.deployment.name).toBe('shown');
    const update = await gql(`mutation($o: String!) { updateDeployment(owner: $o, name: "hidden", input: { minReplicas: 1 }) { id } }`, { o: alice.username }, mallory.token);
    expect(update.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    const changeShown = await gql(`mutation($o: String!) { updateDeployment(owner: $o, name: "shown", input: { minReplicas: 1 }) { id } }`, { o: alice.username }, mallory.token);
    expect(changeShown.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    // What the portal shows its editors by: true to its owner, false to one who only sees it.
    const canChange = async (token: string) => (await gql(`query($o: String!) { deployment(owner: $o, name: "shown") { viewerCanChange } }`, { o: alice.username }, token)).data.deployment.viewerCanChange;
    expect(await canChange(alice.token)).toBe(true);
    expect(await canChange(mallory.token)).toBe(false);
    const listed = async (token: string) =>
      (await gql(`query($o: String!) { deployments(owner: $o) { totalCount edges { node { name } } } }`, { o: alice.username }, token)).data.deployments.edges.map((e: any) => e.node.name).sort();
    expect(await listed(mallory.token)).toEqual(['shown']);
    expect(await listed(alice.token)).toEqual(['hidden', 'shown']);
    await remove('hidden');
    await remove('shown');
  });

  it('never places a private model’s replica on a node its owner does not trust; her own node gets it', async () => {
    const stranger = await servingAgent('stranger', mallory, { autoReady: true });
    expect((await deploy({ name: 'private', model: `${alice.username}/iris`, version: 1 })).errors).toBeUndefined();
    // The dispatcher ran with the stranger idle: mallory's own job goes there, alice's replica does not.
    const echo = await submitJob(hub, mallory.token, { kind: 'echo', payload: {} });
    await waitForJob(hub, mallory.token, echo.id, (j) => j.status === 'SUCCEEDED');
    expect((await deployment('private')).data.deployment).toMatchObject({ status: 'PENDING', replicas: [{ state: 'PLACING', nodeId: null }] });
    const own = await servingAgent('own', alice, { autoReady: true });
    const ready = await until('private', 'READY', (d) => d.status === 'READY');
    expect(ready.replicas.map((r: any) => r.nodeId)).toEqual([own.nodeId]);
    expect(stranger.assigned()).toEqual([]);
    await remove('private');
    await closeAll();
  }, 60_000);

  it('spreads the replicas of a deployment over different nodes', async () => {
    const a = await servingAgent('a', alice, { autoReady: true });
    const b = await servingAgent('b', alice, { autoReady: true });
    expect((await deploy({ name: 'spread', model: `${alice.username}/iris`, minReplicas: 2, maxReplicas: 3 })).errors).toBeUndefined();
    const ready = await until('spread', 'READY with 2 replicas', (d) => d.status === 'READY' && d.replicas.length === 2);
    expect(new Set(ready.replicas.map((r: any) => r.nodeId))).toEqual(new Set([a.nodeId, b.nodeId]));
    expect(a.held().size).toBe(1);
    expect(b.held().size).toBe(1);
    const active = () => hub.sql(`SELECT id FROM jobs WHERE kind = 'serve' AND payload->>'deploymentId' = $1 AND status IN ('queued', 'leased', 'running')`, [ready.id]);
    expect(await active()).toHaveLength(2);
    await remove('spread');
    // Deleting stops every replica and places none while it does (a pass in between once left queued orphans).
    await closeAll();
    expect(await active()).toEqual([]);
  }, 60_000);

  it('spreading yields once a replica has waited long enough, so a node already holding one takes another', async () => {
    const node = await registerNode(hub, alice.token, `lonely-${Date.now()}`);
    const db = { query: (sql: string, params?: unknown[]) => hub.sql(sql, params) };
    const insert = async (status: string, spread: string, nodeId: string | null) =>
      (
        await hub.sql(
          `INSERT INTO jobs (kind, payload, owner_id, status, node_id, requirements, run_after, updated_at) VALUES ('echo', '{}', $1, $2, $3, $4, now(), now()) RETURNING id`,
          [alice.id, status, nodeId, JSON.stringify({ spread, spreadWaitSeconds: 60 })],
        )
      )[0].id as string;
    await insert('running', 'k', node.nodeId);
    const same = await insert('queued', 'k', null);
    const other = await insert('queued', 'other', null);
    expect((await claimJobs(db, node.nodeId, 5, 60)).map((j) => j.id)).toEqual([other]);
    // Due for a minute: it waited its spreadWaitSeconds for a node without one of its kind.
    await hub.sql(`UPDATE jobs SET run_after = now() - interval '61 seconds' WHERE id = $1`, [same]);
    expect((await claimJobs(db, node.nodeId, 5, 60)).map((j) => j.id)).toEqual([same]);
    // Two replicas queued together go to a free node one at a time: one claim takes one of them.
    const first = await insert('queued', 'pair', null);
    const second = await insert('queued', 'pair', null);
    const free = await registerNode(hub, alice.token, `free-${Date.now()}`);
    expect((await claimJobs(db, free.nodeId, 5, 60)).map((j) => j.id)).toEqual([first]);
    expect((await claimJobs(db, free.nodeId, 5, 60)).map((j) => j.id)).toEqual([]);
    expect((await claimJobs(db, node.nodeId, 5, 60)).map((j) => j.id)).toEqual([second]);
    await hub.sql(`UPDATE jobs SET status = 'canceled' WHERE owner_id = $1 AND kind = 'echo' AND node_id = ANY($2)`, [alice.id, [node.nodeId, free.nodeId]]);
  });

  it('a replica takes no job slot: a one-slot node holds replicas of two deployments and still runs a job', async () => {
    const only = await servingAgent('only', alice, { autoReady: true });
    expect((await deploy({ name: 'first', model: `${alice.username}/iris` })).errors).toBeUndefined();
    expect((await deploy({ name: 'second', model: `${alice.username}/iris` })).errors).toBeUndefined();
    for (const name of ['first', 'second']) expect((await until(name, 'READY', (d) => d.status === 'READY')).replicas[0].nodeId).toBe(only.nodeId);
    const echo = await submitJob(hub, alice.token, { kind: 'echo', payload: {} });
    expect((await waitForJob(hub, alice.token, echo.id, (j) => j.status === 'SUCCEEDED')).node.id).toBe(only.nodeId);
    await remove('first');
    await remove('second');
    await closeAll();
  }, 60_000);

  it('deploymentChanged tells a subscriber about status and load, and ends when the deployment is deleted', async () => {
    await servingAgent('busy', alice, { autoReady: true, inFlight: 3 });
    expect((await deploy({ name: 'watched', model: `${alice.username}/iris`, minReplicas: 0 })).errors).toBeUndefined();
    const client = createClient({ url: `${hub.url.replace('http', 'ws')}/graphql`, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${alice.token}` } });
    const seen: any[] = [];
    let subscribed!: () => void;
    const started = new Promise<void>((resolve) => (subscribed = resolve));
    const ended = new Promise<void>((resolve, reject) => {
      client.subscribe(
        { query: `subscription($o: String!) { deploymentChanged(owner: $o, name: "watched") { status replicas { state inFlight queued latencyMs } } }`, variables: { o: alice.username } },
        { next: ({ data, errors }) => (errors ? reject(new Error(JSON.stringify(errors))) : seen.push(data!.deploymentChanged)), error: reject, complete: resolve },
      );
      // Whether the subscription is live yet is not observable; the settings change is repeated until an event arrives.
      void waitFor('the first event', async () => {
        await gql(`mutation($o: String!) { updateDeployment(owner: $o, name: "watched", input: { minReplicas: 0 }) { id } }`, { o: alice.username });
        return seen.length > 0;
      }).then(subscribed, reject);
    });
    await started;
    expect(seen[0].status).toBe('STOPPED');
    await gql(`mutation($o: String!) { updateDeployment(owner: $o, name: "watched", input: { minReplicas: 1 }) { id } }`, { o: alice.username });
    await waitFor('READY with its load heard', async () => seen.some((d) => d.status === 'READY' && d.replicas[0]?.inFlight === 3));
    expect(seen.find((d) => d.replicas[0]?.inFlight === 3).replicas[0]).toEqual({ state: 'READY', inFlight: 3, queued: 1, latencyMs: 7.5 });
    await remove('watched');
    await ended;
    client.dispose();
    await closeAll();
  }, 60_000);

  it('a deployment whose replicas keep failing is FAILED with the reason, and tried again when updated', async () => {
    await servingAgent('broken', alice, { failServe: true });
    expect((await deploy({ name: 'broken', model: `${alice.username}/iris` })).errors).toBeUndefined();
    const failed = await until('broken', 'FAILED', (d) => d.status === 'FAILED');
    expect(failed.statusMessage).toMatch(/unexpected end of JSON/);
    expect(Number((await hub.sql(`SELECT count(*)::int AS n FROM jobs WHERE kind = 'serve' AND status = 'failed' AND payload->>'deploymentId' = $1`, [failed.id]))[0].n)).toBe(3);
    await closeAll();
    await servingAgent('fixed', alice, { autoReady: true });
    await gql(`mutation($o: String!) { updateDeployment(owner: $o, name: "broken", input: { batching: { maxBatchSize: 8 } }) { id } }`, { o: alice.username });
    expect((await until('broken', 'READY', (d) => d.status === 'READY')).statusMessage).toBeNull();
    await remove('broken');
    await closeAll();
  }, 60_000);

  it('two hubs on one database take turns: replicas placed through the other hub are READY on both, never placed twice', async () => {
    const peer = await hub.peer();
    try {
      await servingAgent('far1', alice, { autoReady: true, on: peer });
      await servingAgent('far2', alice, { autoReady: true, on: peer });
      const created = await deploy({ name: 'shared', model: `${alice.username}/iris`, minReplicas: 2, maxReplicas: 2 });
      expect(created.errors).toBeUndefined();
      await until('shared', 'READY with 2 replicas', (d) => d.status === 'READY' && d.replicas.length === 2);
      const onPeer = await peer.graphql(`query($o: String!) { deployment(owner: $o, name: "shared") { status replicas { state } } }`, { o: alice.username }, alice.token);
      expect(onPeer.data.deployment).toEqual({ status: 'READY', replicas: [{ state: 'READY' }, { state: 'READY' }] });
      // Both hubs reconcile every 300 ms; scaling down on the peer stops exactly one, and no pass ever placed a third.
      await peer.graphql(`mutation($o: String!) { updateDeployment(owner: $o, name: "shared", input: { minReplicas: 1 }) { id } }`, { o: alice.username }, alice.token);
      await until('shared', 'one replica', (d) => d.status === 'READY' && d.replicas.length === 1);
      const jobs = await hub.sql(`SELECT status FROM jobs WHERE kind = 'serve' AND payload->>'deploymentId' = $1 ORDER BY status`, [created.data.createDeployment.id]);
      expect(jobs.map((j) => j.status)).toEqual(['canceled', 'leased']);
      await remove('shared');
      await closeAll();
    } finally {
      await peer.close();
    }
  }, 90_000);

  it('replaces a replica whose agent disconnects at once, on another connected node', async () => {
    const a = await servingAgent('a', alice, { autoReady: true });
    const b = await servingAgent('b', alice, { autoReady: true });
    expect((await deploy({ name: 'survivor', model: `${alice.username}/iris`, version: 2 })).errors).toBeUndefined();
    const first = await until('survivor', 'READY', (d) => d.status === 'READY');
    const [replica] = first.replicas;
    const [gone, other] = replica.nodeId === a.nodeId ? [a, b] : [b, a];
    const started = Date.now();
    await gone.close();
    // Replaced well within the lease (120 s): the disconnect, not the lease expiry, moved it.
    const moved = await until('survivor', 'READY on the other node', (d) => d.status === 'READY' && d.replicas.some((r: any) => r.state === 'READY' && r.nodeId === other.nodeId), 20_000);
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(moved.replicas.find((r: any) => r.state === 'READY').versionNumber).toBe(2);
    // The lost replica is stopped once its replacement serves.
    await waitFor('the lost replica canceled', async () => (await jobStatus(replica.id)) === 'canceled');
    expect((await until('survivor', 'one replica', (d) => d.replicas.length === 1)).replicas[0].nodeId).toBe(other.nodeId);
    await remove('survivor');
    await closeAll();
  }, 60_000);

  it('rolls a new version out replica by replica: an old replica stops only after a new one is ready', async () => {
    const olds = [await servingAgent('old1', alice, { autoReady: true }), await servingAgent('old2', alice, { autoReady: true })];
    expect((await deploy({ name: 'rolling', model: `${alice.username}/iris`, version: 1, minReplicas: 2, maxReplicas: 2 })).errors).toBeUndefined();
    const before = await until('rolling', 'READY on version 1', (d) => d.status === 'READY' && d.replicas.length === 2);
    const oldIds = before.replicas.map((r: any) => r.id);
    const news = [await servingAgent('new1', alice), await servingAgent('new2', alice)];

    const updated = await gql(`mutation($o: String!) { updateDeployment(owner: $o, name: "rolling", input: { version: 2 }) { versionNumber } }`, { o: alice.username });
    expect(updated.errors).toBeUndefined();
    expect(updated.data.updateDeployment.versionNumber).toBe(2);
    const assigns = await waitFor('both new replicas placed', async () => {
      const all = news.flatMap((n) => n.assigned());
      return all.length === 2 && all;
    });
    expect(assigns.map((x: any) => x.payload.versionNumber)).toEqual([2, 2]);
    const oldCanceled = () => olds.flatMap((o) => o.canceled()).filter((id) => oldIds.includes(id));
    // Nothing new is ready: both old replicas still serve and the deployment stays READY.
    expect(oldCanceled()).toEqual([]);
    expect((await deployment('rolling')).data.deployment.status).toBe('READY');

    news[0].ready(assigns.find((x: any) => news[0].held().has(x.jobId)).jobId);
    await waitFor('one old replica stopped', async () => oldCanceled().length === 1);
    const mid = await until('rolling', 'one new ready', (d) => d.replicas.filter((r: any) => r.state === 'READY').length === 2 && d.replicas.some((r: any) => r.state === 'READY' && r.versionNumber === 2));
    expect(mid.status).toBe('READY');
    expect(oldCanceled()).toHaveLength(1);

    news[1].ready(assigns.find((x: any) => news[1].held().has(x.jobId)).jobId);
    await waitFor('both old replicas stopped', async () => oldCanceled().length === 2);
    const after = await until('rolling', 'two version-2 replicas', (d) => d.replicas.length === 2 && d.replicas.every((r: any) => r.versionNumber === 2 && r.state === 'READY'));
    expect(after.status).toBe('READY');
    await remove('rolling');
    await closeAll();
  }, 60_000);

  it('follows its alias: when the alias moves, the deployment moves to the new version', async () => {
    const setAlias = (number: number) =>
      gql(`mutation($o: String!, $v: Int!) { setModelAlias(owner: $o, name: "iris", alias: "prod", number: $v) { number } }`, { o: alice.username, v: number });
    expect((await setAlias(1)).errors).toBeUndefined();
    await servingAgent('a', alice, { autoReady: true });
    await servingAgent('b', alice, { autoReady: true });
    const created = await deploy({ name: 'follower', model: `${alice.username}/iris`, alias: 'prod' });
    expect(created.errors).toBeUndefined();
    expect(created.data.createDeployment).toMatchObject({ alias: 'prod', versionNumber: 1 });
    const v1 = await until('follower', 'READY on version 1', (d) => d.status === 'READY');
    expect((await setAlias(2)).errors).toBeUndefined();
    const v2 = await until('follower', 'READY on version 2 alone', (d) => d.versionNumber === 2 && d.status === 'READY' && d.replicas.length === 1 && d.replicas[0].versionNumber === 2);
    expect(v2.alias).toBe('prod');
    await waitFor('the version-1 replica canceled', async () => (await jobStatus(v1.replicas[0].id)) === 'canceled');
    await remove('follower');
    await closeAll();
  }, 60_000);
});
