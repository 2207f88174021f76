/**
 * `echo`: waits `durationMs`, reporting progress in `steps`, then returns `value` (or fails with
 * `failWith`). It exercises the whole job path — dispatch, progress, leases, retries, cancel —
 * without TF.js, for operators checking a node and for the scheduler's tests and benchmarks.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { JobHandler } from './job-handler.js';

export const echo: JobHandler<'echo'> = async (ctx) => {
  const { durationMs, steps, failWith, value } = ctx.payload;
  for (let step = 1; step <= steps; step++) {
    await sleep(durationMs / steps, undefined, { signal: ctx.signal });
    ctx.progress(step / steps, `step ${step} of ${steps}`, { step });
  }
  if (failWith !== undefined) throw new Error(failWith);
  return value === undefined ? { steps } : { value, steps };
};
