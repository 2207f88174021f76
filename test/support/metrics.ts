/** A hub's Prometheus figures as tests read them (GET /metrics), and waiting for one to grow. */
import { waitFor } from './compute.js';

/** The sum of `name`'s series whose labels include `labels` (0 when there is none yet). */
export async function metricSum(hub: { url: string }, name: string, labels: Record<string, string> = {}): Promise<number> {
  const text = await (await fetch(`${hub.url}/metrics`)).text();
  let sum = 0;
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const own = new Map([...(match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([k, v]) => own.get(k) === v)) sum += Number(match[3]);
  }
  return sum;
}

/**
 * Reads a counter now; `grown(n)` then waits until it is `n` more (read it, do what counts, then
 * wait): for what a hub finishes after its answer or without one.
 */
export async function counter(hub: { url: string }, name: string, labels: Record<string, string> = {}): Promise<{ grown(n?: number): Promise<void> }> {
  const before = await metricSum(hub, name, labels);
  return {
    async grown(n = 1) {
      await waitFor(`${name}${JSON.stringify(labels)} to grow by ${n}`, async () => (await metricSum(hub, name, labels)) >= before + n, 10_000);
    },
  };
}
