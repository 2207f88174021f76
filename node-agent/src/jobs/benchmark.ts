/**
 * The `benchmark` job: measures what this agent's TF.js backend does in practice, so the hub can
 * weigh agents by speed. Two figures: dense matmul throughput (raw compute) and training steps per
 * second of a small network (the per-op overhead real training jobs also pay).
 */
import type { JobHandler } from './job-handler.js';

const MIN_MATMUL_RUNS = 3;
const MAX_MATMUL_RUNS = 10;
// Beyond the minimum runs, stop repeating once this much time went into timed runs.
const MATMUL_BUDGET_MS = 2000;
const BATCH_SIZE = 64;
const INPUTS = 32;

export const benchmark: JobHandler<'benchmark'> = async (ctx) => {
  const { matrixSize: n, fitSteps } = ctx.payload;
  ctx.signal.throwIfAborted();
  const { tf, backend } = await ctx.tf();
  ctx.signal.throwIfAborted();

  // ---- matmul ----
  ctx.progress(0.05, 'matmul: warming up');
  const a = tf.randomNormal([n, n], 0, 1, 'float32');
  const b = tf.randomNormal([n, n], 0, 1, 'float32');
  let bestMs = Infinity;
  try {
    const timeMatMul = async (): Promise<number> => {
      const start = performance.now();
      const c = tf.matMul(a, b);
      try {
        // Backends may run lazily: reading the result is what forces the work to happen.
        await c.data();
      } finally {
        c.dispose();
      }
      return performance.now() - start;
    };
    // The first run pays for kernel setup and memory allocation, not for compute.
    await timeMatMul();
    let spentMs = 0;
    for (let run = 0; run < MAX_MATMUL_RUNS && (run < MIN_MATMUL_RUNS || spentMs < MATMUL_BUDGET_MS); run++) {
      ctx.signal.throwIfAborted();
      const ms = await timeMatMul();
      bestMs = Math.min(bestMs, ms);
      spentMs += ms;
    }
  } finally {
    tf.dispose([a, b]);
  }
  // A timer tick of zero would make the figure infinite, which the hub rightly refuses.
  const gflops = (2 * n ** 3) / (Math.max(bestMs, 1e-6) / 1000) / 1e9;
  ctx.progress(0.5, 'matmul done', { gflops });

  // ---- training ----
  ctx.signal.throwIfAborted();
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [INPUTS], units: 64, activation: 'relu' }),
      tf.layers.dense({ units: 1 }),
    ],
  });
  let stepsPerSecond: number;
  try {
    // Given by name, the optimizer belongs to the model and model.dispose() frees its state too.
    model.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
    const step = async () => {
      const x = tf.randomNormal([BATCH_SIZE, INPUTS]);
      const y = tf.randomNormal([BATCH_SIZE, 1]);
      try {
        await model.trainOnBatch(x, y);
      } finally {
        tf.dispose([x, y]);
      }
    };
    // The first step builds the training function and the optimizer's variables.
    await step();
    const start = performance.now();
    for (let i = 0; i < fitSteps; i++) {
      ctx.signal.throwIfAborted();
      await step();
      ctx.progress(0.5 + (0.5 * (i + 1)) / fitSteps, `training step ${i + 1}/${fitSteps}`);
    }
    const seconds = Math.max(performance.now() - start, 1e-6) / 1000;
    stepsPerSecond = fitSteps / seconds;
  } finally {
    model.dispose();
  }
  ctx.progress(1, 'done', { gflops, stepsPerSecond });

  return { backend, gflops, stepsPerSecond, matrixSize: n, fitSteps };
};
