/**
 * The agent wire protocol: JSON messages over one WebSocket per agent at `/agents`.
 *
 * This file is the single definition both the hub and node-agent import. Every frame is a member
 * of {@link AgentToHub} or {@link HubToAgent} (discriminated on `type`) and is `unknown` until
 * {@link parseFrame} accepts it. Bump {@link PROTOCOL_VERSION} on any incompatible change; the
 * hub refuses a `hello` carrying another version with an `error` frame (code PROTOCOL_VERSION)
 * and closes with {@link CloseCode.ProtocolVersion}.
 *
 * Handshake: agent sends `hello` first (with the jobs it still runs after a reconnect) → hub answers
 * `welcome` (node id, heartbeat interval, lease length) or `error` and closes.
 *
 * Jobs: hub `job.assign` (job, attempt, lease, job token) → agent `job.started`, `job.progress`…,
 * then exactly one of `job.succeeded`, `job.failed`, `job.released`. Every report names the
 * attempt; a report for a job or attempt not leased to the sender is refused (`NOT_LEASED`).
 * `heartbeat` lists the jobs running and renews their leases. The hub may send `job.cancel` at any
 * time; the agent stops the job and reports nothing more for it. `draining` says the agent takes no
 * more work. Large payloads go over HTTP with the job token, never over this socket.
 *
 * Serving (schema/serving.ts): a `serve` job is a deployment's replica. Once loaded the agent sends
 * `replica.ready`; the hub then sends `infer.request` frames naming the replica's job, each answered
 * by exactly one `infer.result` with the same `requestId` (outputs, or an error code saying whether
 * anything ran). Heartbeats carry each replica's load in `replicas`.
 */
import { z } from 'zod';
import { InferErrorCode, rawRecord, replicaLoad } from './serving.js';

export const PROTOCOL_VERSION = 4;

/** WebSocket close codes (4000–4999 are for applications, RFC 6455 §7.4.2). */
export const CloseCode = {
  BadToken: 4001,
  ProtocolVersion: 4002,
  BadFrame: 4003,
  HandshakeTimeout: 4004,
  Replaced: 4005,
  Revoked: 4006,
  Disabled: 4007,
  Deleted: 4008,
} as const;

const id = z.string().uuid();
const attempt = z.number().int().min(1).max(10_000);
/** A job this agent holds: the attempt number ties a report to one lease. */
const heldJob = z.object({ jobId: id, attempt }).strict();

const capabilities = z
  .object({
    /** The TF.js backend the agent loaded: tensorflow-gpu, tensorflow, wasm or cpu. */
    backend: z.string().max(64),
    cpuCores: z.number().int().min(1).max(4096),
    memoryBytes: z.number().int().min(0),
    gpu: z
      .object({ name: z.string().max(200), memoryBytes: z.number().int().min(0).nullable() })
      .strict()
      .nullable(),
    slots: z.number().int().min(1).max(1024),
    labels: z.array(z.string().min(1).max(64)).max(64),
  })
  .strict();
export type Capabilities = z.infer<typeof capabilities>;

// ---- agent → hub ----------------------------------------------------------------------------

export const hello = z
  .object({
    type: z.literal('hello'),
    protocolVersion: z.number().int(),
    token: z.string().min(1).max(512),
    agentVersion: z.string().max(64),
    capabilities,
    /** Jobs still running from before a reconnect, so the hub keeps their leases instead of giving them out again. */
    running: z.array(heldJob).max(1024).default([]),
  })
  .strict();

export const heartbeat = z
  .object({
    type: z.literal('heartbeat'),
    /** 1-minute load average divided by cores. */
    load: z.number().min(0).max(1e6),
    /** Memory in use on the machine, bytes (the hub keeps at most the memory the node declared). */
    memoryUsedBytes: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
    running: z.array(heldJob).max(1024),
    /** The load of each serving replica it holds (schema/serving.ts). */
    replicas: z.array(replicaLoad).max(1024).default([]),
  })
  .strict();

export const jobStarted = z.object({ type: z.literal('job.started'), jobId: id, attempt }).strict();

export const jobProgress = z
  .object({
    type: z.literal('job.progress'),
    jobId: id,
    attempt,
    /** 0 to 1. */
    progress: z.number().min(0).max(1),
    message: z.string().max(500).optional(),
    metrics: z.record(z.string().max(64), z.number()).optional(),
  })
  .strict();

export const jobSucceeded = z
  .object({
    type: z.literal('job.succeeded'),
    jobId: id,
    attempt,
    /** Small results ride here; the kind's result schema (schema/job-kinds.ts) is checked by the hub. */
    result: z.unknown(),
  })
  .strict();

export const jobFailed = z
  .object({
    type: z.literal('job.failed'),
    jobId: id,
    attempt,
    error: z.string().max(2000),
    /** False when running it again cannot help (bad payload); the job then fails at once. */
    retryable: z.boolean(),
  })
  .strict();

/** The agent gives a job back without running it to the end (draining); it is requeued at once. */
export const jobReleased = z
  .object({ type: z.literal('job.released'), jobId: id, attempt, reason: z.string().max(500) })
  .strict();

