/**
 * The hub's side of each job kind (schema/job-kinds.ts): whether users may submit it through the
 * API, and what to do with a verified result. The hub refuses to start when a kind has no entry
 * here (assertJobKindHandlers), so adding a kind cannot silently leave results unhandled.
 */
import { jobKinds, type JobKind, type JobResult } from '../../../schema/index.js';
import type { NodesService } from './nodes.service.js';

export interface HubJobKind<K extends JobKind> {
  /** May users submit it with submitJob? (Kinds other domains create, like training, may not.) */
  submittable: boolean;
  onSucceeded?(result: JobResult<K>, context: { nodeId: string; nodes: NodesService }): Promise<void>;
}

export const hubJobKinds: { [K in JobKind]: HubJobKind<K> } = {
  echo: { submittable: true },
  benchmark: {
    submittable: true,
    async onSucceeded(result, { nodeId, nodes }) {
      await nodes.recordBenchmark(nodeId, result.gflops, result.stepsPerSecond);
    },
  },
  // Made by training/ (CREATE MODEL); its result is checked there (Scheduler.checkResults).
  train: { submittable: false },
  // Made by ml/ (ML.PREDICT, ML.EVALUATE); its result is checked there.
  predict: { submittable: false },
};

export function assertJobKindHandlers(handlers: Record<string, unknown> = hubJobKinds): void {
  const missing = jobKinds.filter((kind) => !handlers[kind]);
  if (missing.length > 0) throw new Error(`No hub handler for job kind(s): ${missing.join(', ')} (hub/src/compute/job-kinds.ts)`);
}
