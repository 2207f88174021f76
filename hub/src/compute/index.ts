/** Compute (nodes, the job queue, the scheduler, agent sessions): what other domains may use. */
export { leasedJob } from './job-files.routes.js';
export { Job, JobStatus } from './job.entity.js';
export type { JobsService } from './jobs.service.js';
export { residencyOf, type DataRead } from './placement.js';
export type { LeasedJob } from './scheduler.js';
