/**
 * The `train` job (CREATE MODEL … AS SELECT): read the rows from the hub, split them, fit the
 * preprocessing on the training split, build the network for the model type, train it with TF.js
 * one epoch at a time — reporting every epoch, uploading a checkpoint every
 * `checkpointEveryEpochs`, stopping early when the monitored loss stops improving — then evaluate
 * it and upload it with its features, labels and metrics. The hub makes the model version.
 *
 * Resuming: a new attempt asks the hub for the newest checkpoint and, if it holds together with
 * this job (same features, classes and network), goes on from its epoch with its preprocessing and
 * weights (the optimizer starts fresh: its state is not kept). Otherwise it starts over.
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { LoadedTf } from '../../tf/load-backend.js';
import {
  categoryValue,
  fitPreprocessing,
  inputWidth,
  numberValue,
  type CheckpointState,
  type EpochReport,
  type FeatureSpec,
} from '../../../../schema/index.js';
import { PermanentJobError, type JobHandler } from '../job-handler.js';
import { classificationMetrics, regressionMetrics } from './evaluation-metrics.js';
import { buildNetwork, optimizer, outputLayer } from './network.js';
import { classesOf, encode, readRows, splitRows } from './training-data.js';
import { TrainingHub } from './training-hub.js';

/** TF.js as the agent's backend loader gives it. */
type Tf = LoadedTf['tf'];

