/**
 * The `Server-Timing` header of an answer: milliseconds per step of the hub's own work (the
 * dataset upload's spool/ingest/profile/commit, the trained model's receive/check/version), read
 * by the benchmarks and by the agent's step log.
 */
import type { Response } from 'express';

/** `timings`: milliseconds by step name (an object of optional number fields). */
export function setServerTiming(res: Response, timings: object): void {
  const steps = (Object.entries(timings) as [string, number | undefined][]).filter((entry): entry is [string, number] => typeof entry[1] === 'number');
  res.setHeader('server-timing', steps.map(([step, ms]) => `${step};dur=${ms.toFixed(1)}`).join(', '));
}
