/**
 * One call to a job's HTTP endpoints on the hub, with the job token (ctx.hubFetch), as the train
 * and predict jobs make them. Network errors, 5xx, 408 and 429 are retried a few times with
 * backoff; a 404 means the token no longer opens the job (lease lost, job canceled) and a 400 or
 * 413 that the hub refused what we sent (a PermanentJobError: retrying elsewhere would not help).
 * Callers parse every answer before using it.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { JobKind } from '../../../schema/index.js';
import { PermanentJobError, type JobContext } from './job-handler.js';

const RETRIES = 6;

export type HubCallContext = Pick<JobContext<JobKind>, 'hubFetch' | 'signal'>;

/** `what` names the call in errors ("reading the training rows"). */
export async function hubCall(ctx: HubCallContext, what: string, path: string, init: () => RequestInit = () => ({})): Promise<Response> {
  let lastError = '';
  for (let attempt = 0; attempt <= RETRIES; attempt++) {
    if (attempt > 0) await sleep(Math.min(8000, 250 * 2 ** attempt), undefined, { signal: ctx.signal });
    ctx.signal.throwIfAborted();
    let res: Response;
    try {
      res = await ctx.hubFetch(path, init());
    } catch (error) {
      if (ctx.signal.aborted) throw error;
      lastError = (error as Error).message;
      continue;
    }
    if (res.ok) return res;
    const text = await res.text().catch(() => '');
    let message = text.slice(0, 500);
    try {
      message = (JSON.parse(text) as { error?: { message?: string } }).error?.message ?? message;
    } catch {
      // not JSON: keep the text
    }
    if (res.status === 404) throw new Error(`${what}: the hub no longer lets this attempt work on the job (lease lost or job canceled)`);
    if (res.status === 400 || res.status === 413) throw new PermanentJobError(`${what}: the hub refused it: ${message}`);
    if (res.status < 500 && res.status !== 408 && res.status !== 429) throw new Error(`${what}: the hub answered ${res.status}: ${message}`);
    lastError = `HTTP ${res.status}: ${message}`;
  }
  throw new Error(`${what}: the hub did not answer after ${RETRIES + 1} tries (${lastError})`);
}
