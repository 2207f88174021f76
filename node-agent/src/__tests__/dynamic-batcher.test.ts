import { describe, expect, it } from 'vitest';
import { DynamicBatcher, type BatchAnswer, type BatcherClock } from '../jobs/serve/dynamic-batcher.js';

/** A clock that moves only when told; timers fire as it passes them. */
class ManualClock implements BatcherClock {
  private time = 1000;
  private timers: { at: number; fn: () => void; id: number }[] = [];
  private ids = 0;
  now = () => this.time;
  setTimer = (fn: () => void, ms: number) => {
    const id = ++this.ids;
    this.timers.push({ at: this.time + ms, fn, id });
    return id;
  };
  clearTimer = (handle: unknown) => {
    this.timers = this.timers.filter((t) => t.id !== handle);
  };
  advance(ms: number): void {
    const until = this.time + ms;
    for (;;) {
      const due = this.timers.filter((t) => t.at <= until).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.time = due.at;
      due.fn();
    }
    this.time = until;
  }
}

/** A model stand-in: each row's output is [its input value × 10]; each call is held until released. */
function harness(options: { maxBatchSize: number; maxQueueDelayMs: number; maxQueue?: number }) {
  const clock = new ManualClock();
  const calls: { inputs: number[][]; rows: number; release: (fail?: string) => void }[] = [];
  const answers = new Map<string, BatchAnswer>();
  const batcher = new DynamicBatcher<number[]>({
    ...options,
    maxQueue: options.maxQueue ?? 100,
    clock,
    run: (inputs, rows) =>
      new Promise((resolve, reject) => {
        calls.push({
          inputs,
          rows,
          release: (fail) => {
            clock.advance(5);
            if (fail) reject(new Error(fail));
            else resolve(inputs.flat().map((v) => [v * 10]));
          },
        });
      }),
    answer: (answer) => answers.set(answer.requestId, answer),
  });
  let n = 0;
  const submit = (values: number[], deadlineMs = 10_000) => {
    const requestId = `r${++n}`;
    batcher.submit({ requestId, input: values, rows: values.length, receivedAt: clock.now(), deadlineAt: clock.now() + deadlineMs });
    return requestId;
  };
  const settle = () => new Promise((resolve) => setImmediate(resolve));
  return { clock, calls, answers, batcher, submit, settle };
}

