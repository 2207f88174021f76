/**
 * Job kinds: what a job's payload and result look like, per kind. The hub validates every result
 * an (untrusted) agent reports against the kind's result schema before believing it; the agent
 * validates every payload before running it. Adding a kind means adding it here, a handler in
 * node-agent/src/jobs/ and one in hub/src/compute/job-kinds.ts — both sides refuse to start
 * when a kind listed here has no handler.
 */
import { z } from 'zod';
import { predictPayload, predictResult } from './ml.js';
import { servePayload, serveResult } from './serving.js';
import { trainPayload, trainResult } from './training.js';

export const echoPayload = z
  .object({
    /** How long the job takes, in milliseconds (at most 10 minutes). */
    durationMs: z.number().int().min(0).max(600_000).default(0),
    /** Progress reports spread over the duration. */
    steps: z.number().int().min(1).max(1000).default(1),
    /** Fail on purpose (to exercise retries) with this message. */
    failWith: z.string().max(500).optional(),
    /** Any small value, returned as the result. */
    value: z.unknown().optional(),
  })
  .strict();

export const echoResult = z.object({ value: z.unknown().optional(), steps: z.number().int().min(0) }).strict();

export const benchmarkPayload = z
  .object({
    /** Side of the square matrices multiplied. */
    matrixSize: z.number().int().min(16).max(4096).default(512),
    /** Training steps of the small dense network. */
    fitSteps: z.number().int().min(1).max(1000).default(20),
  })
  .strict();

export const benchmarkResult = z
  .object({
    backend: z.string().max(64),
    /** Dense matmul throughput; a figure above any real device is refused. */
    gflops: z.number().positive().max(1e6),
    stepsPerSecond: z.number().positive().max(1e6),
    matrixSize: z.number().int(),
    fitSteps: z.number().int(),
  })
  .strict();

export const JOB_KINDS = {
  echo: { payload: echoPayload, result: echoResult },
  benchmark: { payload: benchmarkPayload, result: benchmarkResult },
  /** CREATE MODEL … AS SELECT (schema/training.ts): made by the hub's training domain, not submittable. */
  train: { payload: trainPayload, result: trainResult },
  /** ML.PREDICT / ML.EVALUATE (schema/ml.ts): made by the hub's ml domain, not submittable. */
  predict: { payload: predictPayload, result: predictResult },
  /** A deployment's replica (schema/serving.ts): made by the hub's serving domain, not submittable. */
  serve: { payload: servePayload, result: serveResult },
} as const;

export type JobKind = keyof typeof JOB_KINDS;
export const jobKinds = Object.keys(JOB_KINDS) as JobKind[];
export type JobPayload<K extends JobKind> = z.infer<(typeof JOB_KINDS)[K]['payload']>;
export type JobResult<K extends JobKind> = z.infer<(typeof JOB_KINDS)[K]['result']>;

export function isJobKind(kind: string): kind is JobKind {
  return Object.prototype.hasOwnProperty.call(JOB_KINDS, kind);
}
