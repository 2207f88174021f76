/** GraphQL subscriptions over graphql-ws with a real client, authenticated by connectionParams. */
import { createClient, type Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { spawnAgent } from './support/agent.js';
import { FAST_SCHEDULER, registerNode, submitJob, waitFor } from './support/compute.js';
import { recentWarnings, startTestHub, type TestHub } from './support/hub.js';
import { connectRawAgent } from './support/raw-agent.js';
import { signUp, uniqueName } from './support/users.js';
import { listeners, liveSubscriptions } from './support/live-subscriptions.js';

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
    const before = await liveSubscriptions(hub, 'ACCOUNT_EVENT');
    const accountEvents = await listeners(hub, 'ACCOUNT_EVENT');
    const aliceClient = client(hub, alice.token);
    const bobClient = client(hub, bob.token);
    const aliceEvents = collect(aliceClient, EVENTS);
    const bobEvents = collect(bobClient, EVENTS);
    await accountEvents.listening(2);

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
    // Ended subscriptions stop listening: the hub's gauge is back where it was.
    await waitFor('both subscriptions to stop listening', async () => (await liveSubscriptions(hub, 'ACCOUNT_EVENT')) === before);
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

describe('Subscriptions end with their credential, and with access to their subject', () => {
  // Two hubs on one PostgreSQL database, as behind a load balancer: a logout on one ends the
  // subscriptions held open on the other.
  let hub: TestHub;
  let peer: TestHub;
  beforeAll(async () => {
    hub = await startTestHub({ env: FAST_SCHEDULER });
    peer = await hub.peer();
  });
  afterAll(async () => {
    await peer?.close();
    await hub?.close();
  });

  /** A client whose connection is acknowledged (its credential accepted) before this resolves. */
  async function connected(on: TestHub, token: string, query: string) {
    const c = client(on, token);
    const ready = new Promise<void>((resolve) => c.on('connected', () => resolve()));
    const sub = collect(c, query);
    await ready;
    return { c, sub };
  }

  /** Waits until the connection closes; answers its close code and how long it took. */
  async function closeOf(sub: ReturnType<typeof collect>, since: number, timeoutMs = 10_000) {
    await waitFor('the connection to close', async () => sub.error() !== undefined, timeoutMs).catch((error: Error) => {
      throw new Error(`${error.message}; the hubs' warnings: ${recentWarnings({ hub, peer })}`);
    });
    return { code: (sub.error() as { code?: number }).code, afterMs: Date.now() - since };
  }

  it('closes open subscriptions within seconds of logout, on this hub and on the other', async () => {
    const user = await signUp(hub);
    const here = await connected(hub, user.token, EVENTS);
    const there = await connected(peer, user.token, EVENTS);
    const start = Date.now();
    expect((await hub.graphql(`mutation { logOut }`, {}, user.token)).data.logOut).toBe(true);
    for (const [where, { sub }] of [['on the hub logged out of', here], ['on the other hub', there]] as const) {
      const closed = await closeOf(sub, start).catch((error: Error) => {
        throw new Error(`${where}: ${error.message}`);
      });
      expect(closed.code).toBe(4401);
      expect(closed.afterMs).toBeLessThan(5000);
    }
    // The ended session opens no new connection.
    const again = collect(client(hub, user.token), EVENTS);
    expect((await closeOf(again, Date.now())).code).toBe(4403);
    await Promise.all([here.c.dispose(), there.c.dispose()]);
  });

  it('closes a subscription opened with an API key when the key is revoked', async () => {
    const user = await signUp(hub);
    const created = await hub.graphql(`mutation { createApiKey(input: { name: "watch", scopes: [NODES_READ] }) { secret apiKey { id } } }`, {}, user.token);
    const { secret, apiKey } = created.data.createApiKey;
    const watching = await connected(peer, secret, `subscription { nodeChanged { id status } }`);
    const start = Date.now();
    await hub.graphql(`mutation($id: ID!) { revokeApiKey(id: $id) { id } }`, { id: apiKey.id }, user.token);
    const closed = await closeOf(watching.sub, start);
    expect(closed.code).toBe(4401);
    expect(closed.afterMs).toBeLessThan(5000);
    await watching.c.dispose();
  });

  it('closes a subscription whose session expired or was ended in the database', async () => {
    const user = await signUp(hub);
    const open = await connected(hub, user.token, EVENTS);
    const start = Date.now();
    await hub.sql(`UPDATE sessions SET expires_at = now() WHERE user_id = $1`, [user.id]);
    const closed = await closeOf(open.sub, start);
    expect(closed.code).toBe(4401);
    expect(closed.afterMs).toBeLessThan(5000);
    await open.c.dispose();
  });

  it('stops sending job events to a member removed from the job’s organization', async () => {
    const alice = await signUp(hub);
    const bob = await signUp(hub);
    const org = uniqueName('org');
    await hub.graphql(`mutation($h: String!) { createOrganization(input: { handle: $h }) { id } }`, { h: org }, alice.token);
    await hub.graphql(`mutation($o: String!, $u: String!) { addOrganizationMember(input: { organization: $o, username: $u }) { role } }`, { o: org, u: bob.username }, alice.token);
    const node = await registerNode(hub, alice.token, 'edges-rig');
    const agent = await connectRawAgent(hub, node.token, ['edges-sub']);
    const job = await submitJob(hub, alice.token, { kind: 'echo', payload: { value: 1 }, organization: org, requirements: { labels: ['edges-sub'] } });
    const assign = await waitFor('assign', async () => agent.received.find((m) => m.type === 'job.assign' && m.jobId === job.id));
    const progress = (value: number) => agent.socket.send(JSON.stringify({ type: 'job.progress', jobId: job.id, attempt: assign.attempt, progress: value, message: `at ${value}` }));

    const c = client(hub, bob.token);
    let completed = false;
    const events: any[] = [];
    const ready = new Promise<void>((resolve) => c.on('connected', () => resolve()));
    c.subscribe({ query: `subscription($id: ID!) { jobUpdated(id: $id) { progressMessage } }`, variables: { id: job.id } }, {
      next: (value) => events.push(value),
      error: (e) => events.push({ error: e }),
      complete: () => (completed = true),
    });
    await ready;
    // While bob is a member he sees every update (resent until the subscription is surely in place).
    await waitFor('a first event', async () => {
      progress(0.1);
      return events.length > 0;
    });
    expect(events[0].data.jobUpdated.progressMessage).toBe('at 0.1');

    await hub.graphql(`mutation($o: String!, $u: String!) { removeOrganizationMember(organization: $o, username: $u) }`, { o: org, u: bob.username }, alice.token);
    const seen = events.length;
    await waitFor('the subscription to end', async () => {
      progress(0.9);
      return completed;
    });
    expect(events.slice(seen).filter((e) => e.data?.jobUpdated.progressMessage === 'at 0.9')).toEqual([]);
    agent.socket.close();
    await c.dispose();
  });
});
