import { describe, expect, it } from 'vitest';
import { AppError } from '../../errors.js';
import { OutlierDetector } from '../router/outlier-detector.js';
import { PeakEwma } from '../router/peak-ewma.js';
import { ReplicaState } from '../router/replica-state.js';
import { RetryBudget } from '../router/retry-budget.js';
import { answer, makeRouter, refusal } from './router-fakes.js';

const DEP = 'dep-1';
const records = [{ x: 1 }, { x: 2 }];

/** A call due in `ms` from the router's clock. */
function call(clock: { now(): number }, ms = 5_000, extra: { versionNumber?: number } = {}) {
  return { deploymentId: DEP, records, deadlineAt: clock.now() + ms, ...extra };
}

/** A repeatable random sequence (a small LCG), so the picks of a test are the same on every run. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

async function rejection(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    return error as AppError;
  }
  throw new Error('expected a rejection');
}

describe('PeakEwma', () => {
  it('jumps to a new peak at once and decays back with its time constant', () => {
    const ewma = new PeakEwma(10_000, 10, 0);
    ewma.observe(2_000, 1);
    expect(ewma.value(1)).toBe(2_000);
    // A fast answer right after barely moves it: the peak is remembered.
    ewma.observe(10, 2);
    expect(ewma.value(2)).toBeGreaterThan(1_990);
    // Left alone for one time constant it falls to 1/e of itself.
    expect(ewma.value(10_002)).toBeCloseTo(ewma.value(2) / Math.E, 3);
  });
});

describe('RetryBudget', () => {
  it('allows retries up to the percentage of requests over the window, plus the floor, and forgets old requests', () => {
    const budget = new RetryBudget(20, 0, 10_000);
    for (let i = 0; i < 10; i += 1) budget.deposit(0);
    expect(budget.tryWithdraw(0)).toBe(true);
    expect(budget.tryWithdraw(500)).toBe(true);
    expect(budget.tryWithdraw(900)).toBe(false);
    // Ten seconds on, those requests are out of the window and nothing is allowed.
    expect(budget.tryWithdraw(10_500)).toBe(false);
    const floored = new RetryBudget(20, 1, 10_000);
    expect([...Array(11)].map(() => floored.tryWithdraw(0)).filter(Boolean)).toHaveLength(10);
  });
});

describe('OutlierDetector', () => {
  const policy = { failures: 5, latencyFactor: 3, baseMs: 10_000, maxMs: 25_000 };

  it('ejects a replica whose mean latency is far above the median of its peers, after enough samples', () => {
    const detector = new OutlierDetector(policy);
    const states = [0, 1, 2, 3].map((i) => new ReplicaState(`r${i}`, DEP, 10, 0));
    for (let n = 0; n < 10; n += 1) for (const [i, state] of states.entries()) if (i > 0 || n < 9) state.observe(i === 0 ? 200 : 10, n);
    expect(detector.succeeded(states[0], states, 9)).toBeUndefined(); // 9 samples: not enough yet
    states[0].observe(200, 10);
    expect(detector.succeeded(states[0], states, 10)).toBe('latency');
    expect(states[0].ejected(11)).toBe(true);
    expect(detector.succeeded(states[1], states, 11)).toBeUndefined();
  });

  it('grows the ejection with each one, up to the cap, and lets the replica back when it ends', () => {
    const detector = new OutlierDetector(policy);
    const states = [0, 1].map((i) => new ReplicaState(`r${i}`, DEP, 10, 0));
    const periods: number[] = [];
    let now = 0;
    for (let round = 0; round < 3; round += 1) {
      for (let i = 0; i < 4; i += 1) expect(detector.failed(states[0], states, now)).toBeUndefined();
      expect(detector.failed(states[0], states, now)).toBe('failures');
      periods.push(states[0].ejectedUntil - now);
      now = states[0].ejectedUntil;
      expect(states[0].ejected(now)).toBe(false);
    }
    expect(periods).toEqual([10_000, 20_000, 25_000]);
  });

  it('never ejects more than half the replicas of a deployment', () => {
    const detector = new OutlierDetector(policy);
    const states = [0, 1, 2, 3, 4].map((i) => new ReplicaState(`r${i}`, DEP, 10, 0));
    const ejected = states.map((state) => {
      let reason;
      for (let i = 0; i < 5; i += 1) reason = detector.failed(state, states, 0) ?? reason;
      return reason;
    });
    expect(ejected.filter(Boolean)).toHaveLength(2);
    expect(states.filter((s) => s.ejected(1))).toHaveLength(2);
  });
});

describe('ReplicaRouter', () => {
  it('answers with the outputs, the replica and the batch, and clears the deadline timer', async () => {
    const { clock, directory, transport, router } = makeRouter();
    const replica = directory.add(DEP, { versionNumber: 3 });
    const pending = router.infer(call(clock, 2_000));
    expect(transport.sent).toHaveLength(1);
    expect(transport.sent[0].request.deadlineMs).toBe(2_000);
    expect(transport.sent[0].replica).toMatchObject({ jobId: replica.jobId, nodeId: replica.nodeId, hubInstance: 'this-hub' });
    clock.advance(7);
    transport.sent[0].settle(answer(transport.sent[0]));
    const result = await pending;
    expect(result).toMatchObject({ outputs: [[0.25, 0.75], [0.25, 0.75]], versionNumber: 3, replicaId: replica.jobId, latencyMs: 7, batchSize: 2, retried: false });
    expect(clock.pendingTimers).toBe(0);
    expect(router.replicaState(replica.jobId)?.outstanding.size).toBe(0);
  });

  it('prefers the less loaded of two replicas (power of two choices on outstanding × latency)', async () => {
    const { clock, directory, transport, router } = makeRouter();
    const a = directory.add(DEP);
    const b = directory.add(DEP);
    const calls = [0, 1, 2, 3, 4, 5].map(() => router.infer(call(clock)));
    // Both start neutral: each new call goes where fewer are outstanding, so they share the load.
    expect(transport.to(a.jobId)).toHaveLength(3);
    expect(transport.to(b.jobId)).toHaveLength(3);
    for (const sent of transport.to(b.jobId)) sent.settle(answer(sent));
    // b is free again; a still holds three: the next calls go to b.
    void router.infer(call(clock));
    void router.infer(call(clock));
    expect(transport.sent.slice(6).map((s) => s.replica.jobId)).toEqual([b.jobId, b.jobId]);
    for (const sent of transport.to(a.jobId)) sent.settle(answer(sent));
    await Promise.all(calls);
  });

  it('moves traffic away from a replica at once when it turns slow (peak EWMA)', async () => {
    const { clock, directory, transport, router } = makeRouter({ random: seeded(7), settings: { replicaMaxOutstanding: 1000 } });
    const fast = directory.add(DEP);
    const slow = directory.add(DEP);
    let slowMs = 5;
    /** One call at a time, each answered after its replica's latency. */
    const serve = async () => {
      const pending = router.infer(call(clock));
      const sent = transport.sent.at(-1)!;
      clock.advance(sent.replica.jobId === slow.jobId ? slowMs : 5);
      sent.settle(answer(sent));
      await pending;
    };
    for (let i = 0; i < 20; i += 1) await serve();
    expect(transport.to(slow.jobId).length).toBeGreaterThan(0);
    expect(transport.to(fast.jobId).length).toBeGreaterThan(0);
    // The replica turns slow: after its first 2 s answer it gets nothing more.
    slowMs = 2_000;
    const before = transport.to(slow.jobId).length;
    let calls = 0;
    while (transport.to(slow.jobId).length === before && calls < 100) {
      await serve();
      calls += 1;
    }
    expect(transport.to(slow.jobId).length).toBe(before + 1);
    for (let i = 0; i < 100; i += 1) await serve();
    expect(transport.to(slow.jobId).length).toBe(before + 1);
    expect(router.replicaState(slow.jobId)!.latency.value(clock.now())).toBeGreaterThan(1_900);
  });

  it('sees a replica that stopped answering as slow before any answer comes back', () => {
    const { clock, directory, transport, router } = makeRouter({ settings: { replicaMaxOutstanding: 1000 } });
    const stuck = directory.add(DEP);
    const other = directory.add(DEP);
    void router.infer(call(clock, 60_000));
    const first = transport.sent[0];
    const fresh = first.replica.jobId === stuck.jobId ? other : stuck;
    void fresh;
    clock.advance(3_000);
    // One call stuck for 3 s on one replica: the other takes the next ones even with two of its own outstanding.
    const picks = [0, 1, 2].map(() => {
      void router.infer(call(clock, 60_000));
      return transport.sent.at(-1)!.replica.jobId;
    });
    expect(picks.every((id) => id !== first.replica.jobId)).toBe(true);
  });

  it('starts a new replica at the median latency of its measured peers', async () => {
    const { clock, directory, transport, router } = makeRouter();
    directory.add(DEP);
    transport.autoAnswer = undefined;
    const pending = router.infer(call(clock));
    clock.advance(40);
    transport.sent[0].settle(answer(transport.sent[0]));
    await pending;
    const late = directory.add(DEP);
    void router.infer(call(clock));
    expect(router.replicaState(late.jobId)!.latency.value(clock.now())).toBeCloseTo(40, 0);
  });

  it('sends only to replicas of the version asked for', async () => {
    const { clock, directory, transport, router } = makeRouter();
    directory.add(DEP, { versionNumber: 1 });
    const v2 = directory.add(DEP, { versionNumber: 2 });
    transport.autoAnswer = (sent) => answer(sent);
    for (let i = 0; i < 5; i += 1) expect((await router.infer(call(clock, 5_000, { versionNumber: 2 }))).replicaId).toBe(v2.jobId);
    const error = await rejection(router.infer(call(clock, 5_000, { versionNumber: 7 })));
    expect(error.code).toBe('UNAVAILABLE');
    expect(error.message).toMatch(/version 7/);
  });

  it('retries once on another replica when the first refused before running (OVERLOADED, UNAVAILABLE, DEADLINE, disconnect)', async () => {
    for (const first of ['OVERLOADED', 'UNAVAILABLE', 'DEADLINE', 'lost'] as const) {
      const { clock, directory, transport, router } = makeRouter({ settings: { retryMinPerSecond: 1 } });
      directory.add(DEP);
      directory.add(DEP);
      const pending = router.infer(call(clock));
      const sent = transport.sent[0];
      sent.settle(first === 'lost' ? { kind: 'lost', reason: 'the agent disconnected' } : refusal(sent, first));
      expect(transport.sent).toHaveLength(2);
      expect(transport.sent[1].replica.jobId).not.toBe(sent.replica.jobId);
      transport.sent[1].settle(answer(transport.sent[1]));
      expect(await pending).toMatchObject({ retried: true, replicaId: transport.sent[1].replica.jobId });
    }
  });

  it('does not retry a replica that ran the request (FAILED, BAD_INPUT), nor retry twice', async () => {
    const { clock, directory, transport, router } = makeRouter({ settings: { retryMinPerSecond: 10 } });
    directory.add(DEP);
    directory.add(DEP);
    for (const code of ['FAILED', 'BAD_INPUT'] as const) {
      const pending = router.infer(call(clock));
      const sent = transport.sent.at(-1)!;
      sent.settle(refusal(sent, code));
      const error = await rejection(pending);
      expect(error.code).toBe('INTERNAL');
      expect(transport.sent.at(-1)).toBe(sent);
    }
    const pending = router.infer(call(clock));
    transport.sent.at(-1)!.settle(refusal(transport.sent.at(-1)!, 'OVERLOADED'));
    transport.sent.at(-1)!.settle(refusal(transport.sent.at(-1)!, 'OVERLOADED'));
    const error = await rejection(pending);
    expect(error.code).toBe('UNAVAILABLE');
    expect(error.retryAfterSeconds).toBe(1);
    expect(transport.sent).toHaveLength(4);
  });

  it('keeps retries within the budget when every replica refuses', async () => {
    const { clock, directory, transport, router, metrics } = makeRouter({ settings: { retryBudgetPercent: 20, retryMinPerSecond: 0, replicaMaxOutstanding: 1000 } });
    directory.add(DEP);
    directory.add(DEP);
    transport.autoAnswer = (sent) => refusal(sent, 'OVERLOADED');
    const results = await Promise.allSettled([...Array(100)].map(() => router.infer(call(clock))));
    expect(results.every((r) => r.status === 'rejected' && (r.reason as AppError).code === 'UNAVAILABLE')).toBe(true);
    // 100 calls: 20 % may be retried, so at most 120 requests reached the replicas.
    expect(transport.sent.length).toBeLessThanOrEqual(120);
    expect(transport.sent.length).toBeGreaterThanOrEqual(110);
    const text = await metrics.registry.getSingleMetricAsString('aimass_inference_retries_total');
    expect(text).toMatch(/result="denied"} \d+/);
  });

  it('gives up at the deadline, tells the agent the time left, and drops the late answer', async () => {
    const { clock, directory, transport, router } = makeRouter();
    const replica = directory.add(DEP);
    const pending = router.infer(call(clock, 250));
    const sent = transport.sent[0];
    expect(sent.request.deadlineMs).toBe(250);
    clock.advance(249);
    clock.advance(1);
    const error = await rejection(pending);
    expect(error.code).toBe('DEADLINE_EXCEEDED');
    expect(transport.abandoned).toEqual([sent.request.requestId]);
    expect(router.replicaState(replica.jobId)!.outstanding.size).toBe(0);
    // The answer arriving now changes nothing.
    sent.settle(answer(sent));
    expect(router.replicaState(replica.jobId)!.latency.value(clock.now())).toBeGreaterThanOrEqual(249);
  });

  it('refuses a call whose deadline already passed, and cuts a far one to the maximum', async () => {
    const { clock, directory, transport, router } = makeRouter({ settings: { maxDeadlineMs: 1_000 } });
    directory.add(DEP);
    expect((await rejection(router.infer(call(clock, 0)))).code).toBe('DEADLINE_EXCEEDED');
    void router.infer(call(clock, 3_600_000)).catch(() => undefined);
    expect(transport.sent[0].request.deadlineMs).toBe(1_000);
  });

  it('sheds at once with UNAVAILABLE and Retry-After when every replica is at its cap, or none is ready', async () => {
    const { clock, directory, transport, router, metrics } = makeRouter({ settings: { replicaMaxOutstanding: 4 } });
    expect((await rejection(router.infer(call(clock)))).code).toBe('UNAVAILABLE');
    directory.add(DEP);
    directory.add(DEP);
    const held = [...Array(8)].map(() => router.infer(call(clock)));
    const error = await rejection(router.infer(call(clock)));
    expect(error).toMatchObject({ code: 'UNAVAILABLE', retryAfterSeconds: 1 });
    expect(transport.sent).toHaveLength(8);
    const text = await metrics.registry.getSingleMetricAsString('aimass_inference_shed_total');
    expect(text).toContain('reason="full"} 1');
    expect(text).toContain('reason="no_replica"} 1');
    for (const sent of transport.sent) sent.settle(answer(sent));
    await Promise.all(held);
    transport.autoAnswer = (sent) => answer(sent);
    await expect(router.infer(call(clock))).resolves.toBeDefined();
  });

  it('treats an answer of the wrong shape as a failure of that replica, and ejects it after consecutive failures', async () => {
    const { clock, directory, transport, router } = makeRouter();
    const bad = directory.add(DEP);
    const good = directory.add(DEP);
    transport.autoAnswer = (sent) => (sent.replica.jobId === bad.jobId ? answer(sent, 3) : answer(sent));
    let failures = 0;
    for (let i = 0; i < 40; i += 1) {
      try {
        await router.infer(call(clock));
      } catch (error) {
        expect((error as AppError).code).toBe('INTERNAL');
        failures += 1;
      }
    }
    expect(failures).toBe(5);
    const state = router.replicaState(bad.jobId)!;
    expect(state.ejected(clock.now())).toBe(true);
    // Ejected for the base period: then it is tried again.
    const before = transport.to(bad.jobId).length;
    clock.advance(10_000);
    transport.autoAnswer = (sent) => answer(sent);
    for (let i = 0; i < 10; i += 1) await router.infer(call(clock));
    expect(transport.to(bad.jobId).length).toBeGreaterThan(before);
    expect(transport.to(good.jobId).length).toBeGreaterThan(0);
  });

  it('fails over what was outstanding on a replica that goes away', async () => {
    const { clock, directory, transport, router } = makeRouter({ settings: { retryMinPerSecond: 1 } });
    const a = directory.add(DEP);
    directory.add(DEP);
    const pending = router.infer(call(clock));
    const first = transport.sent[0];
    directory.remove(first.replica.jobId);
    expect(transport.abandoned).toContain(first.request.requestId);
    const second = transport.sent[1];
    expect(second.replica.jobId).not.toBe(first.replica.jobId);
    second.settle(answer(second));
    expect((await pending).retried).toBe(true);
    void a;
  });

  it('gives up on what is in flight when closed, without retrying, and takes no more calls', async () => {
    const { clock, directory, transport, router } = makeRouter({ settings: { retryMinPerSecond: 10 } });
    directory.add(DEP);
    directory.add(DEP);
    const pending = router.infer(call(clock));
    router.close();
    expect((await rejection(pending)).code).toBe('UNAVAILABLE');
    expect(transport.sent).toHaveLength(1);
    expect(transport.abandoned).toEqual([transport.sent[0].request.requestId]);
    expect((await rejection(router.infer(call(clock)))).message).toMatch(/shutting down/);
  });
});
