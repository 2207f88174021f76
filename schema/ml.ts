/**
 * The `predict` job (ML.PREDICT and ML.EVALUATE by SQL): what the hub hands an agent, what the
 * agent sends back over the job's HTTP endpoints, and what it reports at the end. The agent loads
 * the model version's TF.js files, reads the input rows in chunks, turns each RAW record into the
 * model's input with the preprocessing stored in the version's signature (preprocessing.ts, the
 * trainer's own code), predicts, and uploads the outputs chunk by chunk; the hub joins them to the
 * input rows it served.
 *
 * The job is the same for both statements, and the payload does not say which: for ML.EVALUATE the
 * hub serves only the model's feature columns (never the label) and scores the returned outputs
 * itself against the labels it kept (hub/src/evaluation/). An agent is a third party's machine: it
 * never sees the labels and never reports a score.
 *
 * Job-token endpoints (hub/src/ml/ml-agent.routes.ts), all under /api/jobs/:id/ml:
 *   GET  file?path=model.json   a file of the model version (model.json, then its weight shards)
 *   GET  rows?offset=&limit=    a chunk of the input query's rows: {@link RowsChunk} (training.ts)
 *   POST predictions            {@link PredictionChunk}: the model's outputs for rows offset…
 */
import { z } from 'zod';
import { featureSpec, MAX_CATEGORY_LENGTH } from './preprocessing.js';

const finite = z.number().refine(Number.isFinite, { message: 'must be a finite number' });

export const predictPayload = z
  .object({
    /** owner.name@number, for logs. */
    model: z.string().max(300),
    task: z.enum(['classification', 'regression']),
    /** The version's features in input order, with their preprocessing. */
    features: z.array(featureSpec).min(1).max(2000),
    /** Classes in output order (classifiers); empty for regressors. */
    labels: z.array(z.string().max(MAX_CATEGORY_LENGTH)).max(100_000),
    /** Rows the input query returned when the job was made; the agent reads until a short chunk. */
    rowCount: z.number().int().min(0),
    /** Rows to ask for per request to GET rows. */
    chunkRows: z.number().int().min(1).max(100_000),
    /** The version's files: model.json and the weight shards it names. */
    files: z.array(z.string().min(1).max(500)).min(1).max(1000),
  })
  .strict();
export type PredictPayload = z.infer<typeof predictPayload>;

export const predictResult = z
  .object({
    /** Input rows read and predicted (the hub checks it holds an output for each). */
    rows: z.number().int().min(0),
  })
  .strict();
export type PredictResult = z.infer<typeof predictResult>;

/**
 * POST predictions: the outputs for the rows from `offset`, one array per row — the class
 * probabilities in label order for a classifier, [value] for a regressor (null when the model gave
 * something that is not a finite number). For ML.EVALUATE the hub refuses a null, a probability
 * outside [0, 1] and a vector that does not sum to 1 (the attempt then fails: it is not scored).
 */
export const predictionChunk = z
  .object({
    offset: z.number().int().min(0),
    outputs: z.array(z.array(finite.nullable()).min(1).max(100_000)).max(100_000),
  })
  .strict();
export type PredictionChunk = z.infer<typeof predictionChunk>;
