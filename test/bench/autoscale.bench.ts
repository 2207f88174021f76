/**
 * `npm run bench` (after the other benchmarks), or `npm run bench:autoscale` alone: autoscaling on
 * a simulated clock (hub/src/serving/autoscale/simulate.ts: the real KPA decision every 2 s, the
 * real forecaster and planner floor every 5 min, replicas that take BENCH_AUTOSCALE_START_SECONDS
 * to start), second by second, over BENCH_AUTOSCALE_DAYS (default 21) days of a daily pattern:
 *
 *  1. replica-minutes used and requests delayed (waiting for capacity, or for a first replica),
 *     predictive + reactive against reactive only, measured from the fourth day (the planner needs
 *     three days of history) — the goal: fewer delayed requests at no more than 10 % extra
 *     replica-minutes;
 *  2. the forecast's error (MAPE) on the held-out last day;
 *  3. the time from a load step (10 → 200 req/s, unforeseen) to enough ready replicas.
 *
 * The pattern: weekdays 10 req/s at night, a rise to 200 req/s over six minutes before 08:00, a
 * lunch dip, down through the evening; weekends at 40 %; ±10 % noise by the minute (seeded). Each
 * request is in flight 0.1 s; a replica aims at 4 in flight and serves at most 6 at once.
 * No database, no hub: the figures are those of the decision logic, so they repeat exactly.
 */
import { performance } from 'node:perf_hooks';
import { DAY_MS } from '../../hub/src/serving/autoscale/forecast.js';
import { simulate, simulatedHeldOutMape, type SimulationOptions } from '../../hub/src/serving/autoscale/simulate.js';

const DAYS = Number(process.env.BENCH_AUTOSCALE_DAYS ?? 21);
const START_SECONDS = Number(process.env.BENCH_AUTOSCALE_START_SECONDS ?? 180);
const SLOT = 15 * 60_000;
/** A Monday, UTC midnight. */
const MONDAY = Date.UTC(2026, 0, 5);

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function weekPattern(seed: number): (t: number) => number {
  const random = rng(seed);
  const noise = new Map<number, number>();
  return (t) => {
    const minute = Math.floor(t / 60_000);
    let n = noise.get(minute);
    if (n === undefined) {
      n = 1 + 0.2 * (random() - 0.5);
      noise.set(minute, n);
      if (noise.size > 10_000) noise.delete(noise.keys().next().value!);
    }
    const h = (t % DAY_MS) / 3600_000;
    let r = 10;
    if (h >= 8 && h < 18) r = h >= 12 && h < 13 ? 150 : 200;
    else if (h >= 7.9 && h < 8) r = 10 + 190 * ((h - 7.9) / 0.1);
    else if (h >= 18 && h < 20) r = 200 - 190 * ((h - 18) / 2);
    const weekend = [0, 6].includes(new Date(t).getUTCDay());
    return r * n * (weekend ? 0.4 : 1);
  };
}

const base = (predictive: boolean, overrides: Partial<SimulationOptions> = {}): SimulationOptions => ({
  rate: weekPattern(42),
  startMs: MONDAY,
  durationMs: DAYS * DAY_MS,
  settings: { targetConcurrency: 4, stableWindowSeconds: 60, panicWindowSeconds: 6, scaleDownDelaySeconds: 30, scaleToZeroAfterSeconds: null },
  minReplicas: 1,
  maxReplicas: 20,
  secondsInFlight: 0.1,
  replicaCapacity: 6,
  startMs_replica: START_SECONDS * 1000,
  tickMs: 2000,
  predictive,
  plannerEveryMs: 300_000,
  slotMs: SLOT,
  minHistoryDays: 3,
  measureFromMs: MONDAY + 3 * DAY_MS,
  ...overrides,
});

const f = (n: number, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });

function main(): void {
  console.log(`autoscale bench: ${DAYS} simulated days, replica start ${START_SECONDS} s, measured from day 4\n`);
  const began = performance.now();
  const reactive = simulate(base(false));
  const predictive = simulate(base(true));
  const seconds = (performance.now() - began) / 1000;
  const row = (name: string, r: typeof reactive) =>
    console.log(`${name.padEnd(24)} ${f(r.replicaMinutes).padStart(12)} ${f(r.delayed).padStart(14)} ${((100 * r.delayed) / r.requests).toFixed(3).padStart(9)} %`);
  console.log(`${'1. scaling'.padEnd(24)} ${'replica-min'.padStart(12)} ${'delayed req'.padStart(14)} ${'of all'.padStart(11)}`);
  row('reactive only', reactive);
  row('predictive + reactive', predictive);
  console.log(`   requests: ${f(reactive.requests)}; extra replica-minutes ${(((predictive.replicaMinutes / reactive.replicaMinutes) - 1) * 100).toFixed(2)} % (goal ≤ 10 %); delayed requests ×${(predictive.delayed / Math.max(1, reactive.delayed)).toFixed(3)}`);
  console.log(`   planner runs: ${predictive.plannedRuns} planned, ${predictive.reactiveOnlyRuns} reactive only (little history); ${seconds.toFixed(1)} s to simulate both\n`);

  const heldOut = simulatedHeldOutMape(predictive, MONDAY, SLOT, 3);
  console.log(`2. forecast MAPE on the held-out last day (${new Date(MONDAY + (DAYS - 1) * DAY_MS).toUTCString().slice(0, 3)}): ${heldOut === null ? 'n/a' : `${(heldOut * 100).toFixed(2)} %`}`);
  console.log(`   weekly seasonality: ${predictive.model?.weekly ? 'on' : 'off'} (${predictive.model?.historyDays ?? 0} days of history)\n`);

  // 3. A step the forecast did not foresee: 10 → 200 req/s at noon of day 2, reactive only (the planner has no say in it).
  const stepAt = MONDAY + DAY_MS + 12 * 3600_000;
  console.log('3. load step 10 → 200 req/s, unforeseen: time to enough ready replicas');
  for (const start of [30, 60, START_SECONDS]) {
    const step = simulate(base(false, { rate: (t) => (t >= stepAt ? 200 : 10), durationMs: 2 * DAY_MS, measureFromMs: stepAt, stepAtMs: stepAt, startMs_replica: start * 1000 }));
    console.log(`   replica start ${String(start).padStart(4)} s: ${step.enoughAfterStepMs === null ? 'never' : `${(step.enoughAfterStepMs / 1000).toFixed(0)} s`} (delayed ${f(step.delayed)} requests)`);
  }
}

main();
