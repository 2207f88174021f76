/**
 * The hub's side of each job kind (schema/job-kinds.ts), declared by the module that owns the kind
 * (compute: echo, benchmark; training: train; ml: predict) in its `jobKinds`, and the one place the
 * queue, the scheduler and submitJob read them. services.ts adds every module's declarations and
 * the hub refuses to start when a kind has none, or two (JobKinds.assertComplete, add), so adding a
 * kind cannot silently leave results unhandled or data unplaced.
 */
import { jobKinds, type JobKind, type JobPayload, type JobResult } from '../../../schema/index.js';

/** The job a hook is about, and the node that ran it. */
export interface JobRef {
  id: string;
  nodeId: string;
}

export interface JobKindHooks<K extends JobKind> {
  /** May users submit it with submitJob? (Kinds other domains create, like training, may not.) */
  submittable: boolean;
  /**
   * Does it read users' data (rows, weights, specs)? Then JobsService.enqueue refuses it without
   * `reads`, so no caller can forget the residency rule (placement.ts).
   */
  readsData: boolean;
  /**
   * Its work in reference seconds: about how long a typical CPU node takes. A node's measured speed
   * is this over the wall time it took (nodes.service.ts recordRun). Undefined: not measured.
   */
  work?(payload: JobPayload<K>): number;
  /** After the kind's schema accepted a submitted payload: a reason to refuse it (a BAD_USER_INPUT on `payload`), or null. */
  validatePayload?(payload: JobPayload<K>): string | null;
  /**
   * After the kind's schema accepted an agent's result, before the job counts as succeeded: a reason
   * to refuse it (the attempt fails, retryably), or null.
   */
  checkResult?(job: JobRef, result: JobResult<K>): Promise<string | null>;
  /** After the job succeeded. A throw is logged; the job stays succeeded. */
  onSucceeded?(job: JobRef, result: JobResult<K>): Promise<void>;
  /** After an attempt the agent reported failed (or whose result was refused) ended the job as failed. A throw is logged. */
  onFailed?(job: JobRef, reason: string): Promise<void>;
}

/** What a module declares: the hooks of the kinds it owns. */
export type JobKindDeclarations = { [K in JobKind]?: JobKindHooks<K> };

export class JobKinds {
  private readonly hooks = new Map<JobKind, { owner: string; hooks: JobKindHooks<JobKind> }>();

  /** Adds a module's kinds; a kind declared twice is a wiring mistake and stops the hub. */
  add(owner: string, declarations: JobKindDeclarations): void {
    for (const [kind, hooks] of Object.entries(declarations) as [JobKind, JobKindHooks<JobKind>][]) {
      const existing = this.hooks.get(kind);
      if (existing) throw new Error(`Job kind "${kind}" is declared by both ${existing.owner} and ${owner}`);
      this.hooks.set(kind, { owner, hooks });
    }
  }

  /** The hub refuses to start when a kind of schema/job-kinds.ts has no hooks. */
  assertComplete(): void {
    const missing = jobKinds.filter((kind) => !this.hooks.has(kind));
    if (missing.length > 0) throw new Error(`No hub handler for job kind(s): ${missing.join(', ')} (declare its hooks in the jobKinds of the module that owns it)`);
  }

  of<K extends JobKind>(kind: K): JobKindHooks<K> {
    const entry = this.hooks.get(kind);
    if (!entry) throw new Error(`No hub handler for job kind ${kind}`);
    return entry.hooks as unknown as JobKindHooks<K>;
  }
}