export const train: JobHandler<'train'> = async (ctx) => {
  const { payload, signal } = ctx;
  const h = payload.hyperparameters;
  const hub = new TrainingHub(ctx);
  const classification = payload.task === 'classification';
  const steps = new StepClock();

  // Asked together, as none depends on another: whether an earlier attempt made the version and
  // lost only its report (then nothing else is used), the newest checkpoint, and the rows. A first
  // attempt has no earlier one (the hub counts every lease, a released one too): it asks for the
  // rows alone, two requests fewer for the hub while it reads them.
  const earlier = ctx.attempt > 1;
  const finished = earlier ? hub.finished() : Promise.resolve(null);
  const checkpointAsked = earlier ? hub.checkpoint() : Promise.resolve({ state: null, problem: null });
  checkpointAsked.catch(() => undefined); // awaited below unless the version is already made
  ctx.progress(0.01, 'reading the training rows');
  const reading = readRows(hub, payload, signal, (read) =>
    ctx.progress(0.01 + 0.09 * Math.min(1, read / payload.rowCount), `read ${read} of ${payload.rowCount} rows`),
  );
  reading.catch(() => undefined);
  const done = await finished;
  if (done) return { modelVersionId: done.modelVersionId, versionNumber: done.versionNumber, epochs: done.epochs, resumedFromEpoch: done.epochs, stoppedEarly: done.stoppedEarly };
  const data = await reading;
  steps.lap(earlier ? 'read rows (and ask for a finished version, a checkpoint)' : 'read rows');
  const { train: trainRows, evaluation: evalRows } = splitRows(data, payload);
  const labelAt = data.index.get(payload.label.name)!;
  const featureAt = payload.features.map((f) => data.index.get(f.name)!);
  const classes = classification ? classesOf([...trainRows, ...evalRows], labelAt) : [];
  if (classification && (classes.length < 2 || classes.length > payload.maxClasses)) {
    throw new PermanentJobError(`a classifier needs 2 to ${payload.maxClasses} classes; the label has ${classes.length}`);
  }

  steps.lap('split rows');

  // ---- resume, or fit the preprocessing on the training split ----
  const checkpoint = await checkpointAsked;
  let resumed: { state: CheckpointState; weights: Float32Array } | null = null;
  if (checkpoint.state) {
    const problem = mismatch(checkpoint.state, payload.features, classes);
    if (problem) ctx.progress(0.1, `not resuming from the checkpoint at epoch ${checkpoint.state.epoch}: ${problem}`);
    else resumed = { state: checkpoint.state, weights: checkpoint.weights };
  } else if (checkpoint.problem) ctx.progress(0.1, `not resuming from the checkpoint: ${checkpoint.problem}`);
  const features: FeatureSpec[] = resumed?.state.features ?? fitPreprocessing(payload.features, trainRows, (row, i) => row[featureAt[i]], payload.maxVocabulary);
  const scaling = classification ? null : (resumed?.state.labelScaling ?? labelScaling(trainRows, labelAt));

  steps.lap('fit preprocessing');
  const { tf } = await ctx.tf();
  signal.throwIfAborted();
  steps.lap('load TF.js');
  const width = inputWidth(features);
  const outputs = classification ? classes.length : 1;
  const model = buildNetwork(tf, payload, width, outputs);
  // Given as an object, the optimizer is not the model's: model.dispose() leaves its state (a slot
  // or two per weight), which a worker kept for the next job would hold on to.
  const trainer = optimizer(tf, payload);
  const tensors: tfjs.Tensor[] = [];
  try {
    let startEpoch = 0;
    if (resumed) {
      if (restoreWeights(tf, model, resumed.state, resumed.weights)) startEpoch = resumed.state.epoch;
      else ctx.progress(0.1, `not resuming from the checkpoint at epoch ${resumed.state.epoch}: its weights do not fit the network`);
    }
    model.compile({
      optimizer: trainer,
      loss: classification ? 'categoricalCrossentropy' : 'meanSquaredError',
      metrics: classification ? ['accuracy'] : ['mae'],
    });
    const label = { at: labelAt, classes: classification ? classes : null, scaling };
    const trainSet = encode(trainRows, data, features, label);
    const evalSet = evalRows.length > 0 ? encode(evalRows, data, features, label) : null;
    const x = tf.tensor2d(trainSet.x, [trainSet.n, width]);
    const y = tf.tensor2d(trainSet.y, [trainSet.n, outputs]);
    tensors.push(x, y);
    let validationData: [tfjs.Tensor, tfjs.Tensor] | undefined;
    if (evalSet) {
      validationData = [tf.tensor2d(evalSet.x, [evalSet.n, width]), tf.tensor2d(evalSet.y, [evalSet.n, outputs])];
      tensors.push(...validationData);
    }
    const classWeight = classification ? classWeights(payload.hyperparameters, classes, trainSet.truth) : undefined;
    // Regressors learn the standardized label; losses and errors are reported in the label's units.
    const lossScale = scaling ? scaling.std ** 2 : 1;
    const errorScale = scaling ? scaling.std : 1;

    steps.lap('build network, encode rows');

    let epoch = startEpoch;
    let bestLoss = resumed && startEpoch > 0 ? resumed.state.bestLoss : null;
    let staleEpochs = resumed && startEpoch > 0 ? resumed.state.staleEpochs : 0;
    let stoppedEarly = false;
    // Epoch reports go out in order while the next epoch trains; a refused one stops training
    // after the epoch in flight, and every report is in before a checkpoint or the model goes up.
    let reporting: Promise<void> = Promise.resolve();
    const refused: { error?: unknown } = {};
    const reported = async () => {
      await reporting;
      if ('error' in refused) throw refused.error;
    };
    ctx.progress(0.1 + (0.85 * epoch) / h.epochs, startEpoch > 0 ? `resuming from the checkpoint at epoch ${startEpoch}` : 'training');
    while (epoch < h.epochs) {
      signal.throwIfAborted();
      if ('error' in refused) throw refused.error;
      epoch++;
      const started = performance.now();
      const history = await model.fit(x, y, {
        epochs: 1,
        batchSize: h.batchSize,
        shuffle: true,
        verbose: 0,
        validationData,
        classWeight,
        // Checked when TF.js yields to the event loop (every 125 ms), where an abort can arrive:
        // an onBatchEnd callback would make TF.js read back every batch's loss and accuracy.
        callbacks: {
          onYield: () => {
            if (signal.aborted) model.stopTraining = true;
          },
        },
      });
      signal.throwIfAborted();
      const value = (key: string) => {
        const v = history.history[key]?.[0];
        return typeof v === 'number' ? v : undefined;
      };
      const loss = (value('loss') ?? NaN) * lossScale;
      const evalLossRaw = value('val_loss');
      const evalLoss = evalLossRaw === undefined ? null : evalLossRaw * lossScale;
      if (!Number.isFinite(loss) || (evalLoss !== null && !Number.isFinite(evalLoss))) {
        throw new PermanentJobError(`training diverged at epoch ${epoch} (the loss is not a finite number): try a lower learn_rate`);
      }
      const metrics: Record<string, number> = {};
      const put = (name: string, v: number | undefined, scale = 1) => {
        if (v !== undefined && Number.isFinite(v * scale)) metrics[name] = v * scale;
      };
      if (classification) {
        put('accuracy', value('acc') ?? value('accuracy'));
        put('eval_accuracy', value('val_acc') ?? value('val_accuracy'));
      } else {
        put('mean_absolute_error', value('mae'), errorScale);
        put('eval_mean_absolute_error', value('val_mae'), errorScale);
      }
      const report: EpochReport = { epoch, loss, evalLoss, learningRate: h.learnRate, durationMs: Math.round(performance.now() - started), metrics };
      steps.lap('epochs');
      reporting = reporting.then(() =>
        hub.epochs([report]).catch((error: unknown) => {
          if (!('error' in refused)) refused.error = error;
        }),
      );
      ctx.progress(0.1 + (0.85 * epoch) / h.epochs, `epoch ${epoch} of ${h.epochs}`, { epoch, loss, ...(evalLoss !== null ? { eval_loss: evalLoss } : {}) });

      // BigQuery ML's early stop: after the first epoch whose relative improvement of the
      // monitored loss (the evaluation loss when there is an evaluation split) is below min_rel_progress.
      if (h.earlyStop) {
        const monitored = evalLoss ?? loss;
        if (bestLoss !== null && (bestLoss - monitored) / Math.max(Math.abs(bestLoss), 1e-12) < h.minRelProgress) staleEpochs++;
        else staleEpochs = 0;
        bestLoss = bestLoss === null ? monitored : Math.min(bestLoss, monitored);
        if (staleEpochs >= 1 && epoch < h.epochs) {
          stoppedEarly = true;
          break;
        }
      }
      if (payload.checkpointEveryEpochs > 0 && epoch % payload.checkpointEveryEpochs === 0 && epoch < h.epochs) {
        await reported();
        const { specs, values } = await readWeights(model);
        await hub.saveCheckpoint({ epoch, features, labels: classes, labelScaling: scaling, bestLoss, staleEpochs, weights: specs }, values);
        steps.lap('checkpoints');
      }
    }

    // ---- evaluate, and upload ----
    signal.throwIfAborted();
    ctx.progress(0.96, 'evaluating');
    if (scaling) foldLabelScaling(tf, model, scaling);
    const evaluated = evalSet ?? trainSet;
    const input = tf.tensor2d(evaluated.x, [evaluated.n, width]);
    tensors.push(input);
    // Batches of 8,192 rows: TF.js slices the input and joins the outputs per batch, and on 100,000
    // rows batches of 1,024 took 0.4–0.5 s against 0.1 s (wasm); the activations of a batch stay
    // a few MB.
    const prediction = model.predict(input, { batchSize: 8192 }) as tfjs.Tensor;
    tensors.push(prediction);
    const predicted = (await prediction.data()) as Float32Array;
    const metrics = classification ? classificationMetrics(predicted, evaluated.truth, outputs) : regressionMetrics(predicted, evaluated.truth);

    steps.lap('evaluate');
    ctx.progress(0.98, 'uploading the trained model');
    const { modelJson, weights } = await serialize(tf, model);
    steps.lap('serialize');
    await reported();
    steps.lap('wait for epoch reports');
    const { made, hubTimings } = await hub.uploadModel(modelJson, weights, { features, labels: classes, metrics, epochs: epoch, stoppedEarly });
    steps.lap('upload, version made');
    // The hub's own timing of the call told apart; what stays under the step is the transfer and the hand-offs.
    steps.split('upload, version made', { 'hub: store the files': hubTimings.receive, 'hub: check the model (TF.js)': hubTimings.check, 'hub: write the version': hubTimings.version });
    ctx.steps?.(steps.done());
    ctx.progress(1, `made version ${made.versionNumber}`, { epoch });
    return { modelVersionId: made.modelVersionId, versionNumber: made.versionNumber, epochs: epoch, resumedFromEpoch: startEpoch, stoppedEarly };
  } finally {
    tf.dispose(tensors);
    model.dispose();
    trainer.dispose();
  }
};

