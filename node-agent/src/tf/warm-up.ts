/**
 * A short training run in a spare job worker (job-runner.ts) after TF.js has loaded, so the job it
 * is given later does not pay for V8's first compilation of TF.js's training code: a job's first
 * `fit` in a fresh thread took about 1 s longer than the same fit run again (10,000 rows × 5
 * epochs, wasm backend), and after this warm-up (about 0.45 s of one core, on a network of another
 * shape) most of that second is gone. Measured apart (fresh threads, five of each, load about 1),
 * the fit took 1.20–1.27 s (medians) after it and 1.08–1.12 s after one of 256 batches per head
 * (1 s of a core); but the benchmark's agent did not train measurably faster with the longer one,
 * which costs every spare (one per agent start and per TF.js job) 0.5 s more CPU: the short one stays.
 *
 * It trains a tiny dense network — a hidden ReLU layer, a softmax head and a linear head, Adam,
 * cross-entropy and squared error, then a batched predict — the paths the trainer's networks take.
 * Its layers have names of their own, so the job's network gets the layer names it would get in a
 * worker that never warmed up (checkpoints match weights by their original names, which a thread
 * that built the same names before does not change). It stops at its next
 * yield once `stop()` answers true (a job has started), and disposes of everything it made.
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { LoadedTf } from './load-backend.js';

/** 64 batches of 64 per head. */
const ROWS = 4096;
const WIDTH = 4;

export async function warmUpTraining(tf: LoadedTf['tf'], stop: () => boolean): Promise<void> {
  const made: tfjs.Tensor[] = [];
  const models: tfjs.LayersModel[] = [];
  try {
    const x = tf.randomNormal([ROWS, WIDTH]);
    made.push(x);
    for (const head of ['softmax', 'linear'] as const) {
      if (stop()) return;
      const outputs = head === 'softmax' ? 2 : 1;
      const y = head === 'softmax' ? tf.oneHot(tf.randomUniform([ROWS], 0, 2, 'int32') as tfjs.Tensor1D, 2).toFloat() : tf.randomNormal([ROWS, 1]);
      made.push(y);
      const model = tf.sequential({
        name: `aimass_warm_up_${head}`,
        layers: [
          tf.layers.dense({ name: `aimass_warm_up_${head}_hidden`, units: 8, activation: 'relu', inputShape: [WIDTH] }),
          tf.layers.dense({ name: `aimass_warm_up_${head}_output`, units: outputs, activation: head }),
        ],
      });
      models.push(model);
      model.compile({ optimizer: tf.train.adam(0.01), loss: head === 'softmax' ? 'categoricalCrossentropy' : 'meanSquaredError', metrics: head === 'softmax' ? ['accuracy'] : ['mae'] });
      await model.fit(x, y, {
        epochs: 1,
        batchSize: 64,
        shuffle: true,
        verbose: 0,
        callbacks: {
          onYield: () => {
            if (stop()) model.stopTraining = true;
          },
        },
      });
      if (stop()) return;
      const predicted = model.predict(x, { batchSize: 8192 }) as tfjs.Tensor;
      made.push(predicted);
      await predicted.data();
    }
  } finally {
    tf.dispose(made);
    for (const model of models) model.dispose();
  }
}
