/**
 * Preprocessing of raw records into a model's input, fitted by the trainer on the training split
 * only and stored in the model version's signature (`features`), so that whoever predicts — an
 * agent, the hub, a user with the downloaded artifact — turns raw records into the same numbers.
 *
 * - Numbers (`number`, `integer`): STANDARDIZE, (x − mean) / std with the training split's mean
 *   and population standard deviation (std 1 when the column is constant). A NULL (or anything not
 *   a number) is imputed with the training mean, i.e. becomes 0.
 * - Everything else (`category`, `text`, `boolean`): ONE_HOT over a vocabulary of the training
 *   split's most frequent values (most frequent first, ties by value), which always ends with
 *   {@link MISSING_CATEGORY}: NULL, and values never seen in training, land there.
 *
 * Pure and dependency-free (no TF.js): the hub, the agents and tests import it.
 */
import { z } from 'zod';

/** The reserved last vocabulary entry: NULLs and values unseen in training map to it. */
export const MISSING_CATEGORY = '__missing__';
/** Longest vocabulary entry kept (the catalog refuses longer ones); longer values count as unseen. */
export const MAX_CATEGORY_LENGTH = 200;

/** The catalog's feature types (hub/src/catalog/version-metadata.ts FeatureType values). */
export const FEATURE_TYPES = ['number', 'integer', 'boolean', 'category', 'text'] as const;
export type FeatureType = (typeof FEATURE_TYPES)[number];
export const NUMERIC_FEATURE_TYPES: readonly FeatureType[] = ['number', 'integer'];

const finite = z.number().refine(Number.isFinite, { message: 'must be a finite number' });

export const preprocessingSpec = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('standardize'), mean: finite, std: finite.refine((v) => v > 0, { message: 'must be greater than 0' }) }).strict(),
  z
    .object({
      kind: z.literal('one_hot'),
      vocabulary: z
        .array(z.string().max(MAX_CATEGORY_LENGTH))
        .min(1)
        .max(100_001)
        .refine((v) => v[v.length - 1] === MISSING_CATEGORY, { message: `must end with ${MISSING_CATEGORY}` })
        .refine((v) => new Set(v).size === v.length, { message: 'has duplicate entries' }),
    })
    .strict(),
]);
export type PreprocessingSpec = z.infer<typeof preprocessingSpec>;

export const featureSpec = z
  .object({ name: z.string().min(1).max(200), type: z.enum(FEATURE_TYPES), preprocessing: preprocessingSpec })
  .strict();
export type FeatureSpec = z.infer<typeof featureSpec>;

export interface FeatureColumn {
  name: string;
  type: FeatureType;
}

/** A raw value as a number, or null (NULL, '', NaN, text that is not a number). Booleans are 1 and 0. */
export function numberValue(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'string' && value.trim() !== '') {
    const n = Number(value);
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

/** A raw value as a category key, or null for NULL. Booleans are 'true' / 'false', numbers their shortest text. */
export function categoryValue(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return JSON.stringify(value);
}

/** Values this feature feeds the model per example. */
export function featureWidth(feature: FeatureSpec): number {
  return feature.preprocessing.kind === 'one_hot' ? feature.preprocessing.vocabulary.length : 1;
}

export function inputWidth(features: readonly FeatureSpec[]): number {
  return features.reduce((n, f) => n + featureWidth(f), 0);
}

/**
 * Fits each column's preprocessing on the training rows. `value(row, i)` reads column i of a row
 * (columns in the order given); `maxVocabulary` bounds each ONE_HOT vocabulary (before the
 * reserved entry).
 */
export function fitPreprocessing<R>(columns: readonly FeatureColumn[], rows: readonly R[], value: (row: R, column: number) => unknown, maxVocabulary: number): FeatureSpec[] {
  return columns.map((column, i): FeatureSpec => {
    if (NUMERIC_FEATURE_TYPES.includes(column.type)) {
      let n = 0;
      let mean = 0;
      let m2 = 0;
      for (const row of rows) {
        const x = numberValue(value(row, i));
        if (x === null) continue;
        // Welford: stable for large values.
        n++;
        const delta = x - mean;
        mean += delta / n;
        m2 += delta * (x - mean);
      }
      const std = n > 0 ? Math.sqrt(m2 / n) : 0;
      return { name: column.name, type: column.type, preprocessing: { kind: 'standardize', mean: n > 0 ? mean : 0, std: std > 1e-12 && Number.isFinite(std) ? std : 1 } };
    }
    const counts = new Map<string, number>();
    for (const row of rows) {
      const key = categoryValue(value(row, i));
      if (key === null || key === MISSING_CATEGORY || key.length > MAX_CATEGORY_LENGTH) continue;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    const vocabulary = [...counts]
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
      .slice(0, Math.max(0, maxVocabulary))
      .map(([key]) => key);
    return { name: column.name, type: column.type, preprocessing: { kind: 'one_hot', vocabulary: [...vocabulary, MISSING_CATEGORY] } };
  });
}

/** Index lookups for fast encoding; build once per feature list. */
export class FeatureEncoder {
  readonly width: number;
  private readonly lookups: (Map<string, number> | null)[];

  constructor(readonly features: readonly FeatureSpec[]) {
    this.width = inputWidth(features);
    this.lookups = features.map((f) => (f.preprocessing.kind === 'one_hot' ? new Map(f.preprocessing.vocabulary.map((v, i) => [v, i])) : null));
  }

  /** Writes one example into `out` at `offset`; `value(i)` is the raw value of feature i. */
  encodeInto(value: (feature: number) => unknown, out: Float32Array, offset: number): void {
    let at = offset;
    this.features.forEach((feature, i) => {
      const p = feature.preprocessing;
      if (p.kind === 'standardize') {
        const x = numberValue(value(i));
        out[at++] = x === null ? 0 : (x - p.mean) / p.std;
        return;
      }
      const lookup = this.lookups[i]!;
      const key = categoryValue(value(i));
      const index = key === null ? undefined : lookup.get(key);
      out[at + (index ?? p.vocabulary.length - 1)] = 1;
      at += p.vocabulary.length;
    });
  }

  /** One raw record (`{ column: value }`) as the model's input row; a missing key counts as NULL. */
  encodeRecord(record: Readonly<Record<string, unknown>>): Float32Array {
    const out = new Float32Array(this.width);
    this.encodeInto((i) => record[this.features[i].name], out, 0);
    return out;
  }
}
