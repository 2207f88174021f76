/** Compute (nodes, the job queue, the scheduler, agent sessions): what other domains may use. */
export { computeModule, computeResolvers, type ComputeServices } from './compute.module.js';
export type { AgentFrameHandler, AgentFrames, ReplicaFrame } from './agent-frames.js';
export type { AgentSession } from './agent-session.js';
export { leasedJob, type LeaseHolder } from './job-agent.routes.js';
export { Job, JobStatus } from './job.entity.js';
export { JobAttempt } from './job-attempt.entity.js';
export { Node } from './node.entity.js';
export type { JobKindDeclarations, JobKindHooks, JobRef } from './job-kinds.js';
export type { JobsService } from './jobs.service.js';
export { residencyOf, type DataRead } from './placement.js';
export type { LeasedJob } from './scheduler.js';

import type { ComputeServices } from './compute.module.js';
import type { JobKindDeclarations } from './job-kinds.js';
declare module '../module.js' {
  // Declaration merging (module.ts): this module's services, and the job kinds a module owns.
  interface Services extends ComputeServices {}
  interface HubModule<S extends object = object> {
    /** The hooks of the job kinds it owns (compute/job-kinds.ts); each kind has exactly one owner. */
    readonly jobKinds?: JobKindDeclarations;
  }
}
