/** Small facts about jobs the list and the job page share. */
import type { Job, JobStatus } from '../api/types';

/** Statuses from which a job can still be canceled (and may still change). */
export const ACTIVE_STATUSES: readonly JobStatus[] = ['QUEUED', 'LEASED', 'RUNNING'];

export function isActive(status: JobStatus): boolean {
  return ACTIVE_STATUSES.includes(status);
}

/** Whether `a` is a later copy of the same job than `b`: a slow answer must not undo a live update. */
export function isNewerJob(a: Pick<Job, 'updatedAt'>, b: Pick<Job, 'updatedAt'>): boolean {
  return Date.parse(a.updatedAt) > Date.parse(b.updatedAt);
}
