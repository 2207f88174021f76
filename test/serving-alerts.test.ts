/**
 * Deployment alerts on a real hub, real PostgreSQL and a real agent serving a classifier trained by
 * SQL, the evaluator on a one-second timer over a one-second finest metrics tier: rules are made,
 * changed and deleted by those with write access only, bad ones refused naming the field; an error
 * burst opens an incident on an error-rate threshold whose action scales the deployment up, and it
 * resolves once the requests succeed again; a flood from one API key opens a traffic anomaly
 * against the deployment's own baseline, throttles that key (and only it), and resolves once the
 * flood is over. Each opening and resolution reaches the deployment's followers by webhook.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnAgent, type AgentProcess } from './support/agent.js';
import { FAST_SCHEDULER, registerNode, waitFor } from './support/compute.js';
import { startTestHub, type TestHub } from './support/hub.js';
import { apiKey, createDeployment, load, tfServingPredict, trainIris, waitForDeployment } from './support/serving.js';
import { codeOf, signUp, type SignedUp } from './support/users.js';
import { startReceiver } from './support/webhook-receiver.js';

const RULE = `id name metric condition threshold sensitivity windowSeconds baselineMinutes minRequests action enabled`;
const INCIDENT = `id ruleId openedAt resolvedAt action rule { name metric }
  opened { value requests threshold band { median low high samples } windowStart windowEnd }
  resolved { value requests }`;
const CREATE_RULE = `mutation($input: CreateAlertRuleInput!) { createAlertRule(input: $input) { ${RULE} } }`;
const SUBSCRIPTION_TO = `query($o: String!, $n: String!) { subscriptionTo(kind: DEPLOYMENT, owner: $o, name: $n) { id } }`;
const ADD_WEBHOOK = `mutation($id: ID!, $url: String!) { updateSubscription(id: $id, input: { webhookUrl: $url }) { webhookSecret } }`;
const TIMELINE = `query($o: String!, $n: String!) { deployment(owner: $o, name: $n) { timeline(first: 20, kinds: ["INCIDENT_OPENED", "INCIDENT_RESOLVED", "ALERT_ACTION"]) { edges { node { kind message detail } } } } }`;
const INCIDENTS = `query($o: String!, $n: String!) { deployment(owner: $o, name: $n) { minReplicas alertRules { ${RULE} } incidents(first: 20) { ${INCIDENT} } } }`;

describe('Deployment alerts: rules, incidents and actions', () => {
  let hub: TestHub;
  let alice: SignedUp;
  let bob: SignedUp;
  let agent: AgentProcess;
  let key: string;
  const receiver = startReceiver();
  const good = { instances: [{ petal: 1.4, sepal: 5.1, color: 'red' }] };
  const bad = { instances: [{ petal: 'not a number', sepal: 1, color: 'red' }] };

  beforeAll(async () => {
    hub = await startTestHub({
      env: { ...FAST_SCHEDULER, AIMASS_WEBHOOK_ALLOW_PRIVATE: 'true', AIMASS_WEBHOOK_RETRY_BASE_MS: '200', AIMASS_METRICS_TIERS: '1s:1d,1m:30d,1h:365d', AIMASS_ALERTS_EVALUATE_SECONDS: '1', AIMASS_SERVE_RECONCILE_MS: '1000', AIMASS_SERVE_SPREAD_WAIT_SECONDS: '0' },
    });
    alice = await signUp(hub);
    bob = await signUp(hub);
    const node = await registerNode(hub, alice.token, 'a1');
    agent = spawnAgent(['--hub', hub.url, '--token', node.token, '--name', 'a1', '--slots', '4']);
    await agent.waitFor(/connected to hub/);
    await trainIris(hub, alice, 'iris');
    key = await apiKey(hub, alice, ['INFERENCE']);
    for (const name of ['errors', 'flood']) {
      await createDeployment(hub, alice.token, { name, model: `${alice.username}/iris`, minReplicas: 1, maxReplicas: 2, visibility: name === 'flood' ? 'PUBLIC' : 'PRIVATE' });
    }
    for (const name of ['errors', 'flood']) await waitForDeployment(hub, alice.token, alice.username, name, (d) => d.replicas.some((r: any) => r.state === 'READY'));
    // alice follows her deployments from their creation; her subscriptions get a webhook each.
    const webhooks = await receiver;
    for (const name of ['errors', 'flood']) {
      const followed = await hub.graphql(SUBSCRIPTION_TO, { o: alice.username, n: name }, alice.token);
      expect((await hub.graphql(ADD_WEBHOOK, { id: followed.data.subscriptionTo.id, url: webhooks.url(`/${name}`) }, alice.token)).errors).toBeUndefined();
    }
  }, 300_000);
  afterAll(async () => {
    await agent?.stop();
    await hub?.close();
    await (await receiver).close();
  });

  /** The deployment events of `kind` delivered to the webhook at `path`: the payload's deploymentEvent and notification. */
  const delivered = async (path: string, kind: string) =>
    (await receiver)
      .at(path)
      .map((r) => JSON.parse(r.body))
      .filter((b) => b.deploymentEvent?.kind === kind);
  const hook = (path: string, kind: string, incidentId: string) =>
    waitFor(`${kind} at ${path}`, async () => (await delivered(path, kind)).find((b) => b.deploymentEvent.detail.incidentId === incidentId), 30_000);

  const read = async (name: string) => {
    const res = await hub.graphql(INCIDENTS, { o: alice.username, n: name }, alice.token);
    expect(res.errors).toBeUndefined();
    return res.data.deployment;
  };
  const incidentOf = (name: string, done: (i: any) => boolean, timeoutMs = 60_000) =>
    waitFor(`an incident of ${name}`, async () => (await read(name)).incidents.find(done), timeoutMs);

  it('makes, changes and deletes rules for those with write access only, and refuses bad ones naming the field', async () => {
    const input = { owner: alice.username, deployment: 'flood', name: 'slow', metric: 'P99_LATENCY_MS', condition: 'ABOVE', threshold: 500, windowSeconds: 60 };
    // bob sees the public deployment but may not change it; its rules are not his to read.
    expect(codeOf(await hub.graphql(CREATE_RULE, { input }, bob.token))).toBe('FORBIDDEN');
    expect(codeOf(await hub.graphql(CREATE_RULE, { input: { ...input, deployment: 'errors' } }, bob.token))).toBe('NOT_FOUND');
    const bobView = await hub.graphql(`query($o: String!) { deployment(owner: $o, name: "flood") { alertRules { id } incidents { id } } }`, { o: alice.username }, bob.token);
    expect(bobView.data.deployment).toEqual({ alertRules: null, incidents: null });

    const cases: [Record<string, unknown>, string][] = [
      [{ condition: 'ABOVE', threshold: null }, 'threshold'],
      [{ metric: 'ERROR_RATE', threshold: 5 }, 'threshold'],
      [{ windowSeconds: 0 }, 'windowSeconds'],
      [{ windowSeconds: 7200 }, 'windowSeconds'],
      [{ condition: 'ANOMALY', windowSeconds: 60, baselineMinutes: 2 }, 'baselineMinutes'],
      [{ condition: 'ANOMALY', sensitivity: 0.5 }, 'sensitivity'],
      [{ name: '' }, 'name'],
      [{ minRequests: 0 }, 'minRequests'],
    ];
    for (const [change, field] of cases) {
      const res = await hub.graphql(CREATE_RULE, { input: { ...input, ...change } }, alice.token);
      expect(codeOf(res), JSON.stringify(change)).toBe('BAD_USER_INPUT');
      expect(res.errors![0].extensions!.fields!.map((f) => f.field), JSON.stringify(change)).toContain(field);
    }
    const made = await hub.graphql(CREATE_RULE, { input }, alice.token);
    expect(made.errors).toBeUndefined();
    const rule = made.data.createAlertRule;
    expect(rule).toMatchObject({ name: 'slow', metric: 'P99_LATENCY_MS', condition: 'ABOVE', threshold: 500, windowSeconds: 60, action: 'NONE', enabled: true });
    expect(codeOf(await hub.graphql(CREATE_RULE, { input }, alice.token))).toBe('CONFLICT');

    const UPDATE = `mutation($id: ID!, $input: UpdateAlertRuleInput!) { updateAlertRule(id: $id, input: $input) { ${RULE} } }`;
    expect(codeOf(await hub.graphql(UPDATE, { id: rule.id, input: { threshold: 250 } }, bob.token))).toBe('FORBIDDEN');
    const changed = await hub.graphql(UPDATE, { id: rule.id, input: { threshold: 250, enabled: false } }, alice.token);
    expect(changed.data.updateAlertRule).toMatchObject({ threshold: 250, enabled: false });
    expect((await read('flood')).alertRules.map((r: any) => r.name)).toEqual(['slow']);

    const DELETE = `mutation($id: ID!) { deleteAlertRule(id: $id) }`;
    expect(codeOf(await hub.graphql(DELETE, { id: rule.id }, bob.token))).toBe('FORBIDDEN');
    expect(codeOf(await hub.graphql(DELETE, { id: '00000000-0000-0000-0000-000000000000' }, alice.token))).toBe('NOT_FOUND');
    expect((await hub.graphql(DELETE, { id: rule.id }, alice.token)).data.deleteAlertRule).toBe(true);
    expect((await read('flood')).alertRules).toEqual([]);
  });

  it('an error burst opens an incident that scales the deployment up, and it resolves once requests succeed again', async () => {
    const made = await hub.graphql(
      CREATE_RULE,
      { input: { owner: alice.username, deployment: 'errors', name: 'error rate', metric: 'ERROR_RATE', condition: 'ABOVE', threshold: 0.05, windowSeconds: 2, minRequests: 5, action: 'SCALE_UP' } },
      alice.token,
    );
    expect(made.errors).toBeUndefined();
    const send = (body: unknown) => tfServingPredict(hub, key, alice.username, 'errors', body);
    // The burst: refused records are metered errors (BAD_USER_INPUT); sent until the incident opens.
    const opened = await waitFor('the error-rate incident', async () => {
      const answers = await load(20, 4, () => send(bad));
      expect(answers.every((a) => a.status === 400)).toBe(true);
      return (await read('errors')).incidents.find((i: any) => i.rule.name === 'error rate');
    }, 60_000);
    expect(opened.opened.value).toBeGreaterThan(0.05);
    expect(opened.opened.threshold).toBe(0.05);
    expect(opened.opened.requests).toBeGreaterThanOrEqual(5);
    // Its action: minReplicas 1 → 2, and the reconciler places the second replica.
    const scaled = await incidentOf('errors', (i) => i.id === opened.id && i.action !== null);
    expect(scaled.action).toMatchObject({ action: 'scale_up', applied: true, minReplicas: 2 });
    const d = await waitForDeployment(hub, alice.token, alice.username, 'errors', (x) => x.minReplicas === 2 && x.replicas.filter((r: any) => r.state === 'READY').length === 2);
    expect(d.minReplicas).toBe(2);
    // Recovery: good requests until the window holds no error.
    const resolved = await waitFor('the incident resolved', async () => {
      const answers = await load(10, 2, () => send(good));
      expect(answers.every((a) => a.status === 200)).toBe(true);
      return (await read('errors')).incidents.find((i: any) => i.id === opened.id && i.resolvedAt !== null);
    }, 60_000);
    expect(new Date(resolved.resolvedAt).getTime()).toBeGreaterThan(new Date(resolved.openedAt).getTime());
    expect(resolved.resolved.value ?? 0).toBeLessThanOrEqual(0.05);

    // Each opening, action and resolution reached the webhook, and the deployment's timeline.
    const openedHook = await hook('/errors', 'INCIDENT_OPENED', opened.id);
    expect(openedHook.notification).toMatchObject({ kind: 'DEPLOYMENT_EVENT', subject: { kind: 'DEPLOYMENT', owner: alice.username, name: 'errors' } });
    expect(openedHook.notification.message).toMatch(/Alert error rate: error rate \d+\.\d % over 2 s \(above 5\.0 % alerts\)/);
    expect(openedHook.deploymentEvent.detail).toMatchObject({ rule: 'error rate', metric: 'error_rate', measured: { threshold: 0.05 } });
    expect((await hook('/errors', 'ALERT_ACTION', opened.id)).deploymentEvent.detail).toMatchObject({ action: 'scale_up', applied: true, minReplicas: 2 });
    expect((await hook('/errors', 'INCIDENT_RESOLVED', opened.id)).notification.message).toMatch(/Alert error rate resolved/);
    const timeline = (await hub.graphql(TIMELINE, { o: alice.username, n: 'errors' }, alice.token)).data.deployment.timeline.edges.map((e: any) => e.node.kind);
    expect(timeline).toEqual(['INCIDENT_RESOLVED', 'ALERT_ACTION', 'INCIDENT_OPENED']);
  });

  it('a flood from one API key is a traffic anomaly against the baseline: that key is throttled, others are not, and it resolves once the flood is over', async () => {
    // The deployment's history: four minutes at 2–3 requests a second, one point a second, added to
    // the points the hub's gauge sampler already wrote for the same seconds.
    const [{ id, version_number }] = await hub.sql(`SELECT id, version_number FROM deployments WHERE name = 'flood'`);
    await hub.sql(`UPDATE deployments SET created_at = now() - interval '5 minutes' WHERE id = $1`, [id]);
    await hub.sql(
      `INSERT INTO serving_metrics (resolution, bucket, deployment_id, version, replica, requests)
       SELECT 1, to_timestamp(floor(extract(epoch FROM now())) - s), $1, $2, '', 2 + s % 2 FROM generate_series(4, 240) AS s
       ON CONFLICT (deployment_id, resolution, bucket, version, replica) DO UPDATE SET requests = serving_metrics.requests + EXCLUDED.requests`,
      [id, version_number],
    );
    const made = await hub.graphql(
      CREATE_RULE,
      { input: { owner: alice.username, deployment: 'flood', name: 'traffic', metric: 'REQUESTS_PER_SECOND', condition: 'ANOMALY', windowSeconds: 2, baselineMinutes: 2, action: 'THROTTLE_KEY' } },
      alice.token,
    );
    expect(made.errors).toBeUndefined();
    const flooder = await apiKey(hub, alice, ['INFERENCE']);
    const other = await apiKey(hub, alice, ['INFERENCE']);
    const send = (k: string) => tfServingPredict(hub, k, alice.username, 'flood', good);

    const opened = await waitFor('the traffic incident', async () => {
      await load(60, 6, () => send(flooder));
      return (await read('flood')).incidents.find((i: any) => i.rule.name === 'traffic');
    }, 60_000);
    expect(opened.opened.band.median).toBeGreaterThanOrEqual(2);
    expect(opened.opened.band.median).toBeLessThanOrEqual(3);
    expect(opened.opened.value).toBeGreaterThan(opened.opened.band.high);
    const throttled = await incidentOf('flood', (i) => i.id === opened.id && i.action !== null);
    expect(throttled.action).toMatchObject({ action: 'throttle_key', applied: true });
    expect(throttled.action.requestsPerSecond).toBeGreaterThanOrEqual(2);
    // The flooding key is refused beyond its throttle on this deployment; another key is not.
    const refused = await waitFor('the flooding key refused', async () => {
      const answers = await load(10, 5, () => send(flooder));
      return answers.find((a) => a.status === 429);
    }, 30_000);
    expect(refused.answer.body).toBeTruthy();
    expect((await send(other)).status).toBe(200);
    // Quiet again: the window's traffic is back inside the band.
    const resolved = await incidentOf('flood', (i) => i.id === opened.id && i.resolvedAt !== null);
    expect(resolved.resolved.value).toBeLessThanOrEqual(opened.opened.band.high);
    expect((await hook('/flood', 'INCIDENT_OPENED', opened.id)).deploymentEvent.detail).toMatchObject({ metric: 'requests_per_second', condition: 'anomaly', measured: { band: { samples: expect.any(Number) } } });
    expect((await hook('/flood', 'ALERT_ACTION', opened.id)).deploymentEvent.detail).toMatchObject({ action: 'throttle_key', applied: true });
    await hook('/flood', 'INCIDENT_RESOLVED', opened.id);
  });
});
