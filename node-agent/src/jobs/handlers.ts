/**
 * The agent's handler for every job kind in schema/job-kinds.ts. The mapped type makes a missing
 * kind a compile error; assertHandlers() makes it a start-up error too.
 */
import { jobKinds, type JobKind } from '../../../schema/index.js';
import { benchmark } from './benchmark.js';
import { echo } from './echo.js';
import type { JobHandler } from './job-handler.js';
import { predict } from './predict/predict.js';
import { serve } from './serve/serve.js';
import { train } from './train/train.js';

export const handlers: { [K in JobKind]: JobHandler<K> } = { echo, benchmark, train, predict, serve };

export function assertHandlers(table: Record<string, unknown> = handlers): void {
  const missing = jobKinds.filter((kind) => typeof table[kind] !== 'function');
  if (missing.length > 0) throw new Error(`node-agent has no handler for job kind(s): ${missing.join(', ')}`);
}
