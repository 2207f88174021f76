/**
 * The autoscaler's window arithmetic on a clock the test drives (no sleeps): the concurrency meter
 * integrates requests in flight over time, and the KPA decision scales on the stable window, panics
 * on a burst (never scaling down while panicking), holds replicas through the scale-down delay,
 * scales to zero only after the idle period and only when opted in, and stays within min, max and
 * a planner's floor.
 */
import { describe, expect, it } from 'vitest';
import { checks } from '../../validation/checks.js';
import { autoscalingSettings } from '../autoscale/autoscaling-settings.js';
import { ConcurrencyMeter } from '../autoscale/concurrency-meter.js';
import { decide, initialState, type AutoscalerState, type AutoscalingSettings, type Bounds } from '../autoscale/kpa.js';

const SETTINGS: AutoscalingSettings = { targetConcurrency: 2, stableWindowSeconds: 60, panicWindowSeconds: 6, scaleDownDelaySeconds: 30, scaleToZeroAfterSeconds: null };

/** Drives decisions every 2 s of simulated time with a demand curve `demand(t)` (constant over each window for simplicity). */
function simulate(settings: AutoscalingSettings, bounds: Bounds, start: AutoscalerState, steps: { at: number; stable: number; panic: number; ready?: number; active?: boolean }[]) {
  let state = start;
  const out: AutoscalerState[] = [];
  for (const s of steps) {
    state = decide(settings, bounds, { stableConcurrency: s.stable, panicConcurrency: s.panic, lastActiveAt: s.active === false ? null : s.at, readyReplicas: s.ready ?? state.wantedReplicas }, state, s.at);
    out.push(state);
  }
  return out;
}

describe('Autoscaling: the concurrency meter', () => {
  it('integrates requests in flight over time, per deployment, and counts requests begun', () => {
    let now = 1_000;
    const meter = new ConcurrencyMeter({ now: () => now });
    const a = meter.begin('d1');
    now += 500;
    const b = meter.begin('d1');
    now += 500;
    a();
    a(); // ending twice counts once
    now += 1_000;
    const s1 = meter.drain();
    expect(s1).toEqual([{ deploymentId: 'd1', inFlightMs: 500 + 2 * 500 + 1_000, requests: 2 }]);
    now += 2_000;
    b();
    expect(meter.drain()).toEqual([{ deploymentId: 'd1', inFlightMs: 2_000, requests: 0 }]);
    expect(meter.drain()).toEqual([]);
    expect(meter.inFlight('d1')).toBe(0);
  });
});

