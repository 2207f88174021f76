/**
 * Deterministic synthetic data for training, prediction and tuning tests and the training
 * benchmark: a seeded generator (mulberry32), a three-species classification set with a category
 * and NULLs, a house-price regression set, and CSV. The same seed gives the same rows on every
 * run, so quality bars stated against a baseline stay stable.
 */
import type { FeatureSpec } from '../../schema/index.js';

/** mulberry32, with a normal draw (Box–Muller) and a uniform pick. */
export function generator(seed: number) {
  let a = seed;
  const uniform = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const normal = () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
  return { uniform, normal, pick: <T>(items: T[]) => items[Math.floor(uniform() * items.length)] };
}

export const COLORS = ['red', 'green', 'blue'];
const SHIFT: Record<string, number> = { red: 1.5, green: 0, blue: -1.5 };

/** A type, not an interface, so rows pass where Record<string, unknown> is asked for. */
export type Flower = {
  petal: number;
  sepal: number | null;
  color: string | null;
  species: string;
};

/** Three species from two measurements and a colour, with noise; `nullRate` of sepals and colours are NULL. */
export function flowers(n: number, seed: number, nullRate = 0.03): Flower[] {
  const g = generator(seed);
  return Array.from({ length: n }, () => {
    const petal = g.normal();
    const sepal = g.normal();
    const color = g.pick(COLORS);
    const z = 2 * petal - sepal + SHIFT[color] + 0.4 * g.normal();
    return {
      petal: Number(petal.toFixed(4)),
      sepal: g.uniform() < nullRate ? null : Number(sepal.toFixed(4)),
      color: g.uniform() < nullRate ? null : color,
      species: z < -1 ? 'iris_a' : z < 1 ? 'iris_b' : 'iris_c',
    };
  });
}

export type House = {
  area: number;
  rooms: number;
  district: string;
  price: number;
};

/** Prices from area, rooms and district, with noise (σ = 8). */
export function houses(n: number, seed: number): House[] {
  const g = generator(seed);
  const districts: Record<string, number> = { north: 40, south: -25, east: 10 };
  return Array.from({ length: n }, () => {
    const area = 40 + 80 * g.uniform();
    const rooms = 1 + Math.floor(5 * g.uniform());
    const district = g.pick(Object.keys(districts));
    return { area: Number(area.toFixed(2)), rooms, district, price: Number((3 * area + 15 * rooms + districts[district] + 8 * g.normal()).toFixed(2)) };
  });
}

/** Rows as CSV with a header; NULL as an empty cell. */
export function csv(rows: object[]): string {
  const records = rows as Record<string, unknown>[];
  const columns = Object.keys(records[0]);
  return [columns.join(','), ...records.map((r) => columns.map((c) => (r[c] === null ? '' : String(r[c]))).join(','))].join('\n') + '\n';
}

/** A GraphQL FeatureSpec (enum values upper case) as schema/preprocessing.ts reads it. */
export function toSpec(f: { name: string; type: string; preprocessing: { kind: string; mean?: number; std?: number; vocabulary?: string[] } }): FeatureSpec {
  const p = f.preprocessing;
  return {
    name: f.name,
    type: f.type.toLowerCase() as FeatureSpec['type'],
    preprocessing: p.kind === 'STANDARDIZE' ? { kind: 'standardize', mean: p.mean!, std: p.std! } : { kind: 'one_hot', vocabulary: p.vocabulary! },
  };
}
