/**
 * The agent's handler for every job kind in schema/job-kinds.ts, each loaded when a job of its kind
 * starts: a job's worker thread then imports only its own handler, so an echo job's thread loads
 * no TF.js code and no payload schemas (zod alone costs about 200 ms of a fresh thread's CPU). The
 * mapped type makes a missing kind a compile error; assertHandlers() makes it a start-up error too.
 */
import type { JobKind } from '../../../schema/job-kinds.js';
import type { JobHandler } from './job-handler.js';

export const handlers: { [K in JobKind]: () => Promise<JobHandler<K>> } = {
  echo: async () => (await import('./echo.js')).echo,
  benchmark: async () => (await import('./benchmark.js')).benchmark,
  train: async () => (await import('./train/train.js')).train,
  predict: async () => (await import('./predict/predict.js')).predict,
  serve: async () => (await import('./serve/serve.js')).serve,
};

export function assertHandlers(table: Record<string, unknown>, kinds: readonly string[]): void {
  const missing = kinds.filter((kind) => typeof table[kind] !== 'function');
  if (missing.length > 0) throw new Error(`node-agent has no handler for job kind(s): ${missing.join(', ')}`);
}
