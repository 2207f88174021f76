/**
 * One online prediction as the router runs it: the seam between the front doors (TF Serving REST,
 * KServe v2, GraphQL predict, ML.PREDICT online) and the router. Records are raw (feature name →
 * value) and already checked against the version's signature by the door.
 */
import type { RawRecord } from '../../../schema/index.js';

export interface InferenceCall {
  deploymentId: string;
  /** Only replicas serving this version number (TF Serving /versions/n); undefined: any ready replica. */
  versionNumber?: number;
  /** Never replicas serving these versions (a split deployment's shadows, when any replica may answer). */
  exceptVersions?: readonly number[];
  records: RawRecord[];
  /** Epoch ms past which the answer is worth nothing: the router gives up and the agent drops the work. */
  deadlineAt: number;
}

export interface InferenceAnswer {
  /** Per record: class probabilities in label order (classifiers) or [value] (regressors); null where not finite. */
  outputs: (number | null)[][];
  versionNumber: number;
  /** The serve job that answered. */
  replicaId: string;
  nodeId: string;
  nodeName: string;
  /** Hub-measured, from the router taking the call to the answer. */
  latencyMs: number;
  /** Rows in the agent's predict call that answered it. */
  batchSize: number;
  /** Agent-reported compute time of that call (metered, not trusted for anything else). */
  computeMs: number;
  /** Whether the first replica failed before answering and another one answered. */
  retried: boolean;
}

/**
 * Runs one call on one ready replica of the deployment. Throws AppError: UNAVAILABLE (no ready
 * replica, every queue full or the deployment shedding load; `retryAfterSeconds` set),
 * DEADLINE_EXCEEDED, or INTERNAL (the replica failed after it started on the request).
 */
export interface InferenceRouter {
  infer(call: InferenceCall): Promise<InferenceAnswer>;
}
