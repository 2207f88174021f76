/**
 * When a live subscription listens. graphql-ws tells a client nothing between its `subscribe`
 * and the first event, so a test that subscribes and then acts must not act before the hub's
 * listener is in place: it waits for the hub to count it (hub/src/pubsub.ts). It reads the count
 * of listeners ever added, `aimass_live_subscriptions_started_total`, not the gauge of those
 * listening now: an earlier test's subscription ending meanwhile would hide a new one from the gauge.
 */
import { counter, metricSum } from './metrics.js';

/** How many listeners the hub at `url` has on `topic` (pubsub.ts's Topics) now. */
export function liveSubscriptions(hub: { url: string }, topic: string): Promise<number> {
  return metricSum(hub, 'aimass_live_subscriptions', { topic });
}

/**
 * Counts the listeners added on `topic` so far; `listening(n)` then waits until `n` more have been
 * (count, subscribe, then wait).
 */
export async function listeners(hub: { url: string }, topic: string): Promise<{ listening(n?: number): Promise<void> }> {
  const started = await counter(hub, 'aimass_live_subscriptions_started_total', { topic });
  return { listening: (n = 1) => started.grown(n) };
}
