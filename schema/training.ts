/**
 * The `train` job (CREATE MODEL … AS SELECT): what the hub hands an agent, what the agent sends
 * back over the job's HTTP endpoints (epochs, checkpoints, the trained model) and what it reports
 * at the end. Agents are untrusted: the hub parses every one of these before believing it, and an
 * agent parses a checkpoint (written by another, possibly hostile, agent) before resuming from it.
 *
 * Job-token endpoints (hub/src/training/training-agent.routes.ts), all under /api/jobs/:id:
 *   GET  rows?offset=&limit=   a chunk of the training query's rows: {@link RowsChunk}
 *   POST epochs                {@link EpochReports}, one entry per finished epoch
 *   POST checkpoints           multipart: state.json ({@link CheckpointState}) + weights.bin
 *   GET  checkpoint            the latest checkpoint's state (204 when there is none)
 *   GET  checkpoint/weights    its weights (float32, in the order of state.weights)
 *   GET  model                 the version an earlier attempt of the run made (its report was lost), 204 when none
 *   POST model                 multipart: model.json + weight shards + training.json ({@link TrainedModelInfo})
 * An agent asks `GET model` and `GET checkpoint` from the job's second attempt on: the hub counts
 * every lease as an attempt, so nothing earlier exists for attempt 1.
 */
import { z } from 'zod';
import { FEATURE_TYPES, featureSpec, MAX_CATEGORY_LENGTH } from './preprocessing.js';

export const TRAIN_MODEL_TYPES = ['linear_reg', 'logistic_reg', 'dnn_classifier', 'dnn_regressor', 'custom'] as const;
export type TrainModelType = (typeof TRAIN_MODEL_TYPES)[number];
export const TRAIN_OPTIMIZERS = ['sgd', 'adam', 'rmsprop', 'adagrad'] as const;
export const TRAIN_ACTIVATIONS = ['relu', 'relu6', 'elu', 'selu', 'sigmoid', 'tanh', 'softplus', 'softsign', 'linear', 'swish', 'mish', 'gelu'] as const;
export const DATA_SPLIT_METHODS = ['auto_split', 'random', 'custom', 'seq', 'no_split'] as const;
export const MAX_EPOCHS = 100_000;

const finite = z.number().refine(Number.isFinite, { message: 'must be a finite number' });
const uuid = z.string().uuid();
const columnName = z.string().min(1).max(200);
const column = z.object({ name: columnName, type: z.enum(FEATURE_TYPES) }).strict();
/** metric names: lower snake case, like BigQuery's (accuracy, eval_loss, mean_absolute_error …). */
const metricName = z.string().regex(/^[a-z][a-z0-9_]{0,63}$/);
const metrics = z.record(metricName, finite).refine((m) => Object.keys(m).length <= 50, { message: 'at most 50 metrics' });

/** Every hyperparameter, defaults filled in by the hub, so the agent and the lineage see the same values. */
export const trainHyperparameters = z
  .object({
    hiddenUnits: z.array(z.number().int().min(1).max(4096)).max(32),
    activation: z.enum(TRAIN_ACTIVATIONS),
    optimizer: z.enum(TRAIN_OPTIMIZERS),
    learnRate: z.number().positive().max(10),
    epochs: z.number().int().min(1).max(MAX_EPOCHS),
    batchSize: z.number().int().min(1).max(65_536),
    l1Reg: z.number().min(0).max(1e6),
    l2Reg: z.number().min(0).max(1e6),
    dropout: z.number().min(0).lt(1),
    earlyStop: z.boolean(),
    minRelProgress: z.number().min(0).max(1),
    dataSplitMethod: z.enum(DATA_SPLIT_METHODS),
    dataSplitEvalFraction: z.number().gt(0).lt(1),
    dataSplitCol: columnName.nullable(),
    classWeights: z.array(z.object({ label: z.string().max(MAX_CATEGORY_LENGTH), weight: z.number().positive().max(1e6) }).strict()).max(100_000).nullable(),
    autoClassWeights: z.boolean(),
  })
  .strict();
export type TrainHyperparameters = z.infer<typeof trainHyperparameters>;

export const trainPayload = z
  .object({
    modelType: z.enum(TRAIN_MODEL_TYPES),
    task: z.enum(['classification', 'regression']),
    /** owner.name of the model being trained, for logs. */
    model: z.string().max(300),
    label: column,
    /** The feature columns in input order (the SELECT's columns but the label and the split column). */
    features: z.array(column).min(1).max(2000),
    /** Rows the query returned when the job was made (labelled or not); the agent reads until a short chunk. */
    rowCount: z.number().int().min(1),
    /** Rows to ask for per request to GET rows. */
    chunkRows: z.number().int().min(1).max(100_000),
    /** Upload a checkpoint every this many epochs (0: never). */
    checkpointEveryEpochs: z.number().int().min(0).max(MAX_EPOCHS),
    /** Most classes a classifier may have (checked by the hub before the job; checked again here). */
    maxClasses: z.number().int().min(2).max(100_000),
    /** Most entries in a ONE_HOT vocabulary, before the reserved __missing__ entry. */
    maxVocabulary: z.number().int().min(1).max(100_000),
    hyperparameters: trainHyperparameters,
    /** model_type 'custom': the saved architecture's spec (schema/model-spec.ts), built with buildLayersModel. */
    spec: z.unknown().nullable(),
    /** The CREATE MODEL statement as written, and the dataset versions its SELECT reads (lineage). */
    statement: z.string().max(100_000),
    datasets: z.array(z.object({ owner: z.string().max(100), name: z.string().max(200), version: z.number().int().min(1), versionId: uuid }).strict()).max(100),
  })
  .strict();
export type TrainPayload = z.infer<typeof trainPayload>;

