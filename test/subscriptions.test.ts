/** GraphQL subscriptions over graphql-ws with a real client, authenticated by connectionParams. */
import { createClient, type Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { spawnAgent } from './support/agent.js';
import { startTestHub, type TestHub } from './support/hub.js';
import { signUp } from './support/users.js';

const EVENTS = `subscription { accountEvents { kind subjectId message at } }`;

function client(hub: TestHub, token?: string): Client {
  return createClient({
    url: `${hub.url.replace('http', 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: token ? { authorization: `Bearer ${token}` } : undefined,
    retryAttempts: 0,
    lazy: true,
  });
}

/** Subscribes and returns the received events plus a way to wait for the n-th one. */
function collect(c: Client, query: string) {
  const events: any[] = [];
  let error: unknown;
  const waiters: (() => void)[] = [];
  const dispose = c.subscribe(
    { query },
    {
      next: (value) => {
        events.push(value);
        waiters.splice(0).forEach((w) => w());
      },
      error: (e) => {
        error = e;
        waiters.splice(0).forEach((w) => w());
      },
      complete: () => undefined,
    },
  );
  const until = async (n: number, timeoutMs = 10_000) => {
    const deadline = Date.now() + timeoutMs;
    while (events.length < n && !error) {
      if (Date.now() > deadline) throw new Error(`got ${events.length} of ${n} events: ${JSON.stringify(events)}`);
      await new Promise<void>((resolve) => {
        waiters.push(resolve);
        setTimeout(resolve, 200);
      });
    }
    return events;
  };
  return { events, until, dispose, error: () => error };
}

describe('Subscriptions over graphql-ws', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startTestHub({ env: { AIMASS_BENCHMARK_ON_JOIN: 'false' } });
  });
  afterAll(() => hub?.close());

  it('delivers my account events live, and nobody else’s', async () => {
    const alice = await signUp(hub);
    const bob = await signUp(hub);
    const aliceClient = client(hub, alice.token);
    const bobClient = client(hub, bob.token);
    const aliceEvents = collect(aliceClient, EVENTS);
    const bobEvents = collect(bobClient, EVENTS);
    await new Promise((r) => setTimeout(r, 500)); // let both subscriptions register

    const created = await hub.graphql(`mutation { createApiKey(input: { name: "live", scopes: [INFERENCE] }) { apiKey { id } } }`, {}, alice.token);
    const { token, nodeToken } = (await hub.graphql(`mutation { registerNode(input: { name: "rig" }) { token nodeToken { id } } }`, {}, alice.token)).data.registerNode;
    const agent = spawnAgent(['--hub', hub.url, '--token', token]);
    await agent.waitFor(/connected to hub/);
    await agent.stop();

    const events = await aliceEvents.until(4);
    expect(events.map((e) => e.data.accountEvents.kind)).toEqual(['API_KEY_CREATED', 'NODE_REGISTERED', 'NODE_CONNECTED', 'NODE_DISCONNECTED']);
    expect(events[0].data.accountEvents.subjectId).toBe(created.data.createApiKey.apiKey.id);
    expect(events[2].data.accountEvents).toMatchObject({ subjectId: nodeToken.id, message: expect.stringContaining('rig') });
    expect(bobEvents.events).toEqual([]);

    aliceEvents.dispose();
    bobEvents.dispose();
    await aliceClient.dispose();
    await bobClient.dispose();
  });

  it('refuses the subscription to an anonymous client with UNAUTHENTICATED', async () => {
    const anonymous = client(hub);
    const sub = collect(anonymous, EVENTS);
    await sub.until(1).catch(() => undefined);
    const received = sub.events[0] ?? sub.error();
    expect(JSON.stringify(received)).toContain('UNAUTHENTICATED');
    await anonymous.dispose();
  });

  it('refuses a connection with a bad token at init (close 4403)', async () => {
    const bad = client(hub, 'ams_not-a-session');
    const sub = collect(bad, EVENTS);
    await sub.until(1).catch(() => undefined);
    expect((sub.error() as { code?: number })?.code).toBe(4403);
    await bad.dispose();
  });
});

describe('Subscriptions after logout', () => {
  it('refuses new subscriptions on a connection whose session has ended', async () => {
    const hub = await startTestHub();
    try {
      const user = await signUp(hub);
      const c = client(hub, user.token);
      const first = collect(c, EVENTS);
      await new Promise((r) => setTimeout(r, 300));
      expect(first.error()).toBeUndefined();
      await hub.graphql(`mutation { logOut }`, {}, user.token);
      const second = collect(c, EVENTS);
      await second.until(1).catch(() => undefined);
      expect(JSON.stringify(second.events[0] ?? second.error())).toContain('UNAUTHENTICATED');
      await c.dispose();
    } finally {
      await hub.close();
    }
  });
});
