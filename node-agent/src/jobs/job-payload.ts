/**
 * Checks a job's kind and payload on the agent's main thread, which has the payload schemas
 * loaded already, so that the job's fresh worker thread need not load them (job-worker.ts).
 */
import { JOB_KINDS, isJobKind } from '../../../schema/index.js';

export type CheckedPayload = { ok: true; payload: unknown } | { ok: false; error: string };

export function checkJobPayload(kind: string, payload: unknown): CheckedPayload {
  if (!isJobKind(kind)) return { ok: false, error: `this agent does not know job kind "${kind}"` };
  const parsed = JOB_KINDS[kind].payload.safeParse(payload);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, error: `invalid payload: ${issue.path.join('.') || 'payload'}: ${issue.message}` };
  }
  return { ok: true, payload: parsed.data };
}
