import { describe, expect, it } from 'vitest';
import { AlertCondition, AlertMetric } from '../alert-words.js';
import { judgeWindow, type RuleCondition } from '../judge-window.js';
import { mad, median, robustBand } from '../robust-band.js';
import type { WindowFigures } from '../window-figures.js';

const W = 60;
const win = (i: number, f: Partial<WindowFigures>): WindowFigures => ({
  start: i * W * 1000,
  end: (i + 1) * W * 1000,
  requests: 0,
  requestsPerSecond: 0,
  errorRate: 0,
  p50Ms: null,
  p95Ms: null,
  p99Ms: null,
  ...f,
});
const rule = (r: Partial<RuleCondition>): RuleCondition => ({
  metric: AlertMetric.REQUESTS_PER_SECOND,
  condition: AlertCondition.ANOMALY,
  threshold: null,
  sensitivity: 4,
  windowSeconds: W,
  minRequests: 10,
  ...r,
});
const steady = (n: number, rate: (i: number) => number) => Array.from({ length: n }, (_, i) => win(i, { requests: rate(i) * W, requestsPerSecond: rate(i) }));

describe('Robust band: median and MAD of the baseline', () => {
  it('median and MAD ignore a few wild values', () => {
    expect(median([1, 2, 3, 4, 100])).toBe(3);
    expect(mad([1, 2, 3, 4, 100])).toBe(1);
    const band = robustBand([10, 11, 9, 10, 12, 10, 500], 3, () => 0)!;
    expect(band.median).toBe(10);
    expect(band.high).toBeLessThan(20);
  });
  it('gives no band on too short a history, and a flat history keeps a noise floor', () => {
    expect(robustBand([1, 1, 1], 4, () => 0)).toBeNull();
    const flat = robustBand([5, 5, 5, 5, 5, 5, 5], 4, () => 0.5)!;
    expect(flat.scale).toBe(0.5);
    expect([flat.low, flat.high]).toEqual([3, 7]);
  });
});

describe('Judging a window', () => {
  it('a traffic spike and a traffic drop are anomalies; ordinary wobble is not', () => {
    const baseline = steady(30, (i) => 10 + (i % 3) - 1);
    const at = (rate: number) => judgeWindow(rule({}), { baseline, current: win(30, { requests: rate * W, requestsPerSecond: rate }) });
    expect(at(11).holds).toBe(false);
    expect(at(60).holds).toBe(true);
    expect(at(1).holds).toBe(true);
    expect(at(60).measured.band!.median).toBe(10);
  });
  it('an anomaly with too short a history is undecided', () => {
    const j = judgeWindow(rule({}), { baseline: steady(3, () => 10), current: win(3, { requests: 6000, requestsPerSecond: 100 }) });
    expect(j.holds).toBeNull();
  });
  it('an error-rate spike is judged upward only, and a window with too few requests says nothing', () => {
    const baseline = Array.from({ length: 20 }, (_, i) => win(i, { requests: 600, errorRate: 0.002 }));
    const r = rule({ metric: AlertMetric.ERROR_RATE });
    expect(judgeWindow(r, { baseline, current: win(20, { requests: 600, errorRate: 0.3 }) }).holds).toBe(true);
    expect(judgeWindow(r, { baseline, current: win(20, { requests: 600, errorRate: 0 }) }).holds).toBe(false);
    const few = judgeWindow(r, { baseline, current: win(20, { requests: 3, errorRate: 1 }) });
    expect([few.holds, few.measured.value]).toEqual([false, null]);
  });
  it('thresholds: error rate above 5 %, p99 above 500 ms', () => {
    const errors = rule({ metric: AlertMetric.ERROR_RATE, condition: AlertCondition.ABOVE, threshold: 0.05 });
    expect(judgeWindow(errors, { baseline: [], current: win(0, { requests: 100, errorRate: 0.06 }) }).holds).toBe(true);
    expect(judgeWindow(errors, { baseline: [], current: win(0, { requests: 100, errorRate: 0.05 }) }).holds).toBe(false);
    const p99 = rule({ metric: AlertMetric.P99_LATENCY_MS, condition: AlertCondition.ABOVE, threshold: 500 });
    const j = judgeWindow(p99, { baseline: [], current: win(0, { requests: 100, p99Ms: 640 }) });
    expect(j).toMatchObject({ holds: true, measured: { value: 640, threshold: 500, requests: 100 } });
  });
});
