/**
 * What a job kind's agent-side handler is given and must return. Handlers run inside a worker
 * thread (see run-job-worker.ts), one per job, so a long TF.js computation never blocks the
 * agent's heartbeats and cancelling a job can always stop it.
 */
import type { AgentToHub, JobKind, JobPayload, JobResult, Message, RawRecord } from '../../../schema/index.js';
import type { LoadedTf } from '../tf/load-backend.js';

export interface JobContext<K extends JobKind> {
  jobId: string;
  attempt: number;
  /** Already validated against the kind's payload schema (schema/job-kinds.ts). */
  payload: JobPayload<K>;
  /** Aborted when the hub cancels the job or the agent gives it back. */
  signal: AbortSignal;
  /** Reports progress (0–1) to the hub; cheap, may be called often (the agent throttles). */
  progress(progress: number, message?: string, metrics?: Record<string, number>): void;
  /** TF.js with the best backend this machine has, loaded on first call. */
  tf(): Promise<LoadedTf>;
  /**
   * The job's own HTTP endpoints on the hub (`/api/jobs/<jobId><path>`), authenticated with the
   * job token from job.assign: large inputs and outputs travel there, not over the socket. The
   * token holds only while the job's lease does.
   */
  hubFetch(path: string, init?: RequestInit): Promise<Response>;
  /**
   * Where the job's time went (ms per step, in the order the steps ran), written to the agent's
   * "job succeeded" log line: what the training benchmark breaks its overhead down by.
   */
  steps?(steps: Record<string, number>): void;
  /** Only for `serve` jobs: the replica's line to the agent's main thread, which holds the hub's socket. */
  serving?: ServingPort;
}

/** One infer.request as the agent received it; times on the scale of `performance.timeOrigin + performance.now()`. */
export interface ServeRequest {
  requestId: string;
  records: RawRecord[];
  receivedAt: number;
  deadlineAt: number;
}

/** The answer to one request: an infer.result without what the main thread adds. */
export type InferAnswer = Omit<Message<AgentToHub, 'infer.result'>, 'type' | 'jobId'>;

/** The replica's load, sent in heartbeats (schema/serving.ts replicaLoad without the job id). */
export interface ReplicaLoadSnapshot {
  inFlight: number;
  queued: number;
  latencyMs: number;
  requests: number;
}

export interface ServingPort {
  /** The agent's model file cache directory. */
  cacheDir: string;
  /** Fault rehearsal: ms to add to every predict call (AIMASS_AGENT_SERVE_DELAY_MS). */
  delayMs: number;
  /** Requests routed to this replica; each must get exactly one answer(). */
  onRequest(handler: (request: ServeRequest) => void): void;
  /** The agent drains: answer what is held, take nothing more (the agent then releases the job). */
  onDrain(handler: () => void): void;
  answer(answer: InferAnswer): void;
  /** Loaded and warmed up: the agent says replica.ready and starts routing requests. */
  ready(warmupMs: number): void;
  load(load: ReplicaLoadSnapshot): void;
}

export type JobHandler<K extends JobKind> = (ctx: JobContext<K>) => Promise<JobResult<K>>;

/** An error that running the job again cannot fix (bad input): the hub fails the job at once. */
export class PermanentJobError extends Error {}
