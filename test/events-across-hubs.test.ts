/**
 * Every live event crosses hubs: two hub processes on one PostgreSQL database, as behind a load
 * balancer. A graphql-ws client connected to hub A hears what was caused through hub B: account
 * events, node status changes, model events, job updates (a large job crosses through the events
 * table) and training epochs. A subscription is open once it heard something: each test first
 * causes an event of its own (on A, or an epoch reported again) until it is heard, then what it
 * causes through B must arrive in order, each event once.
 */
import { createClient, type Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { buildModel, createModel, uploadFiles } from './catalog-support.js';
import { FAST_SCHEDULER, registerNode, submitJob, waitFor } from './support/compute.js';
import { createDataset, upload } from './support/datasets.js';
import { recentWarnings, startTestHub, type TestHub } from './support/hub.js';
import { connectRawAgent, type RawAgent } from './support/raw-agent.js';
import { csv, flowers } from './support/synthetic-data.js';
import { signUp, type SignedUp } from './support/users.js';

describe('Live events across hubs on one PostgreSQL database', () => {
  let a: TestHub;
  let b: TestHub;
  const clients: Client[] = [];
  const agents: RawAgent[] = [];

  beforeAll(async () => {
    a = await startTestHub({ env: FAST_SCHEDULER });
    b = await a.peer();
  });
  afterAll(async () => {
    for (const agent of agents) agent.socket.close();
    await Promise.all(clients.map((c) => c.dispose()));
    await b?.close();
    await a?.close();
  });

  /** A subscription on `hub` whose events are kept; `until(p)` waits for the events to satisfy p. */
  function subscribe(hub: TestHub, token: string, query: string, variables: Record<string, unknown> = {}) {
    const c = createClient({
      url: `${hub.url.replace('http', 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${token}` },
      retryAttempts: 0,
    });
    clients.push(c);
    const events: any[] = [];
    let failure: unknown;
    c.subscribe(
      { query, variables },
      { next: (value) => (value.errors ? (failure = value.errors) : events.push(value.data)), error: (e) => (failure = described(e)), complete: () => undefined },
    );
    const until = (what: string, done: (events: any[]) => boolean, timeoutMs = 15_000) =>
      waitFor(what, async () => {
        if (failure) throw new Error(`the subscription failed: ${JSON.stringify(failure)}; the hubs' warnings: ${recentWarnings({ a, b })}`);
        return done(events) && events;
      }, timeoutMs);
    return { events, until };
  }

  /** What graphql-ws gave the error sink: an Error, or the socket's CloseEvent (its fields are getters JSON leaves out). */
  function described(e: unknown): unknown {
    if (e instanceof Error) return e.message;
    const { code, reason, type } = (e ?? {}) as { code?: number; reason?: string; type?: string };
    return { type, code, reason };
  }

  /** Causes an event (one at a time) until `heard` holds: the subscription is open from then on. */
  async function untilHeard(live: ReturnType<typeof subscribe>, what: string, cause: () => Promise<unknown>, heard: (events: any[]) => boolean) {
    let causing: Promise<unknown> | undefined;
    await live.until(what, (events) => {
      if (heard(events)) return true;
      causing ??= cause().finally(() => (causing = undefined));
      return false;
    });
    await causing;
  }

  const gql = async (hub: TestHub, token: string, query: string, variables: object = {}) => {
    const res = await hub.graphql(query, variables, token);
    expect(res.errors).toBeUndefined();
    return res.data;
  };

  it('account events caused through hub B reach a client of hub A', async () => {
    const alice = await signUp(a);
    const live = subscribe(a, alice.token, `subscription { accountEvents { kind message at } }`);
    const onB = (events: any[]) => events.map((e) => e.accountEvents).filter((e) => e.message.includes('made-on-b'));
    await untilHeard(live, 'an event caused on A', () => gql(a, alice.token, `mutation { createApiKey(input: { name: "made-on-a", scopes: [INFERENCE] }) { apiKey { id } } }`), (e) => e.length > 0);
    await gql(b, alice.token, `mutation { createApiKey(input: { name: "made-on-b", scopes: [INFERENCE] }) { apiKey { id } } }`);
    await gql(b, alice.token, `mutation { createApiKey(input: { name: "made-on-b too", scopes: [INFERENCE] }) { apiKey { id } } }`);
    const events = onB(await live.until('the events caused on B', (e) => onB(e).length >= 2));
    expect(events.map((e) => [e.kind, e.message])).toEqual([
      ['API_KEY_CREATED', 'API key "made-on-b" created'],
      ['API_KEY_CREATED', 'API key "made-on-b too" created'],
    ]);
    expect(Number.isNaN(Date.parse(events[1].at))).toBe(false); // a Date on B is a Date on A
  });

  it('node status changes made through hub B, and its agent connecting there, reach a client of hub A', async () => {
    const alice = await signUp(a);
    const node = await registerNode(b, alice.token, 'crossing-rig');
    const probe = await registerNode(a, alice.token, 'probe-rig');
    const live = subscribe(a, alice.token, `subscription { nodeChanged(mine: true) { id status connectedAt } }`);
    const mine = (events: any[]) => events.map((e) => e.nodeChanged).filter((n) => n.id === node.nodeId);
    await untilHeard(live, 'the probe node, disabled on A', () => gql(a, alice.token, `mutation($id: ID!) { disableNode(id: $id) { id } }`, { id: probe.nodeId }), (e) => e.length > 0);

    await gql(b, alice.token, `mutation($id: ID!) { disableNode(id: $id) { id } }`, { id: node.nodeId });
    await live.until('DISABLED, caused on B', (e) => mine(e).length >= 1);
    await gql(b, alice.token, `mutation($id: ID!) { enableNode(id: $id) { id } }`, { id: node.nodeId });
    await live.until('OFFLINE, caused on B', (e) => mine(e).length >= 2);
    agents.push(await connectRawAgent(b, node.token, ['crossing']));
    await live.until('ONLINE: its agent connected to B', (e) => mine(e).length >= 3);
    await gql(b, alice.token, `mutation($id: ID!) { drainNode(id: $id) { id } }`, { id: node.nodeId });
    const seen = mine(await live.until('DRAINING, caused on B', (e) => mine(e).some((n) => n.status === 'DRAINING')));
    expect(seen.map((n) => n.status).slice(0, 4)).toEqual(['DISABLED', 'OFFLINE', 'ONLINE', 'DRAINING']);
    expect(Number.isNaN(Date.parse(seen[2].connectedAt))).toBe(false);
  });

  it('model events of versions published, deprecated and unpublished through hub B reach a client of hub A', async () => {
    const owner = await signUp(a);
    await createModel(b, owner.token, { name: 'crossing', visibility: 'PUBLIC', license: 'MIT' });
    const { files } = await buildModel();
    for (const number of [1, 2]) {
      expect((await uploadFiles(b, owner.token, owner.username, 'crossing', files)).status).toBe(201);
      await gql(b, owner.token, `mutation($o: String!, $n: String!, $v: Int!) { setModelCard(owner: $o, name: $n, number: $v, card: "# Crossing") { number } }`, { o: owner.username, n: 'crossing', v: number });
    }
    const live = subscribe(a, owner.token, `subscription($o: String!, $n: String!) { modelEvents(owner: $o, name: $n) { kind version message } }`, { o: owner.username, n: 'crossing' });
    const versionOne = (events: any[]) => events.map((e) => e.modelEvents).filter((e) => e.version === 1);

    // Version 2 goes back and forth on A until A hears it.
    let draft = true;
    const toggle = async () => {
      const mutation = draft ? 'publishModelVersion' : 'unpublishModelVersion';
      await gql(a, owner.token, `mutation($o: String!, $n: String!, $v: Int!) { ${mutation}(owner: $o, name: $n, number: $v) { status } }`, { o: owner.username, n: 'crossing', v: 2 });
      draft = !draft;
    };
    await untilHeard(live, 'version 2 published or unpublished on A', toggle, (e) => e.length > 0);

    const v = { o: owner.username, n: 'crossing', v: 1 };
    await gql(b, owner.token, `mutation($o: String!, $n: String!, $v: Int!) { publishModelVersion(owner: $o, name: $n, number: $v) { status } }`, v);
    await gql(b, owner.token, `mutation($o: String!, $n: String!, $v: Int!) { deprecateModelVersion(owner: $o, name: $n, number: $v, message: "Use version 2") { status } }`, v);
    await gql(b, owner.token, `mutation($o: String!, $n: String!, $v: Int!) { unpublishModelVersion(owner: $o, name: $n, number: $v) { status } }`, v);
    const events = versionOne(await live.until('three events caused on B', (e) => versionOne(e).length >= 3));
    expect(events).toEqual([
      { kind: 'VERSION_PUBLISHED', version: 1, message: `Version 1 of ${owner.username}/crossing was published` },
      { kind: 'VERSION_DEPRECATED', version: 1, message: 'Use version 2' },
      { kind: 'VERSION_UNPUBLISHED', version: 1, message: `Version 1 of ${owner.username}/crossing was unpublished` },
    ]);
  });

  it('updates of a job too large for a NOTIFY payload cross through the events table', async () => {
    const alice = await signUp(a);
    const node = await registerNode(b, alice.token, 'spill-rig');
    const job = await submitJob(b, alice.token, { kind: 'echo', payload: { value: 'x'.repeat(20_000) }, requirements: { labels: ['spill'] } });
    const live = subscribe(a, alice.token, `subscription($id: ID!) { jobUpdated(id: $id) { status progress progressMessage result } }`, { id: job.id });
    const spilledBefore = Number((await a.sql(`SELECT count(*) AS n FROM aimass_private.hub_events`))[0].n);

    const agent = await connectRawAgent(b, node.token, ['spill']);
    agents.push(agent);
    const assign = await waitFor('assign', async () => agent.received.find((m) => m.type === 'job.assign' && m.jobId === job.id));
    agent.socket.send(JSON.stringify({ type: 'job.started', jobId: job.id, attempt: assign.attempt }));
    // Progress until A hears it: the subscription is open from then on.
    let step = 0;
    const progress = async () => {
      step += 1;
      agent.socket.send(JSON.stringify({ type: 'job.progress', jobId: job.id, attempt: assign.attempt, progress: 0.5, message: `step ${step}` }));
    };
    await untilHeard(live, 'progress reported to B', progress, (e) => e.some((u) => u.jobUpdated.progressMessage?.startsWith('step')));
    agent.socket.send(JSON.stringify({ type: 'job.succeeded', jobId: job.id, attempt: assign.attempt, result: { value: 'y'.repeat(10_000), steps: 1 } }));
    const events = await live.until('SUCCEEDED, reported to B', (e) => e.some((u) => u.jobUpdated.status === 'SUCCEEDED'));
    const done = events.find((u) => u.jobUpdated.status === 'SUCCEEDED').jobUpdated;
    expect(done.result).toEqual({ value: 'y'.repeat(10_000), steps: 1 });
    expect(events.filter((u) => u.jobUpdated.status === 'SUCCEEDED')).toHaveLength(1);
    expect(Number((await a.sql(`SELECT count(*) AS n FROM aimass_private.hub_events`))[0].n)).toBeGreaterThan(spilledBefore);
  });

  it('training epochs reported to hub B, by an agent connected there, reach a client of hub A', async () => {
    const alice: SignedUp = await signUp(a);
    await createDataset(b, alice.token, { name: 'flowers', visibility: 'PRIVATE' });
    expect((await upload(b, alice.token, alice.username, 'flowers', csv(flowers(200, 3)))).status).toBe(201);
    const node = await registerNode(b, alice.token, 'trainer');
    const agent = await connectRawAgent(b, node.token);
    agents.push(agent);
    const created = await gql(b, alice.token, `mutation($q: String!) { runSql(query: $q) { rows } }`, {
      q: `CREATE MODEL ${alice.username}.crossing OPTIONS (model_type = 'logistic_reg', input_label_cols = ['species'], epochs = 3)
          AS SELECT petal, color, species FROM ${alice.username}.flowers`,
    });
    const jobId: string = created.runSql.rows[0][0];
    const assign = await waitFor('assign', async () => agent.received.find((m) => m.type === 'job.assign' && m.jobId === jobId));
    const live = subscribe(a, alice.token, `subscription($id: ID!) { trainingEpochAdded(jobId: $id) { epoch attempt loss evalLoss metrics createdAt } }`, { id: jobId });
    const report = (epoch: number, loss: number) =>
      fetch(`${b.url}/api/jobs/${jobId}/epochs`, {
        method: 'POST',
        headers: { authorization: `Bearer ${assign.jobToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ epochs: [{ epoch, loss, evalLoss: null, learningRate: 0.01, durationMs: 5, metrics: { accuracy: epoch / 4 } }] }),
      }).then((res) => expect(res.status).toBe(200));

    // Epoch 1 until A hears it (a repeated report replaces its row and is told again).
    await untilHeard(live, 'epoch 1, reported to B', () => report(1, 0.9), (e) => e.length > 0);
    await report(2, 0.6);
    await report(3, 0.4);
    const events = await live.until('epochs 2 and 3, reported to B', (e) => e.some((x) => x.trainingEpochAdded.epoch === 3));
    const after = events.map((x) => x.trainingEpochAdded).filter((x) => x.epoch !== 1);
    expect(after.map((x) => [x.epoch, x.attempt, x.loss, x.evalLoss, x.metrics])).toEqual([
      [2, assign.attempt, 0.6, null, { accuracy: 0.5 }],
      [3, assign.attempt, 0.4, null, { accuracy: 0.75 }],
    ]);
    expect(Number.isNaN(Date.parse(after[1].createdAt))).toBe(false);
  });

  it('goes on when its listening connection is lost: changes still succeed, and events cross again once it is back', async () => {
    const alice = await signUp(a);
    const live = subscribe(a, alice.token, `subscription { accountEvents { kind message } }`);
    await untilHeard(live, 'an event caused on A', () => gql(a, alice.token, `mutation { createApiKey(input: { name: "before", scopes: [INFERENCE] }) { apiKey { id } } }`), (e) => e.length > 0);

    const cut = await a.sql(`SELECT pg_terminate_backend(pid) AS cut FROM pg_stat_activity WHERE application_name = 'aimass-hub-channel' AND datname = current_database()`);
    expect(cut).toHaveLength(2); // one per hub
    let n = 0;
    // Each key is made through B whether or not its channel is back; A hears one once both are.
    await untilHeard(live, 'an event caused on B after the reconnect', () => gql(b, alice.token, `mutation($n: String!) { createApiKey(input: { name: $n, scopes: [INFERENCE] }) { apiKey { id } } }`, { n: `after ${++n}` }), (e) =>
      e.some((x) => x.accountEvents.message.includes('"after')),
    );
    for (const hub of [a, b]) expect(hub.logs.some((line) => line.includes('the hub channel lost its database connection'))).toBe(true);
  });
});
