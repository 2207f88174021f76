/**
 * The hub's side of each job kind (schema/job-kinds.ts): whether users may submit it through the
 * API, whether it reads users' data (then it must be queued with what it reads, and residency
 * decides where it runs: placement.ts), how much work a payload is (for the measured speed of the
 * node that runs it), and what to do with a verified result. The hub refuses to start when a kind
 * has no entry here (assertJobKindHandlers), so adding a kind cannot silently leave results
 * unhandled or data unplaced.
 */
import { jobKinds, type JobKind, type JobPayload, type JobResult } from '../../../schema/index.js';
import type { NodesService } from './nodes.service.js';

export interface HubJobKind<K extends JobKind> {
  /** May users submit it with submitJob? (Kinds other domains create, like training, may not.) */
  submittable: boolean;
  /**
   * Does it read users' data (rows, weights, specs)? Then JobsService.enqueue refuses it without
   * `reads`, so no caller can forget the residency rule.
   */
  readsData: boolean;
  /**
   * Its work in reference seconds: about how long a typical CPU node takes. A node's measured speed
   * is this over the wall time it took (nodes.service.ts recordRun). Undefined: not measured.
   */
  work?(payload: JobPayload<K>): number;
  onSucceeded?(result: JobResult<K>, context: { nodeId: string; nodes: NodesService }): Promise<void>;
}

/** Training: row-epochs a typical CPU node (TF.js on WASM) fits per second on a small network. */
const TRAIN_ROW_EPOCHS_PER_SECOND = 20_000;
/** Prediction: rows a typical CPU node reads, predicts and sends back per second. */
const PREDICT_ROWS_PER_SECOND = 5_000;

export const hubJobKinds: { [K in JobKind]: HubJobKind<K> } = {
  // Time-bound: a node that takes longer than asked is slow at the least.
  echo: { submittable: true, readsData: false, work: (p) => p.durationMs / 1000 },
  benchmark: {
    submittable: true,
    readsData: false,
    async onSucceeded(result, { nodeId, nodes }) {
      await nodes.recordBenchmark(nodeId, result.gflops, result.stepsPerSecond);
    },
  },
  // Made by training/ (CREATE MODEL); its result is checked there (Scheduler.checkResults).
  train: { submittable: false, readsData: true, work: (p) => (p.rowCount * p.hyperparameters.epochs) / TRAIN_ROW_EPOCHS_PER_SECOND },
  // Made by ml/ (ML.PREDICT, ML.EVALUATE); its result is checked there.
  predict: { submittable: false, readsData: true, work: (p) => p.rowCount / PREDICT_ROWS_PER_SECOND },
};

export function assertJobKindHandlers(handlers: Record<string, unknown> = hubJobKinds): void {
  const missing = jobKinds.filter((kind) => !handlers[kind]);
  if (missing.length > 0) throw new Error(`No hub handler for job kind(s): ${missing.join(', ')} (hub/src/compute/job-kinds.ts)`);
}
