/**
 * A deployment's timeline and its followers: creating a deployment records CREATED and makes its
 * creator a follower (inbox); changing what it serves records VERSION_CHANGED, delivered to the
 * follower's webhook with the event's kind and facts (an alias move too); settings alone record nothing. Those who may
 * not change it see no timeline and cannot follow it (NOT_FOUND when they cannot see it at all).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnAgent, type AgentProcess } from './support/agent.js';
import { FAST_SCHEDULER, registerNode, waitFor } from './support/compute.js';
import { startTestHub, type TestHub } from './support/hub.js';
import { createDeployment, trainIris } from './support/serving.js';
import { codeOf, signUp, type SignedUp } from './support/users.js';
import { startReceiver } from './support/webhook-receiver.js';

const TIMELINE = `query($o: String!, $n: String!, $kinds: [String!]) {
  deployment(owner: $o, name: $n) { timeline(first: 10, kinds: $kinds) { totalCount edges { node { kind message detail createdAt } } } }
}`;
const INBOX = `{ notifications(first: 20) { edges { node { kind message subject { kind owner name } } } } }`;
const SUBSCRIPTION_TO = `query($o: String!, $n: String!) { subscriptionTo(kind: DEPLOYMENT, owner: $o, name: $n) { id } }`;
const ADD_WEBHOOK = `mutation($id: ID!, $url: String!) { updateSubscription(id: $id, input: { webhookUrl: $url }) { webhookSecret } }`;
const SUBSCRIBE = `mutation($o: String!, $n: String!) { subscribe(input: { kind: DEPLOYMENT, owner: $o, name: $n }) { subscription { id } } }`;
const UPDATE = `mutation($o: String!, $n: String!, $input: UpdateDeploymentInput!) { updateDeployment(owner: $o, name: $n, input: $input) { versionNumber } }`;

describe('deployment events: timeline, inbox and webhooks', () => {
  let hub: TestHub;
  let alice: SignedUp;
  let bob: SignedUp;
  let agent: AgentProcess;
  const receiver = startReceiver();

  beforeAll(async () => {
    hub = await startTestHub({ env: { ...FAST_SCHEDULER, AIMASS_WEBHOOK_ALLOW_PRIVATE: 'true', AIMASS_WEBHOOK_RETRY_BASE_MS: '200' } });
    [alice, bob] = await Promise.all([signUp(hub), signUp(hub)]);
    const node = await registerNode(hub, alice.token, `events-${Date.now()}`);
    agent = spawnAgent(['--hub', hub.url, '--token', node.token, '--name', 'events-agent', '--slots', '2']);
    await trainIris(hub, alice, 'iris');
    await trainIris(hub, alice, 'iris', 'PRIVATE', true);
  }, 300_000);
  afterAll(async () => {
    await agent?.stop();
    await (await receiver).close();
    await hub?.close();
  });

  it('records creation and version changes, tells the creator’s inbox and webhook, and nothing for settings alone', async () => {
    const webhooks = await receiver;
    await createDeployment(hub, alice.token, { name: 'events', model: `${alice.username}/iris`, version: 1, minReplicas: 0, maxReplicas: 2 });
    const created = await hub.graphql(TIMELINE, { o: alice.username, n: 'events' }, alice.token);
    expect(created.errors).toBeUndefined();
    expect(created.data.deployment.timeline.edges.map((e: any) => e.node)).toEqual([
      expect.objectContaining({ kind: 'CREATED', message: `created by ${alice.username}, serving version 1`, detail: expect.objectContaining({ versionNumber: 1, by: alice.username }) }),
    ]);
    const inbox = (await hub.graphql(INBOX, {}, alice.token)).data.notifications.edges.map((e: any) => e.node);
    expect(inbox).toContainEqual({
      kind: 'DEPLOYMENT_EVENT',
      message: `Deployment ${alice.username}/events: created by ${alice.username}, serving version 1`,
      subject: { kind: 'DEPLOYMENT', owner: alice.username, name: 'events' },
    });

    // The creator follows it: a webhook on that subscription receives the next event.
    const followed = await hub.graphql(SUBSCRIPTION_TO, { o: alice.username, n: 'events' }, alice.token);
    expect(followed.data.subscriptionTo?.id).toBeTruthy();
    const hooked = await hub.graphql(ADD_WEBHOOK, { id: followed.data.subscriptionTo.id, url: webhooks.url('/alice') }, alice.token);
    expect(hooked.errors).toBeUndefined();

    const settingsOnly = await hub.graphql(UPDATE, { o: alice.username, n: 'events', input: { maxReplicas: 3 } }, alice.token);
    expect(settingsOnly.errors).toBeUndefined();
    const moved = await hub.graphql(UPDATE, { o: alice.username, n: 'events', input: { version: 2 } }, alice.token);
    expect(moved.data?.updateDeployment.versionNumber).toBe(2);

    await waitFor('the version change delivered to the webhook', async () => webhooks.at('/alice').length > 0, 30_000);
    const body = JSON.parse(webhooks.at('/alice')[0]!.body);
    expect(body.notification).toMatchObject({
      kind: 'DEPLOYMENT_EVENT',
      message: `Deployment ${alice.username}/events: ${alice.username} changed what it serves from version 1 to version 2`,
      subject: { kind: 'DEPLOYMENT', owner: alice.username, name: 'events' },
    });
    expect(body.deploymentEvent).toEqual({ kind: 'VERSION_CHANGED', detail: expect.objectContaining({ versionNumber: 2, by: alice.username }) });

    const timeline = (await hub.graphql(TIMELINE, { o: alice.username, n: 'events' }, alice.token)).data.deployment.timeline;
    expect(timeline.edges.map((e: any) => e.node.kind)).toEqual(['VERSION_CHANGED', 'CREATED']);
    const onlyChanges = (await hub.graphql(TIMELINE, { o: alice.username, n: 'events', kinds: ['VERSION_CHANGED'] }, alice.token)).data.deployment.timeline;
    expect(onlyChanges.totalCount).toBe(1);
    // Only the one event reached the webhook (the settings change made none).
    expect(webhooks.at('/alice')).toHaveLength(1);
  });

  it('records an alias move as a version change', async () => {
    const alias = (v: number) => hub.graphql(`mutation($o: String!, $v: Int!) { setModelAlias(owner: $o, name: "iris", alias: "events", number: $v) { number } }`, { o: alice.username, v }, alice.token);
    expect((await alias(1)).errors).toBeUndefined();
    await createDeployment(hub, alice.token, { name: 'follows', model: `${alice.username}/iris`, alias: 'events', minReplicas: 0 });
    expect((await alias(2)).errors).toBeUndefined();
    const moved = await waitFor('the alias move in the timeline', async () => {
      const edges = (await hub.graphql(TIMELINE, { o: alice.username, n: 'follows', kinds: ['VERSION_CHANGED'] }, alice.token)).data.deployment.timeline.edges;
      return edges.length > 0 && edges[0].node;
    }, 30_000);
    expect(moved).toMatchObject({ message: 'alias events moved: it serves version 2 (was 1)', detail: { alias: 'events', versionNumber: 2, previousVersionNumber: 1 } });
  });

  it('shows no timeline to those who may not change it, and lets no one else follow it', async () => {
    await createDeployment(hub, alice.token, { name: 'hidden', model: `${alice.username}/iris`, version: 1, minReplicas: 0 });
    expect(codeOf(await hub.graphql(TIMELINE, { o: alice.username, n: 'hidden' }, bob.token))).toBe('NOT_FOUND');
    expect(codeOf(await hub.graphql(SUBSCRIBE, { o: alice.username, n: 'hidden' }, bob.token))).toBe('NOT_FOUND');

    const opened = await hub.graphql(UPDATE, { o: alice.username, n: 'hidden', input: { visibility: 'PUBLIC' } }, alice.token);
    expect(opened.errors).toBeUndefined();
    const seen = await hub.graphql(TIMELINE, { o: alice.username, n: 'hidden' }, bob.token);
    expect(seen.errors).toBeUndefined();
    expect(seen.data.deployment.timeline).toBeNull();
    expect(codeOf(await hub.graphql(SUBSCRIBE, { o: alice.username, n: 'hidden' }, bob.token))).toBe('FORBIDDEN');
    const bobsInbox = (await hub.graphql(INBOX, {}, bob.token)).data.notifications.edges;
    expect(bobsInbox.filter((e: any) => e.node.kind === 'DEPLOYMENT_EVENT')).toEqual([]);
  });
});
