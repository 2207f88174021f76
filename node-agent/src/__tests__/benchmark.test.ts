import { describe, expect, it, vi } from 'vitest';
import { JOB_KINDS } from '../../../schema/index.js';
import { benchmark } from '../jobs/benchmark.js';
import type { JobContext } from '../jobs/job-handler.js';
import { loadBestBackend } from '../tf/load-backend.js';

function context(signal = new AbortController().signal) {
  const progress = vi.fn<JobContext<'benchmark'>['progress']>();
  const ctx: JobContext<'benchmark'> = {
    jobId: '00000000-0000-0000-0000-000000000001',
    attempt: 1,
    payload: JOB_KINDS.benchmark.payload.parse({ matrixSize: 64, fitSteps: 5 }),
    signal,
    progress,
    tf: () => loadBestBackend(),
    hubFetch: () => Promise.reject(new Error('the benchmark talks to no hub')),
  };
  return { ctx, progress };
}

describe('benchmark job (real TF.js on WASM)', () => {
  it('measures matmul and training throughput, reports progress and frees every tensor', async () => {
    const { tf } = await loadBestBackend();
    const { ctx, progress } = context();
    const result = await benchmark(ctx);
    expect(JOB_KINDS.benchmark.result.parse(result)).toEqual(result);
    expect(result).toMatchObject({ backend: 'wasm', matrixSize: 64, fitSteps: 5 });
    for (const figure of [result.gflops, result.stepsPerSecond]) {
      expect(Number.isFinite(figure)).toBe(true);
      expect(figure).toBeGreaterThan(0);
    }
    expect(progress.mock.calls.length).toBeGreaterThanOrEqual(3);
    const fractions = progress.mock.calls.map(([p]) => p);
    expect(fractions).toEqual([...fractions].sort((a, b) => a - b));
    expect(fractions.at(-1)).toBe(1);

    const tensorsAfterFirst = tf.memory().numTensors;
    await benchmark(context().ctx);
    expect(tf.memory().numTensors).toBe(tensorsAfterFirst);
  });

  it('rejects when the job is aborted, before or while it runs, and leaks nothing', async () => {
    const { tf } = await loadBestBackend();
    const tensorsBefore = tf.memory().numTensors;

    const aborted = new AbortController();
    aborted.abort();
    await expect(benchmark(context(aborted.signal).ctx)).rejects.toMatchObject({ name: 'AbortError' });

    // Abort from inside the training phase (progress above one half).
    const controller = new AbortController();
    const { ctx, progress } = context(controller.signal);
    progress.mockImplementation((p) => {
      if (p > 0.5) controller.abort();
    });
    await expect(benchmark(ctx)).rejects.toMatchObject({ name: 'AbortError' });
    expect(tf.memory().numTensors).toBe(tensorsBefore);
  });
});
