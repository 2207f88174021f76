/**
 * The trials of a tuning (CREATE MODEL with num_trials > 1), drawn by the hub once, before any job:
 *
 * - grid search when every tuned option is HPARAM_CANDIDATES and the grid has at most num_trials
 *   points (then every point is tried once, so there are as many trials as points);
 * - random search otherwise: each trial draws each tuned option on its own — HPARAM_RANGE of
 *   learn_rate, l1_reg and l2_reg log-uniformly (they matter by order of magnitude), of batch_size
 *   as a uniform whole number, of dropout uniformly; HPARAM_CANDIDATES uniformly among the values.
 *
 * Seeded (mulberry32): the same statement gives the same trials on every hub and every run.
 */
import type { TrainHyperparameters } from '../../../schema/index.js';
import type { ModelOptions, Tunable } from '../sql/index.js';

/** The tunable hyperparameters, by the trainer's name, with the option a user writes. */
export const TUNABLE = {
  hiddenUnits: 'hidden_units',
  activation: 'activation',
  optimizer: 'optimizer',
  learnRate: 'learn_rate',
  batchSize: 'batch_size',
  l1Reg: 'l1_reg',
  l2Reg: 'l2_reg',
  dropout: 'dropout',
} as const satisfies Partial<Record<keyof TrainHyperparameters, string>>;
export type TunableKey = keyof typeof TUNABLE;

/** Searched on a log scale (so a range must start above 0). */
export const LOG_SCALE: ReadonlySet<TunableKey> = new Set(['learnRate', 'l1Reg', 'l2Reg']);
const INTEGER: ReadonlySet<TunableKey> = new Set(['batchSize']);

type Space = { range: { min: number; max: number } } | { candidates: unknown[] };

/** The options written as HPARAM_RANGE or HPARAM_CANDIDATES, in a fixed order. */
export function searchSpace(options: ModelOptions): [TunableKey, Space][] {
  const out: [TunableKey, Space][] = [];
  for (const key of Object.keys(TUNABLE) as TunableKey[]) {
    const t = options[key] as Tunable<unknown> | null;
    if (t && !('value' in t)) out.push([key, t]);
  }
  return out;
}

export interface DrawnTrials {
  search: 'grid' | 'random';
  /** Every trial's hyperparameters: `base` with the tuned ones drawn. */
  trials: TrainHyperparameters[];
}

export function drawTrials(base: TrainHyperparameters, space: [TunableKey, Space][], numTrials: number, seed: number): DrawnTrials {
  const allCandidates = space.every(([, s]) => 'candidates' in s);
  const gridSize = allCandidates ? space.reduce((n, [, s]) => n * (s as { candidates: unknown[] }).candidates.length, 1) : Infinity;
  if (allCandidates && gridSize <= numTrials) {
    const trials: TrainHyperparameters[] = [];
    for (let i = 0; i < gridSize; i++) {
      let rest = i;
      const trial = clone(base);
      // The last option varies fastest, like nested loops written in option order.
      for (let k = space.length - 1; k >= 0; k--) {
        const [key, s] = space[k];
        const values = (s as { candidates: unknown[] }).candidates;
        set(trial, key, values[rest % values.length]);
        rest = Math.floor(rest / values.length);
      }
      trials.push(trial);
    }
    return { search: 'grid', trials };
  }
  const uniform = mulberry32(seed);
  const trials: TrainHyperparameters[] = [];
  for (let i = 0; i < numTrials; i++) {
    const trial = clone(base);
    for (const [key, s] of space) {
      if ('candidates' in s) {
        set(trial, key, s.candidates[Math.min(s.candidates.length - 1, Math.floor(uniform() * s.candidates.length))]);
        continue;
      }
      const { min, max } = s.range;
      let value: number;
      if (INTEGER.has(key)) {
        const low = Math.ceil(min);
        value = Math.min(Math.floor(max), low + Math.floor(uniform() * (Math.floor(max) - low + 1)));
      } else {
        value = LOG_SCALE.has(key) ? Math.exp(Math.log(min) + uniform() * (Math.log(max) - Math.log(min))) : min + uniform() * (max - min);
        // Six significant digits read well; clamped so rounding never leaves the range (dropout stays below 1).
        value = Math.min(max, Math.max(min, Number(value.toPrecision(6))));
        if (key === 'dropout' && value >= 1) value = 0.999999;
      }
      set(trial, key, value);
    }
    trials.push(trial);
  }
  return { search: 'random', trials };
}

/** The tuned values of a trial, by option name as written in SQL (for ML.TRIAL_INFO and GraphQL). */
export function tunedValues(h: TrainHyperparameters, keys: TunableKey[]): Record<string, unknown> {
  return Object.fromEntries(keys.map((k) => [TUNABLE[k], h[k]]));
}

function set(trial: TrainHyperparameters, key: TunableKey, value: unknown): void {
  (trial as unknown as Record<string, unknown>)[key] = Array.isArray(value) ? [...value] : value;
}

function clone(h: TrainHyperparameters): TrainHyperparameters {
  return JSON.parse(JSON.stringify(h)) as TrainHyperparameters;
}

/** mulberry32: a small seeded generator of uniform numbers in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed | 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