/** Milliseconds per named step; a step lapped more than once adds up. */
class StepClock {
  private at = performance.now();
  private readonly ms: Record<string, number> = {};

  lap(step: string): void {
    const now = performance.now();
    this.ms[step] = (this.ms[step] ?? 0) + (now - this.at);
    this.at = now;
  }

  /** Moves `parts` (ms; undefined ones skipped) out of `step`, at most what it holds; the rest stays under `step`. */
  split(step: string, parts: Record<string, number | undefined>): void {
    for (const [part, ms] of Object.entries(parts)) {
      const held = this.ms[step];
      if (ms === undefined || held === undefined) continue;
      const moved = Math.min(ms, held);
      this.ms[step] = held - moved;
      this.ms[part] = (this.ms[part] ?? 0) + moved;
    }
  }

  done(): Record<string, number> {
    return Object.fromEntries(Object.entries(this.ms).map(([step, ms]) => [step, Math.round(ms)]));
  }
}

/** Mean and population standard deviation of a regressor's label over the training rows. */
function labelScaling(rows: unknown[][], at: number): { mean: number; std: number } {
  let n = 0;
  let mean = 0;
  let m2 = 0;
  for (const row of rows) {
    const v = numberValue(row[at]);
    if (v === null) continue;
    n++;
    const d = v - mean;
    mean += d / n;
    m2 += d * (v - mean);
  }
  const std = Math.sqrt(m2 / Math.max(1, n));
  return { mean, std: std > 1e-12 && Number.isFinite(std) ? std : 1 };
}

