/**
 * Each online request's deadline: the hub's default (AIMASS_INFERENCE_DEADLINE_MS), which a client
 * may lower, never raise, with the `X-Request-Timeout-Ms` header (whole milliseconds). Past it the
 * router gives up (504) and the agent drops the work.
 */
import { badInput } from '../../errors.js';

export const DEADLINE_HEADER = 'x-request-timeout-ms';

/** The epoch ms a request must be answered by. */
export function requestDeadline(header: string | string[] | undefined, defaultMs: number, now: number): number {
  if (header === undefined) return now + defaultMs;
  const raw = Array.isArray(header) ? header[0] : header;
  if (raw === undefined || !/^\d{1,9}$/.test(raw.trim()) || Number(raw) < 1) {
    throw badInput('X-Request-Timeout-Ms', `must be a whole number of milliseconds from 1, got ${JSON.stringify(raw)}`);
  }
  return now + Math.min(Number(raw), defaultMs);
}