describe('Dynamic batcher (Triton-style)', () => {
  it('gathers requests arriving within maxQueueDelayMs into one call and splits the outputs back per request', async () => {
    const h = harness({ maxBatchSize: 8, maxQueueDelayMs: 10 });
    const a = h.submit([1, 2]);
    h.clock.advance(4);
    const b = h.submit([3]);
    h.clock.advance(5);
    expect(h.calls).toHaveLength(0);
    h.clock.advance(1); // the oldest has now waited 10 ms
    expect(h.calls).toHaveLength(1);
    expect(h.calls[0]).toMatchObject({ inputs: [[1, 2], [3]], rows: 3 });
    h.calls[0].release();
    await h.settle();
    expect(h.answers.get(a)).toEqual({ requestId: a, outputs: [[10], [20]], batchSize: 3, queueMs: 10, computeMs: 5 });
    expect(h.answers.get(b)).toEqual({ requestId: b, outputs: [[30]], batchSize: 3, queueMs: 6, computeMs: 5 });
    expect(h.batcher.load()).toEqual({ inFlight: 0, queued: 0, latencyMs: expect.any(Number), requests: 2 });
  });

  it('sends a batch at once when it is full, never splitting a request and keeping arrival order', async () => {
    const h = harness({ maxBatchSize: 4, maxQueueDelayMs: 1000 });
    h.submit([1, 2]);
    h.submit([3]);
    expect(h.calls).toHaveLength(0);
    h.submit([4, 5]); // does not fit beside 3 rows, but 5 rows wait: the batch is due
    expect(h.calls).toHaveLength(1);
    expect(h.calls[0].inputs).toEqual([[1, 2], [3]]);
    h.submit([6, 7]);
    h.calls[0].release();
    await h.settle();
    // The next batch was gathering while the first computed, and is full.
    expect(h.calls).toHaveLength(2);
    expect(h.calls[1].inputs).toEqual([
      [4, 5],
      [6, 7],
    ]);
  });

  it('runs a request larger than maxBatchSize alone, in one call', async () => {
    const h = harness({ maxBatchSize: 2, maxQueueDelayMs: 50 });
    const big = h.submit([1, 2, 3, 4, 5]);
    const small = h.submit([6]);
    expect(h.calls.map((c) => c.inputs)).toEqual([[[1, 2, 3, 4, 5]]]);
    h.calls[0].release();
    await h.settle();
    expect(h.answers.get(big)).toMatchObject({ outputs: [[10], [20], [30], [40], [50]], batchSize: 5 });
    h.clock.advance(50);
    expect(h.calls[1].inputs).toEqual([[6]]);
    h.calls[1].release();
    await h.settle();
    expect(h.answers.get(small)).toMatchObject({ outputs: [[60]], batchSize: 1 });
  });

  it('with maxBatchSize 1 runs every request on its own without waiting', () => {
    const h = harness({ maxBatchSize: 1, maxQueueDelayMs: 100 });
    h.submit([1]);
    expect(h.calls).toHaveLength(1);
  });

  it('answers OVERLOADED at once when maxQueue requests already wait, running nothing for it', async () => {
    const h = harness({ maxBatchSize: 1, maxQueueDelayMs: 0, maxQueue: 2 });
    h.submit([1]); // computing: not waiting
    h.submit([2]);
    h.submit([3]);
    const refused = h.submit([4]);
    expect(h.answers.get(refused)).toMatchObject({ error: { code: 'OVERLOADED' }, batchSize: 0, computeMs: 0 });
    expect(h.batcher.load()).toMatchObject({ inFlight: 1, queued: 2 });
    h.calls[0].release();
    await h.settle();
    expect(h.calls.map((c) => c.inputs)).toEqual([[[1]], [[2]]]);
  });

  it('answers DEADLINE without running a request whose deadline passed before its batch started', async () => {
    const h = harness({ maxBatchSize: 1, maxQueueDelayMs: 0 });
    h.submit([1]);
    const late = h.submit([2], 3); // the first call holds the model for 5 ms
    const onTime = h.submit([3], 100);
    h.calls[0].release();
    await h.settle();
    expect(h.answers.get(late)).toMatchObject({ error: { code: 'DEADLINE' }, batchSize: 0 });
    expect(h.calls.map((c) => c.inputs)).toEqual([[[1]], [[3]]]);
    h.calls[1].release();
    await h.settle();
    expect(h.answers.get(onTime)).toMatchObject({ outputs: [[30]] });
  });

  it('answers FAILED to every request of a batch whose call failed, and keeps serving', async () => {
    const h = harness({ maxBatchSize: 4, maxQueueDelayMs: 0 });
    const a = h.submit([1]);
    h.calls[0].release('out of memory');
    await h.settle();
    expect(h.answers.get(a)).toMatchObject({ error: { code: 'FAILED', message: expect.stringContaining('out of memory') }, batchSize: 1 });
    const b = h.submit([2]);
    h.calls[1].release();
    await h.settle();
    expect(h.answers.get(b)).toMatchObject({ outputs: [[20]] });
  });

  it('stop() answers waiting and later requests UNAVAILABLE; drain() runs what waits at once and then refuses', async () => {
    const h = harness({ maxBatchSize: 1, maxQueueDelayMs: 0 });
    h.submit([1]);
    const waiting = h.submit([2]);
    const stopped = h.batcher.stop();
    expect(h.answers.get(waiting)).toMatchObject({ error: { code: 'UNAVAILABLE' } });
    const later = h.submit([3]);
    expect(h.answers.get(later)).toMatchObject({ error: { code: 'UNAVAILABLE' } });
    h.calls[0].release();
    await stopped;

    const d = harness({ maxBatchSize: 8, maxQueueDelayMs: 1000 });
    const held = d.submit([1]);
    const drained = d.batcher.drain();
    expect(d.calls).toHaveLength(1); // no 1 s gathering while draining
    expect(d.answers.get(d.submit([2]))).toMatchObject({ error: { code: 'UNAVAILABLE' } });
    d.calls[0].release();
    await drained;
    expect(d.answers.get(held)).toMatchObject({ outputs: [[10]] });
  });
});