/** The agent stops taking work (SIGTERM); it finishes or releases what it runs, then leaves. */
export const draining = z.object({ type: z.literal('draining') }).strict();

/** A replica (serve job) loaded its model, warmed up and takes requests. */
export const replicaReady = z
  .object({
    type: z.literal('replica.ready'),
    jobId: id,
    attempt,
    /** Loading and warm-up took this long. */
    warmupMs: z.number().min(0).max(86_400_000),
  })
  .strict();

const requestId = z.string().min(1).max(64);

/** The answer to one infer.request: one output row per record, or why there is none. */
export const inferResult = z
  .object({
    type: z.literal('infer.result'),
    requestId,
    jobId: id,
    /** Per record: class probabilities in label order (classifiers) or [value]; null where not finite. */
    outputs: z.array(z.array(z.number().nullable()).min(1).max(100_000)).max(100_000).optional(),
    error: z.object({ code: InferErrorCode, message: z.string().max(2000) }).strict().optional(),
    /** Rows in the predict call that answered it (several requests share one call when batched). */
    batchSize: z.number().int().min(0).max(1_000_000),
    /** Waiting for its batch, then computing it, on the agent. */
    queueMs: z.number().min(0).max(3_600_000),
    computeMs: z.number().min(0).max(3_600_000),
  })
  .strict();

export const AgentToHub = z.discriminatedUnion('type', [
  hello,
  heartbeat,
  jobStarted,
  jobProgress,
  jobSucceeded,
  jobFailed,
  jobReleased,
  draining,
  replicaReady,
  inferResult,
]);
export type AgentToHub = z.infer<typeof AgentToHub>;

// ---- hub → agent ----------------------------------------------------------------------------

export const ErrorCode = z.enum([
  'BAD_TOKEN',
  'PROTOCOL_VERSION',
  'BAD_FRAME',
  'UNEXPECTED',
  'HANDSHAKE_TIMEOUT',
  /** A report about a job (or an attempt of it) that is not leased to this node. */
  'NOT_LEASED',
  'RATE_LIMITED',
  'DISABLED',
  'FRAME_TOO_LARGE',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const welcome = z
  .object({
    type: z.literal('welcome'),
    protocolVersion: z.number().int(),
    nodeId: z.string(),
    nodeName: z.string(),
    heartbeatSeconds: z.number().int().min(1),
    /** A lease lasts this long after each heartbeat that reports the job. */
    leaseSeconds: z.number().int().min(1),
    /**
     * The largest frame the hub reads from this agent (AIMASS_AGENT_MAX_FRAME_BYTES); the agent
     * answers an infer.result that would not fit with an error instead. 1 MiB when absent.
     */
    maxFrameBytes: z.number().int().min(1024).optional(),
  })
  .strict();

export const jobAssign = z
  .object({
    type: z.literal('job.assign'),
    jobId: id,
    attempt,
    kind: z.string().max(64),
    /** Validated by the agent against the kind's payload schema. */
    payload: z.unknown(),
    leaseExpiresAt: z.string(),
    /**
     * Job-scoped bearer token for the job's HTTP endpoints (large inputs and outputs), valid while
     * the lease lasts and only for this job and attempt.
     */
    jobToken: z.string(),
  })
  .strict();

export const jobCancel = z
  .object({ type: z.literal('job.cancel'), jobId: id, attempt: attempt.optional(), reason: z.string().max(500) })
  .strict();

/** A request for the replica `jobId`: run these records before `deadlineMs` from receipt, or drop them. */
export const inferRequest = z
  .object({
    type: z.literal('infer.request'),
    requestId,
    jobId: id,
    records: z.array(rawRecord).min(1).max(100_000),
    /** Milliseconds left when the hub sent it; past it the agent answers DEADLINE without running it. */
    deadlineMs: z.number().int().min(1).max(3_600_000),
  })
  .strict();

export const errorFrame = z
  .object({
    type: z.literal('error'),
    code: ErrorCode,
    message: z.string(),
    fatal: z.boolean(),
    jobId: z.string().optional(),
  })
  .strict();

export const HubToAgent = z.discriminatedUnion('type', [welcome, jobAssign, jobCancel, inferRequest, errorFrame]);
export type HubToAgent = z.infer<typeof HubToAgent>;

export type Message<U extends { type: string }, T extends U['type']> = Extract<U, { type: T }>;

export type ParseResult<T> = { ok: true; message: T } | { ok: false; error: string };

/**
 * Decodes and validates one frame. Never throws: malformed JSON, an unknown `type` or a bad field
 * come back as `{ ok: false, error }` with a message naming the field.
 */
export function parseFrame<T>(schema: z.ZodType<T>, raw: string): ParseResult<T> {
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    return { ok: false, error: 'frame is not valid JSON' };
  }
  const result = schema.safeParse(data);
  if (result.success) return { ok: true, message: result.data };
  const issue = result.error.issues[0];
  const where = issue.path.length > 0 ? issue.path.join('.') : 'frame';
  return { ok: false, error: `${where}: ${issue.message}` };
}

export function encodeFrame(message: AgentToHub | HubToAgent): string {
  return JSON.stringify(message);
}
