/**
 * Notifications on more than one hub's setup: a hub with default settings refuses private webhook
 * addresses; two hubs on one PostgreSQL reach live subscribers on either and send each webhook
 * once (test/notifications.test.ts covers the rest of the subscription centre).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from './support/compute.js';
import { createDataset, upload } from './support/datasets.js';
import { startTestHub, type TestHub } from './support/hub.js';
import { listen, SUBSCRIBE, WEBHOOK_ENV } from './support/notifications.js';
import { codeOf, signUp, uniqueName } from './support/users.js';
import { startReceiver } from './support/webhook-receiver.js';

describe('Webhook addresses on a hub with default settings', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startTestHub({ backend: 'postgres' });
  });
  afterAll(() => hub?.close());

  it('refuses loopback, private and link-local webhook URLs (SSRF) unless AIMASS_WEBHOOK_ALLOW_PRIVATE is set', async () => {
    const owner = await signUp(hub);
    await createDataset(hub, owner.token, { name: 'open' });
    for (const url of ['http://127.0.0.1:8080/hook', 'http://localhost/hook', 'http://169.254.169.254/latest/meta-data', 'http://10.0.0.5/', 'http://[::1]/']) {
      const res = await hub.graphql(SUBSCRIBE, { input: { kind: 'DATASET', owner: owner.username, name: 'open', webhookUrl: url } }, owner.token);
      expect(codeOf(res), url).toBe('BAD_USER_INPUT');
      expect(res.errors![0].extensions!.fields).toEqual([{ field: 'webhookUrl', message: expect.stringContaining('private or loopback') }]);
    }
    const ok = await hub.graphql(SUBSCRIBE, { input: { kind: 'DATASET', owner: owner.username, name: 'open', webhookUrl: 'https://hooks.example.com/aimass' } }, owner.token);
    expect(ok.data.subscribe.subscription.webhookUrl).toBe('https://hooks.example.com/aimass');
  });
});

describe('Notifications across hubs on one PostgreSQL', () => {
  let hub: TestHub;
  let peer: TestHub;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  beforeAll(async () => {
    [hub, receiver] = await Promise.all([startTestHub({ backend: 'postgres', env: WEBHOOK_ENV }), startReceiver()]);
    peer = await hub.peer();
  });
  afterAll(async () => {
    await peer?.close();
    await hub?.close();
    await receiver?.close();
  });

  it('reaches live subscribers on another hub, and sends each webhook once though both hubs deliver', async () => {
    const owner = await signUp(hub);
    const name = uniqueName('shared');
    await createDataset(hub, owner.token, { name });
    const followers = await Promise.all(Array.from({ length: 6 }, () => signUp(hub)));
    for (const [i, f] of followers.entries()) {
      const res = await peer.graphql(SUBSCRIBE, { input: { kind: 'DATASET', owner: owner.username, name, webhookUrl: receiver.url(`/multi-${i}`) } }, f.token);
      expect(res.errors).toBeUndefined();
    }
    const live = await listen(peer, followers[0].token); // connected to the other hub
    for (let v = 1; v <= 3; v++) expect((await upload(hub, owner.token, owner.username, name, `x\n${v}\n`)).status).toBe(201);

    await waitFor('three live events on the peer', async () => live.events.length >= 3, 10_000);
    await live.close();
    expect(live.events.map((e) => e.version)).toEqual([1, 2, 3]);
    // Every delivery row finished: a row is marked succeeded only after its send was answered, and
    // neither hub claims a finished row again, so no second send can still come.
    const deliveries = () =>
      hub.sql(
        `SELECT d.status, d.attempts FROM webhook_deliveries d JOIN notification_subscriptions s ON s.id = d.subscription_id WHERE s.webhook_url LIKE $1`,
        [receiver.url('/multi-%')],
      );
    await waitFor('every webhook delivered', async () => {
      const rows = await deliveries();
      return rows.length === followers.length * 3 && rows.every((d) => d.status === 'succeeded');
    }, 20_000);
    expect((await deliveries()).every((d) => d.attempts === 1)).toBe(true);
    for (const i of followers.keys()) {
      const ids = receiver.at(`/multi-${i}`).map((r) => r.headers['x-aimass-delivery']);
      expect(ids).toHaveLength(3);
      expect(new Set(ids).size).toBe(3);
    }
  });
});
