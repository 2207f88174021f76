/**
 * The predictive planner on a driven clock (no sleeps): the forecaster against known series (a
 * daily wave, a weekly pattern, a trend, noise inside its band), the floor it plans ahead of a
 * rise, the capacity-sharing rule, and seven simulated days of a daily pattern where the planner
 * has replicas ready before the peak and reactive scaling alone lags — with the requests that
 * waited counted in both — and the fallback to reactive only with little history.
 */
import { describe, expect, it } from 'vitest';
import { shareCapacity } from '../autoscale/capacity-share.js';
import { DAY_MS, fitForecast, forecastAt, forecastRange, heldOutMape, mape } from '../autoscale/forecast.js';
import type { AutoscalingSettings } from '../autoscale/kpa.js';
import { planFloor } from '../autoscale/plan-floor.js';
import { heldToShare, plannedFloor } from '../autoscale/planned-bounds.js';
import { initialState } from '../autoscale/kpa.js';
import { simulate, type SimulationOptions } from '../autoscale/simulate.js';

const SLOT = 15 * 60_000;
const PER_DAY = DAY_MS / SLOT;
/** A Monday, UTC midnight. */
const MONDAY = Date.UTC(2026, 0, 5);

/** A deterministic pseudo-random series in [0, 1). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const series = (days: number, f: (t: number) => number) => Array.from({ length: days * PER_DAY }, (_, i) => f(MONDAY + i * SLOT));
const hourOf = (t: number) => ((t % DAY_MS) / 3600_000);
const wave = (t: number) => 50 + 40 * Math.sin((2 * Math.PI * (hourOf(t) - 6)) / 24);

describe('Autoscaling planner: the forecaster against known series', () => {
  it('forecasts a daily wave on the day after its history within 1 %', () => {
    const values = series(6, wave);
    const model = fitForecast({ startMs: MONDAY, slotMs: SLOT, values }, 3)!;
    expect(model.historyDays).toBe(6);
    expect(model.weekly).toBe(false); // less than a week: daily seasonality only
    const next = MONDAY + 6 * DAY_MS;
    const predicted = forecastRange(model, next, next + DAY_MS);
    expect(predicted).toHaveLength(PER_DAY);
    const actual = predicted.map((p) => wave(p.start));
    expect(mape(actual, predicted.map((p) => p.value))!).toBeLessThan(0.01);
    // The peak (noon + 6 h = 12:00) is forecast where it is.
    const peak = predicted.reduce((a, b) => (b.value > a.value ? b : a));
    expect(hourOf(peak.start)).toBeCloseTo(12, 0);
  });

  it('carries the week with three weeks of history: weekends at their own level', () => {
    const weekly = (t: number) => wave(t) * ([0, 6].includes(new Date(t).getUTCDay()) ? 0.4 : 1);
    const values = series(21, weekly);
    const model = fitForecast({ startMs: MONDAY, slotMs: SLOT, values }, 3)!;
    expect(model.weekly).toBe(true);
    const next = MONDAY + 21 * DAY_MS; // a Monday again
    const week = forecastRange(model, next, next + 7 * DAY_MS);
    const actual = week.map((p) => weekly(p.start));
    expect(mape(actual, week.map((p) => p.value))!).toBeLessThan(0.05);
    const saturdayNoon = forecastAt(model, next + 5 * DAY_MS + 12 * 3600_000).value;
    const mondayNoon = forecastAt(model, next + 12 * 3600_000).value;
    expect(saturdayNoon / mondayNoon).toBeGreaterThan(0.35);
    expect(saturdayNoon / mondayNoon).toBeLessThan(0.45);
  });

  it('follows a trend: 3 % more traffic each day', () => {
    const growing = (t: number) => wave(t) * 1.03 ** Math.floor((t - MONDAY) / DAY_MS);
    const values = series(10, growing);
    const model = fitForecast({ startMs: MONDAY, slotMs: SLOT, values }, 3)!;
    expect(model.slope).toBeGreaterThan(0);
    const next = MONDAY + 10 * DAY_MS;
    const day = forecastRange(model, next, next + DAY_MS);
    expect(mape(day.map((p) => growing(p.start)), day.map((p) => p.value))!).toBeLessThan(0.03);
    // A seasonal-naive forecast (yesterday again) is worse by about the day's growth.
    const naive = day.map((p) => growing(p.start - DAY_MS));
    expect(mape(day.map((p) => growing(p.start)), naive)!).toBeGreaterThan(0.025);
  });

  it('puts about 90 % of noisy slots inside its band, and scores the held-out last day', () => {
    const random = rng(7);
    const noisy = (t: number) => wave(t) * (1 + 0.2 * (random() - 0.5));
    const values = series(15, noisy);
    const model = fitForecast({ startMs: MONDAY, slotMs: SLOT, values: values.slice(0, 14 * PER_DAY) }, 3)!;
    const last = forecastRange(model, MONDAY + 14 * DAY_MS, MONDAY + 15 * DAY_MS);
    const inside = last.filter((p, i) => values[14 * PER_DAY + i] >= p.lower && values[14 * PER_DAY + i] <= p.upper).length / last.length;
    expect(inside).toBeGreaterThan(0.8);
    const error = heldOutMape({ startMs: MONDAY, slotMs: SLOT, values }, 3)!;
    expect(error).toBeGreaterThan(0.01);
    expect(error).toBeLessThan(0.1);
  });

  it('fits nothing with little history: fewer whole days than asked, or no request at all', () => {
    expect(fitForecast({ startMs: MONDAY, slotMs: SLOT, values: series(2, wave) }, 3)).toBeNull();
    expect(fitForecast({ startMs: MONDAY, slotMs: SLOT, values: series(9, () => 0) }, 3)).toBeNull();
    // Days before the deployment's first request are not history: 10 days read, 2 with traffic.
    const late = series(10, (t) => (t >= MONDAY + 8 * DAY_MS ? wave(t) : 0));
    expect(fitForecast({ startMs: MONDAY, slotMs: SLOT, values: late }, 3)).toBeNull();
    expect(() => fitForecast({ startMs: MONDAY, slotMs: 7 * 60_000, values: [] }, 3)).toThrow(/does not divide a day/);
  });
});

describe('Autoscaling planner: the floor', () => {
  const model = fitForecast({ startMs: MONDAY, slotMs: SLOT, values: series(7, (t) => (hourOf(t) >= 8 && hourOf(t) < 18 ? 200 : 10)) }, 3)!;
  const base = { model, minHistoryDays: 3, historyDays: 7, leadMs: 8 * 60_000, secondsInFlight: 0.1, targetConcurrency: 4, maxReplicas: 20 };

  it('asks at 07:55 for the replicas the 08:00 rise needs, and only the night’s before', () => {
    const day = MONDAY + 7 * DAY_MS;
    const early = planFloor({ ...base, now: day + 7 * 3600_000 });
    expect(early.floor).toBe(1); // 10 req/s × 0.1 s ÷ 4
    const ahead = planFloor({ ...base, now: day + 7 * 3600_000 + 55 * 60_000 });
    expect(ahead.floor).toBe(5); // 200 req/s × 0.1 s ÷ 4
    expect(ahead.expectedRate).toBeCloseTo(200, 0);
    expect(ahead.reason).toMatch(/forecast up to 200 req\/s within 480 s/);
    expect(planFloor({ ...base, now: day + 7 * 3600_000 + 55 * 60_000, maxReplicas: 3 }).floor).toBe(3);
  });

  it('stays reactive without a forecast or without a measured time in flight, and says why', () => {
    const none = planFloor({ ...base, model: null, historyDays: 1, now: MONDAY });
    expect(none.floor).toBe(0);
    expect(none.reason).toBe('reactive only: 1 day(s) of request history, the forecast needs 3');
    const idle = planFloor({ ...base, secondsInFlight: null, now: MONDAY + 7 * DAY_MS + 9 * 3600_000 });
    expect(idle.floor).toBe(0);
    expect(idle.reason).toMatch(/^reactive only: no recent request/);
  });

  it('is kept only while the plan holds and the deployment is predictive', () => {
    const settings: AutoscalingSettings = { targetConcurrency: 4, stableWindowSeconds: 60, panicWindowSeconds: 6, scaleDownDelaySeconds: 30, scaleToZeroAfterSeconds: null };
    const plan = { floor: 5, until: 1000, plannedAt: 0, expectedRate: 200, startSeconds: 180, startMeasured: true, secondsInFlight: 0.1, historyDays: 7, minHistoryDays: 3, heldOutMape: 0.05, forecasting: true, reason: '' };
    expect(plannedFloor(plan, settings, 999)).toBe(5);
    expect(plannedFloor(plan, { ...settings, predictive: true }, 999)).toBe(5);
    expect(plannedFloor(plan, settings, 1000)).toBe(0);
    expect(plannedFloor(plan, { ...settings, predictive: false }, 999)).toBe(0);
    expect(plannedFloor(null, settings, 0)).toBe(0);
  });
});

describe('Autoscaling: capacity sharing', () => {
  it('grants every wish when the network holds them all', () => {
    const g = shareCapacity(10, [
      { id: 'a', min: 1, wish: 4, createdAt: 1 },
      { id: 'b', min: 1, wish: 6, createdAt: 2 },
    ]);
    expect(Object.fromEntries(g)).toEqual({ a: 4, b: 6 });
  });

  it('gives minimums first, then equal parts, and what one does not need goes to the others', () => {
    const g = shareCapacity(12, [
      { id: 'old', min: 2, wish: 10, createdAt: 1 },
      { id: 'small', min: 1, wish: 2, createdAt: 2 },
      { id: 'new', min: 1, wish: 10, createdAt: 3 },
    ]);
    // Minimums 2 + 1 + 1 = 4; the 8 left go one by one to whoever holds fewest: small stops at its wish of 2.
    expect(g.get('small')).toBe(2);
    expect(g.get('old')! + g.get('new')!).toBe(10);
    expect(Math.abs(g.get('old')! - g.get('new')!)).toBeLessThanOrEqual(1);
    expect(g.get('old')).toBe(5);
    expect(g.get('new')).toBe(5);
  });

  it('evens out unequal minimums: the one holding fewer catches up first', () => {
    const g = shareCapacity(7, [
      { id: 'a', min: 3, wish: 9, createdAt: 1 },
      { id: 'b', min: 1, wish: 9, createdAt: 2 },
    ]);
    expect(Object.fromEntries(g)).toEqual({ a: 4, b: 3 });
  });

  it('when even the minimums do not fit, the older deployments keep theirs', () => {
    const g = shareCapacity(3, [
      { id: 'b', min: 2, wish: 2, createdAt: 2 },
      { id: 'a', min: 2, wish: 5, createdAt: 1 },
    ]);
    expect(Object.fromEntries(g)).toEqual({ a: 2, b: 1 });
  });

  it('holds the autoscaler at its grant, never below minReplicas, and says why', () => {
    const decided = { ...initialState(6, 0), wantedReplicas: 6, reason: '20 in flight' };
    const held = heldToShare(decided, { granted: 3, wish: 6, capacity: 8, wanted: 12, at: 0, reason: 'the network holds 8 replicas' }, 1);
    expect(held.wantedReplicas).toBe(3);
    expect(held.wish).toBe(6);
    expect(held.reason).toBe('20 in flight; held at 3 of 6: the network holds 8 replicas');
    expect(heldToShare(decided, { granted: 0, wish: 6, capacity: 0, wanted: 6, at: 0, reason: '' }, 2).wantedReplicas).toBe(2);
    expect(heldToShare(decided, null, 1)).toMatchObject({ wantedReplicas: 6, wish: 6 });
  });
});

/** A working day: 10 req/s at night, a rise to 200 req/s in six minutes at 07:54, down through the evening; ±10 % noise per minute. */
function dailyPattern(seed: number): (t: number) => number {
  const noise = new Map<number, number>();
  const random = rng(seed);
  return (t) => {
    const minute = Math.floor(t / 60_000);
    let n = noise.get(minute);
    if (n === undefined) {
      n = 1 + 0.2 * (random() - 0.5);
      noise.set(minute, n);
    }
    const h = hourOf(t);
    let r = 10;
    if (h >= 8 && h < 18) r = 200;
    else if (h >= 7.9 && h < 8) r = 10 + 190 * ((h - 7.9) / 0.1);
    else if (h >= 18 && h < 20) r = 200 - 190 * ((h - 18) / 2);
    return r * n;
  };
}

