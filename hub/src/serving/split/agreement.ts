/**
 * Whether a shadow's answer agrees with the answer the caller got, record by record: a classifier
 * agrees when both name the same most probable class (by label, so versions whose class order
 * differs compare right); a regressor when the values differ by at most
 * {@link REGRESSION_TOLERANCE} × max(1, |primary value|) (1 % of values above 1 in size, 0.01 below).
 */
import { classOutputs } from '../doors/outputs.js';

export const REGRESSION_TOLERANCE = 0.01;

export interface Answered {
  task: 'classification' | 'regression';
  labels: readonly string[];
  outputs: readonly (readonly (number | null)[])[];
}

/** Records compared and records that agree. */
export function agreement(primary: Answered, shadow: Answered): { compared: number; agreed: number } {
  const compared = Math.min(primary.outputs.length, shadow.outputs.length);
  let agreed = 0;
  for (let i = 0; i < compared; i++) if (recordAgrees(primary, shadow, i)) agreed++;
  return { compared, agreed };
}

function recordAgrees(primary: Answered, shadow: Answered, i: number): boolean {
  if (primary.task !== shadow.task) return false;
  if (primary.task === 'classification') {
    const a = classOutputs(primary.labels, primary.outputs[i]).label;
    const b = classOutputs(shadow.labels, shadow.outputs[i]).label;
    return a === b;
  }
  const a = primary.outputs[i][0] ?? null;
  const b = shadow.outputs[i][0] ?? null;
  if (a === null || b === null) return a === b;
  return Math.abs(a - b) <= REGRESSION_TOLERANCE * Math.max(1, Math.abs(a));
}
