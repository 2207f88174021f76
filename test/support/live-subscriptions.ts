/**
 * When a live subscription listens. graphql-ws tells a client nothing between its `subscribe`
 * and the first event, so a test that subscribes and then acts must not act before the hub's
 * listener is in place: it waits for the hub's `aimass_live_subscriptions` gauge (hub/src/pubsub.ts)
 * to count it.
 */
import { waitFor } from './compute.js';

/** How many listeners the hub at `url` has on `topic` (pubsub.ts's Topics), from /metrics. */
export async function liveSubscriptions(hub: { url: string }, topic: string): Promise<number> {
  const text = await (await fetch(`${hub.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`aimass_live_subscriptions{topic="${topic}"} `));
  return line ? Number(line.split(' ')[1]) : 0;
}

/**
 * Counts `topic`'s listeners now; `listening(n)` then waits until `n` more listen (subscribe after
 * counting, then wait).
 */
export async function listeners(hub: { url: string }, topic: string): Promise<{ listening(n?: number): Promise<void> }> {
  const before = await liveSubscriptions(hub, topic);
  return {
    async listening(n = 1) {
      await waitFor(`${n} more ${topic} subscription(s) listening`, async () => (await liveSubscriptions(hub, topic)) >= before + n, 10_000);
    },
  };
}
