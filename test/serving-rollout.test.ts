/**
 * Progressive rollouts on a real hub and real PostgreSQL: a classifier trained by SQL on a real
 * agent, its versions 2 and 3 the same weights under new numbers, served by a hand-driven agent
 * (test/support/raw-agent.ts) that answers every request of a version the test marks broken with
 * a failed prediction, and the others with outputs. A broken canary is rolled back automatically
 * within its analysis window while callers of the stable version see no error, and the rollback
 * reaches the owner's inbox and a webhook; a healthy canary advances its steps on its own (live
 * over deploymentChanged) and is promoted; bad rollouts are refused naming the field. Step
 * durations on a clock are covered without a hub in hub/src/serving/__tests__/rollout-analysis.test.ts;
 * here the steps last 0 s, so nothing waits for time to pass: each step waits for its analysis.
 */
import { createClient, type Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { spawnAgent } from './support/agent.js';
import { FAST_SCHEDULER, registerNode, waitFor, waitForJob } from './support/compute.js';
import { createDataset, upload } from './support/datasets.js';
import { startTestHub, type TestHub } from './support/hub.js';
import { connectRawAgent, type RawAgent } from './support/raw-agent.js';
import { apiKey, createDeployment, load, tfServingPredict, waitForDeployment, type HttpAnswer } from './support/serving.js';
import { csv, flowers } from './support/synthetic-data.js';
import { codeOf, signUp, type SignedUp } from './support/users.js';
import { startReceiver } from './support/webhook-receiver.js';

const ROLLOUT = `id status stableVersion canaryVersion currentStep canaryWeight reason endedAt steps { weight durationSeconds pause }
  analysis { windowSeconds minRequests maxErrorRateIncrease }
  lastAnalysis { verdict reasons from to stable { versionNumber requests errors errorRate p99Ms } canary { versionNumber requests errors errorRate p99Ms } }`;
const START = `mutation($o: String!, $n: String!, $input: StartRolloutInput!) { startRollout(owner: $o, name: $n, input: $input) { ${ROLLOUT} } }`;
const STATE = `query($o: String!, $n: String!) { deployment(owner: $o, name: $n) { versionNumber variants { versionNumber weight shadow } rollout { ${ROLLOUT} } } }`;

/** A hand-driven agent holding serve jobs: ready at once; answers outputs, or FAILED for a broken version. */
interface ServingAgent {
  raw: RawAgent;
  broken: Set<number>;
  close(): Promise<void>;
}

async function servingAgent(hub: TestHub, owner: SignedUp, name: string): Promise<ServingAgent> {
  const node = await registerNode(hub, owner.token, name);
  const raw = await connectRawAgent(hub, node.token, [], { slots: 8 });
  const broken = new Set<number>();
  const send = (frame: object) => raw.socket.readyState === raw.socket.OPEN && raw.socket.send(JSON.stringify(frame));
  const assigned = new Map<string, any>();
  const canceled = new Set<string>();
  let seen = 0;
  const act = () => {
    for (; seen < raw.received.length; seen++) {
      const m = raw.received[seen];
      if (m.type === 'job.assign' && m.kind === 'serve') {
        assigned.set(m.jobId, m);
        send({ type: 'replica.ready', jobId: m.jobId, attempt: m.attempt, warmupMs: 5 });
      } else if (m.type === 'job.assign' && m.kind === 'echo') {
        send({ type: 'job.succeeded', jobId: m.jobId, attempt: m.attempt, result: { steps: 1 } });
      } else if (m.type === 'job.cancel') {
        canceled.add(m.jobId);
      } else if (m.type === 'infer.request') {
        const job = assigned.get(m.jobId);
        if (!job || canceled.has(m.jobId)) {
          send({ type: 'infer.result', requestId: m.requestId, jobId: m.jobId, error: { code: 'UNAVAILABLE', message: 'not loaded' }, batchSize: 0, queueMs: 0, computeMs: 0 });
        } else if (broken.has(job.payload.versionNumber)) {
          send({ type: 'infer.result', requestId: m.requestId, jobId: m.jobId, error: { code: 'FAILED', message: 'the broken version fails' }, batchSize: m.records.length, queueMs: 0, computeMs: 1 });
        } else {
          const width = job.payload.labels.length;
          const outputs = m.records.map(() => Array.from({ length: width }, (_, i) => (i === 0 ? 0.8 : 0.2 / (width - 1))));
          send({ type: 'infer.result', requestId: m.requestId, jobId: m.jobId, outputs, batchSize: m.records.length, queueMs: 0, computeMs: 1 });
        }
      }
    }
  };
  // The agent answers as frames arrive (a message handler after raw-agent's own, which stores them).
  raw.socket.on('message', () => act());
  act();
  const beat = setInterval(() => {
    const serving = [...assigned.values()].filter((a) => !canceled.has(a.jobId));
    send({
      type: 'heartbeat',
      load: 0,
      running: serving.map((a) => ({ jobId: a.jobId, attempt: a.attempt })),
      replicas: serving.map((a) => ({ jobId: a.jobId, inFlight: 0, queued: 0, latencyMs: 2, requests: 0 })),
    });
  }, 1000);
  return {
    raw,
    broken,
    async close() {
      clearInterval(beat);
      if (raw.socket.readyState === raw.socket.OPEN) raw.socket.close();
      await raw.closed;
    },
  };
}

describe('progressive rollouts: canary steps, promotion and automatic rollback', () => {
  let hub: TestHub;
  let alice: SignedUp;
  let key: string;
  let agent: ServingAgent;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  const rows = flowers(40, 5, 0).map(({ petal, sepal, color }) => ({ petal, sepal, color }));
  const versionOf = (answer: HttpAnswer) => Number(answer.headers.get('x-model-version'));
  const state = async (name: string) => {
    const res = await hub.graphql(STATE, { o: alice.username, n: name }, alice.token);
    expect(res.errors).toBeUndefined();
    return res.data.deployment;
  };
  const predict = (name: string, i: number, headers: Record<string, string> = {}) => tfServingPredict(hub, key, alice.username, name, { instances: [rows[i % rows.length]] }, { headers });
  /** Sends requests in rounds of 8 until `done` holds (checked between rounds); every answer. */
  async function trafficUntil(name: string, what: string, done: (rollout: any) => boolean, extra?: (i: number) => Promise<void>): Promise<HttpAnswer[]> {
    const answers: HttpAnswer[] = [];
    let i = 0;
    let last: any;
    try {
      await waitFor(
        what,
        async () => {
          const round = await load(8, 4, (k) => predict(name, i + k));
          answers.push(...round.map((r) => r.answer));
          if (extra) await extra(i);
          i += 8;
          last = (await state(name)).rollout;
          return done(last);
        },
        90_000,
      );
    } catch (error) {
      // Say where the rollout stood and what callers got, not only that time ran out.
      const statuses = answers.reduce<Record<string, number>>((acc, a) => ({ ...acc, [a.status]: (acc[a.status] ?? 0) + 1 }), {});
      throw new Error(`${(error as Error).message}; the rollout: ${JSON.stringify(last)}; answers by status: ${JSON.stringify(statuses)}`);
    }
    return answers;
  }

  beforeAll(async () => {
    [hub, receiver] = await Promise.all([
      startTestHub({
        env: {
          ...FAST_SCHEDULER,
          AIMASS_ROLLOUT_TICK_MS: '200',
          AIMASS_SERVE_RECONCILE_MS: '300',
          AIMASS_SERVE_SPREAD_WAIT_SECONDS: '0',
          AIMASS_JOB_LEASE_SECONDS: '120',
          // The broken canary must keep taking its share until the analysis judges it.
          AIMASS_INFERENCE_EJECTION_FAILURES: '1000',
          AIMASS_WEBHOOK_ALLOW_PRIVATE: 'true',
        },
      }),
      startReceiver(),
    ]);
    alice = await signUp(hub);
    await createDataset(hub, alice.token, { name: 'flowers', visibility: 'PRIVATE' });
    expect((await upload(hub, alice.token, alice.username, 'flowers', csv(flowers(200, 1)))).status).toBe(201);
    const trainer = await registerNode(hub, alice.token, 'trainer');
    const trainerAgent = spawnAgent(['--hub', hub.url, '--token', trainer.token, '--name', 'trainer']);
    await trainerAgent.waitFor(/connected to hub/);
    const created = await hub.graphql(
      `mutation($q: String!) { runSql(query: $q) { rows } }`,
      { q: `CREATE MODEL ${alice.username}.iris OPTIONS (model_type = 'logistic_reg', input_label_cols = ['species'], epochs = 2) AS SELECT petal, sepal, color, species FROM ${alice.username}.flowers` },
      alice.token,
    );
    expect(created.errors).toBeUndefined();
    expect((await waitForJob(hub, alice.token, created.data.runSql.rows[0][0], (j) => j.status === 'SUCCEEDED' || j.status === 'FAILED', 120_000)).status).toBe('SUCCEEDED');
    await trainerAgent.stop();
    // Versions 2 and 3: the same trained weights under new numbers (what a retraining adds).
    for (const n of [2, 3]) {
      await hub.sql(
        `INSERT INTO model_versions (model_id, number, status, files, signature, metrics, lineage)
         SELECT model_id, $1, status, files, signature, metrics, lineage FROM model_versions v WHERE v.model_id = (SELECT id FROM models WHERE name = 'iris') AND v.number = 1`,
        [n],
      );
    }
    agent = await servingAgent(hub, alice, 'server');
    key = await apiKey(hub, alice, ['INFERENCE']);
  }, 180_000);
  afterAll(async () => {
    await agent?.close();
    await receiver?.close();
    await hub?.close();
  });

  it('refuses a rollout that cannot run, naming the field, and changes nothing', async () => {
    await createDeployment(hub, alice.token, { name: 'refusals', model: `${alice.username}/iris`, version: 1, minReplicas: 1 });
    const cases: [Record<string, unknown>, string][] = [
      [{}, 'version'],
      [{ version: 1 }, 'version'],
      [{ version: 9 }, 'version'],
      [{ version: 2, steps: [] }, 'steps'],
      [{ version: 2, steps: [{ weight: 50, durationSeconds: 1 }, { weight: 20, durationSeconds: 1 }] }, 'steps[1].weight'],
      [{ version: 2, steps: [{ weight: 10 }] }, 'steps[0].durationSeconds'],
      [{ version: 2, analysis: { windowSeconds: 1 } }, 'analysis.windowSeconds'],
    ];
    for (const [input, field] of cases) {
      const res = await hub.graphql(START, { o: alice.username, n: 'refusals', input }, alice.token);
      expect(codeOf(res), JSON.stringify(input)).toBe('BAD_USER_INPUT');
      expect((res.errors?.[0]?.extensions?.fields ?? []).map((f) => f.field), JSON.stringify(input)).toContain(field);
    }
    const d = await state('refusals');
    expect(d.variants).toEqual([{ versionNumber: 1, weight: 100, shadow: false }]);
    expect(d.rollout).toBeNull();
    // Someone who may not change it: NOT_FOUND (they may not even see it).
    const mallory = await signUp(hub);
    expect(codeOf(await hub.graphql(START, { o: alice.username, n: 'refusals', input: { version: 2 } }, mallory.token))).toBe('NOT_FOUND');
    // One rollout at a time.
    const first = await hub.graphql(START, { o: alice.username, n: 'refusals', input: { version: 2, steps: [{ weight: 10, pause: true }] } }, alice.token);
    expect(first.errors).toBeUndefined();
    expect(codeOf(await hub.graphql(START, { o: alice.username, n: 'refusals', input: { version: 3 } }, alice.token))).toBe('CONFLICT');
    const aborted = await hub.graphql(`mutation($o: String!, $n: String!) { abortRollout(owner: $o, name: $n, reason: "not today") { status reason canaryWeight } }`, { o: alice.username, n: 'refusals' }, alice.token);
    expect(aborted.data.abortRollout).toEqual({ status: 'ABORTED', reason: 'aborted: not today', canaryWeight: 0 });
    expect((await state('refusals')).variants).toEqual([{ versionNumber: 1, weight: 100, shadow: false }]);
  });

  it('rolls a broken canary back within its analysis window; the stable version’s callers see no error; the rollback reaches the inbox and a webhook', async () => {
    await createDeployment(hub, alice.token, { name: 'bad-canary', model: `${alice.username}/iris`, version: 1, minReplicas: 1 });
    await waitForDeployment(hub, alice.token, alice.username, 'bad-canary');
    // Its creator follows it from creation: a webhook on that subscription receives its events.
    const followed = await hub.graphql(`query($o: String!, $n: String!) { subscriptionTo(kind: DEPLOYMENT, owner: $o, name: $n) { id } }`, { o: alice.username, n: 'bad-canary' }, alice.token);
    expect(followed.data.subscriptionTo?.id).toBeTruthy();
    const hooked = await hub.graphql(
      `mutation($id: ID!, $url: String!) { updateSubscription(id: $id, input: { webhookUrl: $url }) { webhookSecret } }`,
      { id: followed.data.subscriptionTo.id, url: receiver.url('/bad-canary') },
      alice.token,
    );
    expect(hooked.errors).toBeUndefined();
    agent.broken.add(2);

    const windowSeconds = 60;
    const started = await hub.graphql(
      START,
      { o: alice.username, n: 'bad-canary', input: { version: 2, steps: [{ weight: 30, durationSeconds: 600 }, { weight: 60, durationSeconds: 600 }], analysis: { windowSeconds, minRequests: 10, maxErrorRateIncrease: 0.05 } } },
      alice.token,
    );
    expect(started.errors).toBeUndefined();
    expect(started.data.startRollout).toMatchObject({ status: 'RUNNING', stableVersion: 1, canaryVersion: 2, currentStep: 0, canaryWeight: 30 });
    const startedAt = Date.now();
    expect((await state('bad-canary')).variants).toEqual([{ versionNumber: 1, weight: 70, shadow: false }, { versionNumber: 2, weight: 30, shadow: false }]);
    await waitForDeployment(hub, alice.token, alice.username, 'bad-canary', (d) => d.replicas.some((r: any) => r.versionNumber === 2 && r.state === 'READY'), 30_000);

    // Traffic until the rollout ends, with callers pinned to the stable version beside it.
    const pinned: HttpAnswer[] = [];
    const answers = await trafficUntil(
      'bad-canary',
      'the rollback',
      (rollout) => rollout.status === 'ROLLED_BACK',
      async (i) => {
        pinned.push(await predict('bad-canary', i, { 'X-AIMass-Variant': '1' }));
      },
    );
    const rolledBackAfter = Date.now() - startedAt;
    expect(rolledBackAfter).toBeLessThan(windowSeconds * 1000);
    // Every caller the stable version answered got an answer; only the canary's share failed.
    expect(pinned.every((a) => a.status === 200 && versionOf(a) === 1)).toBe(true);
    const failed = answers.filter((a) => a.status !== 200);
    expect(answers.filter((a) => a.status === 200).every((a) => versionOf(a) === 1)).toBe(true);
    expect(failed.length).toBeGreaterThanOrEqual(10);
    expect(failed.every((a) => a.status === 500 && /prediction failed on the replica/.test(JSON.stringify(a.body)))).toBe(true);

    const d = await state('bad-canary');
    expect(d.versionNumber).toBe(1);
    expect(d.variants).toEqual([{ versionNumber: 1, weight: 100, shadow: false }]);
    expect(d.rollout).toMatchObject({ status: 'ROLLED_BACK', currentStep: 0, canaryWeight: 0, lastAnalysis: { verdict: 'FAILING' } });
    expect(d.rollout.reason).toMatch(/version 2\) failed its analysis: error rate 100\.0 % against the stable version's 0\.0 %/);
    expect(d.rollout.lastAnalysis.canary.requests).toBeGreaterThanOrEqual(10);
    expect(d.rollout.lastAnalysis.canary.errors).toBe(d.rollout.lastAnalysis.canary.requests);
    expect(d.rollout.lastAnalysis.stable.errors).toBe(0);

    // After the rollback every request is answered by the stable version.
    const after = await load(40, 4, (i) => predict('bad-canary', i));
    expect(after.map((r) => [r.status, versionOf(r.answer)]).filter(([s, v]) => s !== 200 || v !== 1)).toEqual([]);

    // The owner's inbox and the webhook: one event each, kind and figures in the payload.
    const inbox = await waitFor('the inbox item', async () => {
      const res = await hub.graphql(`{ notifications(first: 50) { edges { node { kind message } } } }`, {}, alice.token);
      return res.data?.notifications.edges.map((e: any) => e.node).find((n: any) => n.kind === 'DEPLOYMENT_EVENT' && /rolled back/.test(n.message));
    });
    expect(inbox.message).toMatch(/Rollout of version 2 was rolled back/);
    const hook = await waitFor(
      'the webhook',
      async () => receiver.at('/bad-canary').map((r) => JSON.parse(r.body)).find((b) => b.deploymentEvent?.kind === 'ROLLOUT_ROLLED_BACK'),
      20_000,
    );
    expect(hook.notification.message).toMatch(/Rollout of version 2 was rolled back/);
    expect(hook.deploymentEvent.detail).toMatchObject({ canaryVersion: 2, stableVersion: 1, analysis: { verdict: 'FAILING' } });
    agent.broken.delete(2);
  }, 150_000);

  it('advances a healthy canary step by step on its own, live over deploymentChanged, and promotes it', async () => {
    await createDeployment(hub, alice.token, { name: 'good-canary', model: `${alice.username}/iris`, version: 1, minReplicas: 1 });
    await waitForDeployment(hub, alice.token, alice.username, 'good-canary');
    const client: Client = createClient({
      url: `${hub.url.replace('http', 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${alice.token}` },
      retryAttempts: 0,
    });
    const seen: any[] = [];
    const dispose = client.subscribe(
      { query: `subscription($o: String!, $n: String!) { deploymentChanged(owner: $o, name: $n) { rollout { status currentStep canaryWeight } } }`, variables: { o: alice.username, n: 'good-canary' } },
      { next: (v: any) => v.data?.deploymentChanged.rollout && seen.push(v.data.deploymentChanged.rollout), error: () => undefined, complete: () => undefined },
    );
    try {
      const started = await hub.graphql(
        START,
        {
          o: alice.username,
          n: 'good-canary',
          input: { version: 3, steps: [{ weight: 20, durationSeconds: 0 }, { weight: 50, durationSeconds: 0 }], analysis: { windowSeconds: 30, minRequests: 5 } },
        },
        alice.token,
      );
      expect(started.errors).toBeUndefined();
      await waitForDeployment(hub, alice.token, alice.username, 'good-canary', (d) => d.replicas.some((r: any) => r.versionNumber === 3 && r.state === 'READY'), 45_000);
      const answers = await trafficUntil('good-canary', 'the promotion', (rollout) => rollout.status === 'PROMOTED');
      expect(answers.filter((a) => a.status !== 200).map((a) => a.body)).toEqual([]);
      expect(answers.some((a) => versionOf(a) === 3)).toBe(true);

      const d = await state('good-canary');
      expect(d.versionNumber).toBe(3);
      expect(d.variants).toEqual([{ versionNumber: 3, weight: 100, shadow: false }]);
      expect(d.rollout).toMatchObject({ status: 'PROMOTED', currentStep: 1, canaryWeight: 100, reason: null, lastAnalysis: { verdict: 'HEALTHY' } });
      expect(d.rollout.lastAnalysis.canary.requests).toBeGreaterThanOrEqual(5);
      // Subscribers saw each step, then the promotion.
      await waitFor('the promotion, live', async () => seen.some((r) => r.status === 'PROMOTED'), 10_000);
      expect(seen.some((r) => r.status === 'RUNNING' && r.currentStep === 1 && r.canaryWeight === 50)).toBe(true);
      const timeline = await hub.graphql(
        `query($o: String!, $n: String!) { deployment(owner: $o, name: $n) { timeline(first: 20) { edges { node { kind message detail } } } } }`,
        { o: alice.username, n: 'good-canary' },
        alice.token,
      );
      expect(timeline.errors).toBeUndefined();
      const kinds = timeline.data.deployment.timeline.edges.map((e: any) => e.node.kind).filter((k: string) => k.startsWith('ROLLOUT_'));
      expect(kinds).toEqual(['ROLLOUT_PROMOTED', 'ROLLOUT_STEP', 'ROLLOUT_STARTED']);
      const after = await load(24, 4, (i) => predict('good-canary', i));
      expect(after.every((r) => r.status === 200 && versionOf(r.answer) === 3)).toBe(true);
    } finally {
      dispose();
      await client.dispose();
    }
  }, 150_000);
});