export const trainResult = z
  .object({
    /** The model version the hub made from the uploaded model (POST model answered it). */
    modelVersionId: uuid,
    versionNumber: z.number().int().min(1),
    /** The last epoch trained. */
    epochs: z.number().int().min(0).max(MAX_EPOCHS),
    /** The checkpoint epoch this attempt started from (0: from scratch). */
    resumedFromEpoch: z.number().int().min(0).max(MAX_EPOCHS),
    stoppedEarly: z.boolean(),
  })
  .strict();
export type TrainResult = z.infer<typeof trainResult>;

/** GET rows: one chunk; `rows` hold the SELECT's values in `columns` order. A chunk shorter than asked is the last. */
export const rowsChunk = z
  .object({
    columns: z.array(z.string()),
    rows: z.array(z.array(z.unknown())),
    offset: z.number().int().min(0),
  })
  .strict();
export type RowsChunk = z.infer<typeof rowsChunk>;

/**
 * Chunks an agent asks for at once, the first of them as soon as its job starts: the agent reads
 * this many ahead, and the hub reads the first this many while the job is dispatched.
 */
export const ROWS_READ_AHEAD = 3;

export const epochReport = z
  .object({
    /** 1-based. */
    epoch: z.number().int().min(1).max(MAX_EPOCHS),
    loss: finite,
    /** Loss on the evaluation split; null without one. */
    evalLoss: finite.nullable(),
    learningRate: finite,
    durationMs: z.number().int().min(0).max(7 * 86_400_000),
    /** accuracy / eval_accuracy for classifiers, mean_absolute_error / eval_mean_absolute_error for regressors. */
    metrics,
  })
  .strict();
export type EpochReport = z.infer<typeof epochReport>;
export const epochReports = z.object({ epochs: z.array(epochReport).min(1).max(1000) }).strict();
export type EpochReports = z.infer<typeof epochReports>;

/** A float32 weight of the network, in the order the network lists its weights. */
const weightSpec = z.object({ name: z.string().max(300), shape: z.array(z.number().int().min(0).max(1e9)).max(8), dtype: z.literal('float32') }).strict();

/**
 * What a checkpoint holds besides the weights: enough to go on from `epoch` without fitting the
 * preprocessing again (the optimizer's state is not kept: the next agent starts it fresh).
 */
export const checkpointState = z
  .object({
    epoch: z.number().int().min(1).max(MAX_EPOCHS),
    features: z.array(featureSpec).min(1).max(2000),
    /** Classes in output order (classifiers); empty for regressors. */
    labels: z.array(z.string().max(MAX_CATEGORY_LENGTH)).max(100_000),
    /** Regressors learn the standardized label; this undoes it. */
    labelScaling: z.object({ mean: finite, std: finite.refine((v) => v > 0) }).strict().nullable(),
    /** Early stopping: the best monitored loss so far and epochs since it last improved enough. */
    bestLoss: finite.nullable(),
    staleEpochs: z.number().int().min(0).max(MAX_EPOCHS),
    weights: z.array(weightSpec).min(1).max(10_000),
  })
  .strict();
export type CheckpointState = z.infer<typeof checkpointState>;

/** Bytes the weights of a checkpoint (float32) take. */
export function checkpointWeightBytes(state: Pick<CheckpointState, 'weights'>): number {
  return state.weights.reduce((n, w) => n + w.shape.reduce((a, b) => a * b, 1) * 4, 0);
}

/** training.json, beside model.json in POST model. */
export const trainedModelInfo = z
  .object({
    features: z.array(featureSpec).min(1).max(2000),
    labels: z.array(z.string().max(MAX_CATEGORY_LENGTH)).max(100_000),
    /** Evaluation metrics of the final model (on the evaluation split; on the training rows without one). */
    metrics,
    epochs: z.number().int().min(1).max(MAX_EPOCHS),
    stoppedEarly: z.boolean(),
  })
  .strict();
export type TrainedModelInfo = z.infer<typeof trainedModelInfo>;

/**
 * A custom model's spec is the network's body: it reads one flat vector of preprocessed inputs,
 * whose width only the training data decide. This sets that width — `inputShape` of a sequential
 * spec, the shape of a functional spec's single input — or says why the spec cannot be a body
 * (returns a message instead). The hub checks with it before a job starts; the agent builds with it.
 */
export function specWithInputWidth(spec: unknown, width: number): { spec: object } | { problem: string } {
  const s = spec as { kind?: unknown; inputShape?: unknown; inputs?: unknown; outputs?: unknown } | null;
  if (s?.kind === 'sequential') {
    if (!Array.isArray(s.inputShape) || s.inputShape.length !== 1) {
      return { problem: `its inputShape must be one dimension, [n] (the trainer sets n to the number of preprocessed inputs), not ${JSON.stringify(s.inputShape)}` };
    }
    return { spec: { ...s, inputShape: [width] } };
  }
  if (s?.kind === 'functional') {
    const inputs = s.inputs as { name?: unknown; shape?: unknown }[] | undefined;
    if (!Array.isArray(inputs) || inputs.length !== 1) return { problem: 'a functional spec must have exactly one input (the row of preprocessed features)' };
    if (!Array.isArray(inputs[0].shape) || inputs[0].shape.length !== 1) {
      return { problem: `its input's shape must be one dimension, [n] (the trainer sets n), not ${JSON.stringify(inputs[0].shape)}` };
    }
    if (!Array.isArray(s.outputs) || s.outputs.length !== 1) return { problem: 'a functional spec must have exactly one output (the trainer adds the head after it)' };
    return { spec: { ...s, inputs: [{ ...inputs[0], shape: [width] }] } };
  }
  return { problem: 'it is neither a sequential nor a functional spec' };
}