describe('Autoscaling: the KPA decision', () => {
  const bounds = { minReplicas: 1, maxReplicas: 10 };

  it('wants ceil(stable concurrency / target) replicas', () => {
    const [s] = simulate(SETTINGS, bounds, initialState(1, 0), [{ at: 2_000, stable: 5, panic: 5, ready: 3 }]);
    expect(s.wantedReplicas).toBe(3);
    expect(s.panicking).toBe(false);
    expect(s.reason).toMatch(/5 in flight over the last 60 s/);
  });

  it('panics on a step in load at twice the ready capacity, uses the panic window and never scales down while panicking', () => {
    // 1 ready replica at target 2 = capacity 2; 9 in flight over 6 s ≥ 2 × 2: panic, 5 replicas.
    const [p1, p2, p3] = simulate(SETTINGS, bounds, initialState(1, 0), [
      { at: 2_000, stable: 1.5, panic: 9, ready: 1 },
      // The burst eases in the panic window: still over 2× the 1 ready replica, but wanting fewer: no scale-down.
      { at: 4_000, stable: 2, panic: 5, ready: 1 },
      { at: 6_000, stable: 2, panic: 12, ready: 1 },
    ]);
    expect(p1.panicking).toBe(true);
    expect(p1.wantedReplicas).toBe(5);
    expect(p1.reason).toMatch(/^panic/);
    expect(p2.wantedReplicas).toBe(5);
    expect(p3.wantedReplicas).toBe(6);
  });

  it('leaves panic only after a whole stable window without the condition, then scales down after the delay, never below min', () => {
    const steps = [{ at: 2_000, stable: 1, panic: 20, ready: 1 }];
    // Load gone: nothing in flight from t = 4 s.
    for (let t = 4_000; t <= 200_000; t += 2_000) steps.push({ at: t, stable: 0, panic: 0, ready: 10 });
    const states = simulate(SETTINGS, bounds, initialState(1, 0), steps);
    const at = (t: number) => states[steps.findIndex((s) => s.at === t)];
    expect(at(2_000).wantedReplicas).toBe(10);
    // Still panicking 60 s after the last burst minus one tick: holds 10.
    expect(at(60_000).panicking).toBe(true);
    expect(at(60_000).wantedReplicas).toBe(10);
    expect(at(62_000).panicking).toBe(false);
    // The scale-down delay (30 s from the last panic decision, at 60 s) holds the panic's count.
    expect(at(88_000).wantedReplicas).toBe(10);
    expect(at(88_000).reason).toMatch(/scale-down delay/);
    expect(at(90_000).wantedReplicas).toBe(1);
    expect(at(200_000).wantedReplicas).toBe(1);
    expect(at(200_000).lastScaledAt).toBe(90_000);
  });

  it('holds the highest recommendation of the scale-down delay when demand drops', () => {
    const states = simulate(SETTINGS, bounds, initialState(4, 0), [
      { at: 2_000, stable: 8, panic: 8, ready: 4 },
      { at: 12_000, stable: 2, panic: 2, ready: 4 },
      { at: 31_000, stable: 2, panic: 2, ready: 4 },
      { at: 32_000, stable: 2, panic: 2, ready: 4 },
    ]);
    expect(states.map((s) => s.wantedReplicas)).toEqual([4, 4, 4, 1]);
  });

  it('respects maxReplicas and says so', () => {
    const [s] = simulate(SETTINGS, { minReplicas: 1, maxReplicas: 3 }, initialState(1, 0), [{ at: 2_000, stable: 40, panic: 40, ready: 1 }]);
    expect(s.wantedReplicas).toBe(3);
    expect(s.reason).toMatch(/capped at maxReplicas \(3\), 20 wanted/);
  });

  it('keeps a planner floor above minReplicas', () => {
    const [s] = simulate(SETTINGS, { minReplicas: 1, maxReplicas: 10, floor: 4 }, initialState(1, 0), [{ at: 2_000, stable: 0, panic: 0, ready: 1 }]);
    expect(s.wantedReplicas).toBe(4);
    expect(s.reason).toMatch(/planner's floor of 4/);
  });

  it('scales to zero only after the idle period, and only when opted in', () => {
    const toZero = { ...SETTINGS, scaleToZeroAfterSeconds: 120 };
    const steps = [];
    for (let t = 2_000; t <= 300_000; t += 2_000) steps.push({ at: t, stable: 0, panic: 0, ready: 1, active: false });
    const start = { ...initialState(1, 0), lastActiveAt: 0, readySince: 0 };
    const zero = simulate(toZero, { minReplicas: 0, maxReplicas: 5 }, start, steps);
    const firstZero = steps[zero.findIndex((s) => s.wantedReplicas === 0)].at;
    expect(firstZero).toBe(120_000);
    expect(zero[zero.length - 1].wantedReplicas).toBe(0);
    expect(zero[zero.length - 1].reason).toMatch(/scaled to zero/);
    // Not opted in: min 1 holds one replica forever.
    const kept = simulate(SETTINGS, { minReplicas: 1, maxReplicas: 5 }, start, steps);
    expect(kept.every((s) => s.wantedReplicas === 1)).toBe(true);
    // A request in the idle period restarts the count.
    const restarted = simulate(toZero, { minReplicas: 0, maxReplicas: 5 }, start, [
      { at: 100_000, stable: 0, panic: 0, ready: 1, active: true },
      { at: 200_000, stable: 0, panic: 0, ready: 1, active: false },
      { at: 220_000, stable: 0, panic: 0, ready: 1, active: false },
    ]);
    expect(restarted.map((s) => s.wantedReplicas)).toEqual([1, 1, 0]);
    // A cold start is never cut short: no replica ready yet keeps one wanted, and the idle period counts from when it became ready.
    const cold = simulate(toZero, { minReplicas: 0, maxReplicas: 5 }, { ...start, wantedReplicas: 1 }, [
      { at: 200_000, stable: 0, panic: 0, ready: 0, active: false },
      { at: 300_000, stable: 0, panic: 0, ready: 1, active: false },
      { at: 419_000, stable: 0, panic: 0, ready: 1, active: false },
      { at: 420_000, stable: 0, panic: 0, ready: 1, active: false },
    ]);
    expect(cold.map((s) => s.wantedReplicas)).toEqual([1, 1, 1, 0]);
  });
});

describe('Autoscaling: settings', () => {
  const fields = (input: Parameters<typeof autoscalingSettings>[1], min: number) => {
    const c = checks();
    autoscalingSettings(c, input, null, min);
    try {
      c.throwIfAny();
      return [];
    } catch (error) {
      return ((error as { fields: { field: string }[] }).fields ?? []).map((f) => f.field);
    }
  };

  it('has the defaults of Knative windows and refuses bad values naming the field', () => {
    const c = checks();
    expect(autoscalingSettings(c, {}, null, 1)).toEqual({ targetConcurrency: 4, stableWindowSeconds: 60, panicWindowSeconds: 6, scaleDownDelaySeconds: 30, scaleToZeroAfterSeconds: null, predictive: true });
    // Predictive planning is on unless turned off, and an update that does not name it keeps it.
    const off = autoscalingSettings(c, { predictive: false }, null, 1)!;
    expect(off.predictive).toBe(false);
    expect(autoscalingSettings(c, { targetConcurrency: 2 }, off, 1)!.predictive).toBe(false);
    expect(fields({ targetConcurrency: 0 }, 1)).toEqual(['autoscaling.targetConcurrency']);
    expect(fields({ stableWindowSeconds: 10, panicWindowSeconds: 20 }, 1)).toEqual(['autoscaling.panicWindowSeconds']);
    expect(fields({ scaleDownDelaySeconds: -1 }, 1)).toEqual(['autoscaling.scaleDownDelaySeconds']);
    expect(fields({ scaleToZeroAfterSeconds: 30 }, 1)).toEqual(['autoscaling.scaleToZeroAfterSeconds']);
    expect(fields({}, 0)).toEqual(['autoscaling.scaleToZeroAfterSeconds']);
    expect(fields({ scaleToZeroAfterSeconds: 30 }, 0)).toEqual([]);
  });
});