function sevenDays(predictive: boolean, overrides: Partial<SimulationOptions> = {}): ReturnType<typeof simulate> {
  return simulate({
    rate: dailyPattern(42),
    startMs: MONDAY,
    durationMs: 7 * DAY_MS,
    settings: { targetConcurrency: 4, stableWindowSeconds: 60, panicWindowSeconds: 6, scaleDownDelaySeconds: 30, scaleToZeroAfterSeconds: null },
    minReplicas: 1,
    maxReplicas: 20,
    secondsInFlight: 0.1,
    replicaCapacity: 6,
    startMs_replica: 180_000,
    tickMs: 2000,
    predictive,
    plannerEveryMs: 300_000,
    slotMs: SLOT,
    minHistoryDays: 3,
    measureFromMs: MONDAY + 3 * DAY_MS,
    ...overrides,
  });
}

describe('Autoscaling planner: seven simulated days of a daily pattern', () => {
  const reactive = sevenDays(false);
  const predictive = sevenDays(true);

  it('has replicas ready before the peak where reactive scaling alone lags, and fewer requests wait', () => {
    // At 07:59 of the last day (the rise is under way), ready replicas against what the demand needs.
    const at = MONDAY + 6 * DAY_MS + 7 * 3600_000 + 59 * 60_000;
    const pick = (r: typeof reactive) => r.timeline.find((p) => p.t === at)!;
    const needed = Math.ceil(pick(predictive).needed);
    expect(needed).toBeGreaterThanOrEqual(3);
    expect(pick(predictive).ready).toBeGreaterThanOrEqual(5);
    expect(pick(reactive).ready).toBeLessThan(needed);
    // Requests that waited for capacity over days 4–7: the planner removes most of them…
    expect(reactive.delayed).toBeGreaterThan(1000);
    expect(predictive.delayed).toBeLessThan(reactive.delayed / 4);
    // …at no more than 10 % extra replica-minutes.
    expect(predictive.replicaMinutes).toBeLessThanOrEqual(reactive.replicaMinutes * 1.1);
    expect(predictive.requests).toBeCloseTo(reactive.requests, 0);
  });

  it('plans from the fourth day only: with under three days of history it is reactive', () => {
    expect(predictive.reactiveOnlyRuns).toBe((3 * DAY_MS) / 300_000);
    expect(predictive.plannedRuns).toBe((4 * DAY_MS) / 300_000);
    // Before the planner has history both runs scale the same: days 1–3 measured alike.
    const early = (p: boolean) => sevenDays(p, { durationMs: 3 * DAY_MS, measureFromMs: MONDAY });
    const [a, b] = [early(false), early(true)];
    expect(b.delayed).toBe(a.delayed);
    expect(b.replicaMinutes).toBe(a.replicaMinutes);
  });
});
