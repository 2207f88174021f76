/**
 * Serving: what the hub and the agents agree on for online inference (see docs/serving.md).
 *
 * A deployment's replica is a long-lived `serve` job. The agent that holds it downloads the
 * version's files once (cached by content hash: `files[].sha256`), builds the preprocessing from
 * the version's signature (`features`, schema/preprocessing.ts, the trainer's own code), warms up,
 * and says `replica.ready` (agent-protocol.ts). From then on the hub sends `infer.request` frames
 * (raw records: feature name → value, as ML.PREDICT reads rows) over the agent's socket; the agent
 * batches requests that arrive within `batching.maxQueueDelayMs` into one predict call of at most
 * `batching.maxBatchSize` rows (Triton's dynamic batcher), answers each with `infer.result`, and
 * drops work whose deadline passed. Its heartbeats carry each replica's load ({@link replicaLoad}).
 * The job ends only when the hub cancels it (the deployment scaled down, moved or was deleted) or
 * its lease is lost; it is never reported succeeded while serving.
 *
 * Job-token endpoint (hub/src/serving/serve-agent.routes.ts):
 *   GET /api/jobs/:id/serve/file?path=model.json   a file of the version being served
 */
import { z } from 'zod';
import { featureSpec, MAX_CATEGORY_LENGTH } from './preprocessing.js';

export const MAX_BATCH_SIZE = 1024;
export const MAX_QUEUE_DELAY_MS = 1000;
/** Records one request may carry (the front doors refuse more with 400). */
export const MAX_INSTANCES_PER_REQUEST = 1000;

export const batchingSpec = z
  .object({
    /** Rows one predict call may hold; 1 turns batching off. */
    maxBatchSize: z.number().int().min(1).max(MAX_BATCH_SIZE).default(32),
    /** How long the first request of a batch may wait for others. */
    maxQueueDelayMs: z.number().int().min(0).max(MAX_QUEUE_DELAY_MS).default(2),
  })
  .strict();
export type BatchingSpec = z.infer<typeof batchingSpec>;

export const serveFile = z
  .object({
    path: z.string().min(1).max(500),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    size: z.number().int().min(0),
  })
  .strict();
export type ServeFile = z.infer<typeof serveFile>;

export const servePayload = z
  .object({
    deploymentId: z.string().uuid(),
    /** owner.name@number, for logs. */
    model: z.string().max(300),
    versionId: z.string().uuid(),
    versionNumber: z.number().int().min(1),
    task: z.enum(['classification', 'regression']),
    /** The version's features in input order, with their preprocessing. */
    features: z.array(featureSpec).min(1).max(2000),
    /** Classes in output order (classifiers); empty for regressors. */
    labels: z.array(z.string().max(MAX_CATEGORY_LENGTH)).max(100_000),
    /** model.json first, then the weight shards it names. */
    files: z.array(serveFile).min(1).max(1000),
    batching: batchingSpec,
    /** Requests the replica holds waiting at most; more are answered OVERLOADED at once. */
    maxQueue: z.number().int().min(1).max(100_000),
  })
  .strict();
export type ServePayload = z.infer<typeof servePayload>;

/** Reported only when the replica ends on its own (it normally ends by being canceled). */
export const serveResult = z.object({ requests: z.number().int().min(0), rows: z.number().int().min(0) }).strict();
export type ServeResult = z.infer<typeof serveResult>;

/** One raw record: feature name → value (numbers, strings, booleans or null). */
export const rawRecord = z.record(z.string().max(200), z.union([z.number(), z.string().max(100_000), z.boolean(), z.null()]));
export type RawRecord = z.infer<typeof rawRecord>;

/** Why a replica did not answer a request with outputs. */
export const InferErrorCode = z.enum([
  /** Its queue was full: nothing was run; the hub may try another replica. */
  'OVERLOADED',
  /** The deadline passed before the request was run; nothing was run. */
  'DEADLINE',
  /** The records could not be encoded (the hub checks them first, so this is a hub/agent disagreement). */
  'BAD_INPUT',
  /** The predict call failed. */
  'FAILED',
  /** The replica is stopping or not loaded; nothing was run. */
  'UNAVAILABLE',
]);
export type InferErrorCode = z.infer<typeof InferErrorCode>;

/** Each replica's load, in every heartbeat. */
export const replicaLoad = z
  .object({
    jobId: z.string().uuid(),
    /** Requests being run now. */
    inFlight: z.number().int().min(0).max(1_000_000),
    /** Requests waiting for a batch. */
    queued: z.number().int().min(0).max(1_000_000),
    /** Exponentially weighted moving average of request latency on the agent (queue + compute), ms. */
    latencyMs: z.number().min(0).max(3_600_000),
    /** Requests answered since the replica started. */
    requests: z.number().int().min(0),
  })
  .strict();
export type ReplicaLoad = z.infer<typeof replicaLoad>;
