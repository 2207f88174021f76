/**
 * A classifier's answer for one record as every door shows it: the class probabilities in the
 * model's label order (null where the replica's value was not finite) and the most probable label
 * (ties: the first in label order, as ML.PREDICT picks; null when no probability is finite).
 */
export function classOutputs(labels: readonly string[], probabilities: readonly (number | null)[]): { label: string | null; probabilities: (number | null)[] } {
  let best = -1;
  for (let i = 0; i < probabilities.length; i++) {
    const p = probabilities[i];
    if (p !== null && p !== undefined && (best < 0 || p > probabilities[best]!)) best = i;
  }
  return { label: best >= 0 ? (labels[best] ?? null) : null, probabilities: [...probabilities] };
}
