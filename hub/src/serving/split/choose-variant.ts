/**
 * Which variant of a split deployment answers a request: a point in [0, 1) falls into the variants'
 * weight ranges, laid end to end in their order. With a routing key the point is a hash of the
 * deployment and the key, so a key reaches the same variant for as long as the weights stay
 * unchanged (and keys spread over the variants by weight); without one the point is drawn per
 * request. A variant with no ready replica is passed over: the same point falls into the ranges of
 * the variants that have one, so traffic shifts to them by weight.
 */
import { createHash } from 'node:crypto';

export interface WeightedVariant {
  versionNumber: number;
  weight: number;
  shadow: boolean;
}

/** A key's point in [0, 1), the same on every hub and across restarts. */
export function keyPoint(salt: string, key: string): number {
  const digest = createHash('sha256').update(salt).update('\0').update(key).digest();
  return digest.readUInt32BE(0) / 2 ** 32;
}

/** The variant the point falls in among those with weight and a ready replica; undefined when none has one. */
export function chooseVariant<V extends WeightedVariant>(variants: readonly V[], isReady: (v: V) => boolean, point: number): V | undefined {
  const weighted = variants.filter((v) => !v.shadow && v.weight > 0);
  const first = pointIn(weighted, point);
  if (first && isReady(first)) return first;
  return pointIn(
    weighted.filter((v) => isReady(v)),
    point,
  );
}

function pointIn<V extends WeightedVariant>(variants: readonly V[], point: number): V | undefined {
  const total = variants.reduce((sum, v) => sum + v.weight, 0);
  if (total <= 0) return undefined;
  let edge = 0;
  for (const v of variants) {
    edge += v.weight / total;
    if (point < edge) return v;
  }
  return variants[variants.length - 1];
}