/** Why a checkpoint cannot be resumed in this job, or null when it can. */
function mismatch(state: CheckpointState, columns: { name: string; type: string }[], classes: string[]): string | null {
  if (state.features.map((f) => `${f.name}:${f.type}`).join(',') !== columns.map((c) => `${c.name}:${c.type}`).join(',')) return 'its features are not this job’s columns';
  if (state.labels.join('\u0000') !== classes.join('\u0000')) return 'its classes are not this data’s';
  if ((state.labelScaling === null) !== (classes.length > 0)) return 'it is for another kind of model';
  return null;
}

/** Class weights by class index: the ones given (others 1), or balanced (n / (k × count)). */
function classWeights(h: { classWeights: { label: string; weight: number }[] | null; autoClassWeights: boolean }, classes: string[], truth: number[]): Record<number, number> | undefined {
  if (h.classWeights) {
    const given = new Map(h.classWeights.map((w) => [w.label, w.weight]));
    return Object.fromEntries(classes.map((c, i) => [i, given.get(categoryValue(c)!) ?? 1]));
  }
  if (!h.autoClassWeights) return undefined;
  const counts = new Array<number>(classes.length).fill(0);
  for (const t of truth) counts[t]++;
  return Object.fromEntries(counts.map((count, i) => [i, count > 0 ? truth.length / (classes.length * count) : 1]));
}

/** The network's weights, in its order, as checkpoint specs and one float32 buffer. */
async function readWeights(model: tfjs.LayersModel): Promise<{ specs: CheckpointState['weights']; values: Float32Array }> {
  const variables = model.weights;
  const values = model.getWeights();
  // originalName: `name` gets a suffix in a thread that built a network with the same layer names
  // before (a worker kept for another job), and a checkpoint must match on any worker.
  const specs = variables.map((v, i) => ({ name: v.originalName, shape: [...values[i].shape], dtype: 'float32' as const }));
  const total = values.reduce((n, t) => n + t.size, 0);
  const out = new Float32Array(total);
  let at = 0;
  for (const t of values) {
    out.set((await t.data()) as Float32Array, at);
    at += t.size;
  }
  return { specs, values: out };
}

/** Sets the checkpoint's weights if they fit the network exactly (same count, names and shapes). */
function restoreWeights(tf: Tf, model: tfjs.LayersModel, state: CheckpointState, weights: Float32Array): boolean {
  const current = model.getWeights();
  if (current.length !== state.weights.length) return false;
  const fits = state.weights.every((w, i) => w.name === model.weights[i].originalName && w.shape.join('x') === current[i].shape.join('x'));
  if (!fits) return false;
  let at = 0;
  const restored = state.weights.map((w) => {
    const size = w.shape.reduce((a, b) => a * b, 1);
    const t = tf.tensor(weights.subarray(at, at + size), w.shape, 'float32');
    at += size;
    return t;
  });
  try {
    model.setWeights(restored);
  } finally {
    tf.dispose(restored);
  }
  return true;
}

/** A regressor learned the standardized label: fold y = std × ŷ + mean into its (linear) output layer. */
function foldLabelScaling(tf: Tf, model: tfjs.LayersModel, scaling: { mean: number; std: number }): void {
  const layer = outputLayer(model);
  const [kernel, bias] = layer.getWeights();
  const folded = tf.tidy(() => [kernel.mul(scaling.std), bias.mul(scaling.std).add(scaling.mean)]);
  layer.setWeights(folded);
  tf.dispose(folded);
}

/** model.json (TF.js layers format) and its one weight shard. */
async function serialize(tf: Tf, model: tfjs.LayersModel): Promise<{ modelJson: object; weights: Uint8Array }> {
  let saved: tfjs.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  if (!saved?.modelTopology || !saved.weightSpecs || !saved.weightData) throw new Error('TF.js saved no model');
  const data = saved.weightData;
  const buffer = Array.isArray(data) ? tf.io.concatenateArrayBuffers(data) : data;
  return {
    modelJson: {
      format: 'layers-model',
      generatedBy: `TensorFlow.js tfjs-layers v${tf.version_layers}`,
      convertedBy: null,
      modelTopology: saved.modelTopology,
      weightsManifest: [{ paths: ['weights.bin'], weights: saved.weightSpecs }],
    },
    weights: new Uint8Array(buffer),
  };
}
