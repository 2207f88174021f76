/**
 * The one check every online record passes before it may reach a replica, whichever door it came
 * through (TF Serving REST, KServe v2, GraphQL predict, ML.PREDICT online): the agent encodes what
 * it gets without asking questions, so nothing it cannot encode may be sent to it.
 *
 * - A record is an object of the signature's features (feature name → value). A name that is not a
 *   feature is refused (400 naming it); a feature left out is NULL, and NULL is what preprocessing
 *   imputes, as ML.PREDICT does for a NULL cell (schema/preprocessing.ts: a number becomes the
 *   training mean, a category the reserved `__missing__` entry).
 * - Numeric features (`number`, `integer`) take a finite number, a string holding one, or null.
 * - Category, text and boolean features take a string, a boolean, a finite number (its text is the
 *   category) or null. Values never seen in training are accepted: they land in `__missing__`.
 * - At most MAX_INSTANCES_PER_REQUEST records.
 */
import { MAX_INSTANCES_PER_REQUEST, NUMERIC_FEATURE_TYPES, type FeatureSpec, type RawRecord } from '../../../../schema/index.js';
import { AppError, badInput, type FieldProblem } from '../../errors.js';

/** Longest string value one feature may carry (schema/serving.ts rawRecord). */
export const MAX_VALUE_LENGTH = 100_000;
/** Problems reported at once; past this the caller gets the first ones. */
const MAX_PROBLEMS = 20;

/**
 * Checks raw records against a signature and answers them as the agent's RawRecords. `field` names
 * where they came from in the caller's request (`instances`, `inputs`, …), so messages point there.
 * Throws BAD_USER_INPUT listing every problem found (each naming its record and feature).
 */
export function checkRecords(features: readonly FeatureSpec[], records: readonly unknown[], field = 'instances'): RawRecord[] {
  if (records.length === 0) throw badInput(field, 'send at least one record');
  if (records.length > MAX_INSTANCES_PER_REQUEST) {
    throw badInput(field, `${records.length} records is more than the ${MAX_INSTANCES_PER_REQUEST} one request may carry; split them`);
  }
  const byName = new Map(features.map((f) => [f.name, f]));
  const problems: FieldProblem[] = [];
  const out: RawRecord[] = [];
  for (let i = 0; i < records.length && problems.length < MAX_PROBLEMS; i++) {
    const record = records[i];
    const at = `${field}[${i}]`;
    if (typeof record !== 'object' || record === null || Array.isArray(record)) {
      problems.push({ field: at, message: `must be an object of feature values (features: ${names(features)})` });
      continue;
    }
    const raw: RawRecord = {};
    for (const [name, value] of Object.entries(record)) {
      const feature = byName.get(name);
      if (!feature) {
        problems.push({ field: `${at}.${name}`, message: `"${name}" is not a feature of this model (features: ${names(features)})` });
        continue;
      }
      const problem = valueProblem(feature, value);
      if (problem) problems.push({ field: `${at}.${name}`, message: problem });
      else raw[name] = value as RawRecord[string];
    }
    out.push(raw);
  }
  if (problems.length > 0) {
    const first = problems[0]!;
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})` : '';
    throw new AppError('BAD_USER_INPUT', `${first.field}: ${first.message}${more}`, problems);
  }
  return out;
}

/** Why `value` cannot be fed to `feature`, or null when it can. */
export function valueProblem(feature: FeatureSpec, value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (NUMERIC_FEATURE_TYPES.includes(feature.type)) {
    if (typeof value === 'number') return Number.isFinite(value) ? null : `must be a finite number, got ${String(value)}`;
    if (typeof value === 'string') {
      const n = value.trim() === '' ? NaN : Number(value);
      return Number.isFinite(n) ? null : `must be a number (${feature.type} feature), got the string ${quote(value)}`;
    }
    return `must be a number (${feature.type} feature), got ${describe(value)}`;
  }
  if (typeof value === 'string') return value.length <= MAX_VALUE_LENGTH ? null : `is longer than ${MAX_VALUE_LENGTH} characters`;
  if (typeof value === 'boolean') return null;
  if (typeof value === 'number') return Number.isFinite(value) ? null : `must be a finite number or a string, got ${String(value)}`;
  return `must be a string, a boolean or a number (${feature.type} feature), got ${describe(value)}`;
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return `the string ${quote(value)}`;
  return `${typeof value} ${String(value)}`;
}

function quote(value: string): string {
  return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
}

/** The feature names for a message (the first few). */
export function names(features: readonly FeatureSpec[]): string {
  const shown = features.slice(0, 10).map((f) => f.name);
  return features.length > 10 ? `${shown.join(', ')}, … ${features.length - 10} more` : shown.join(', ');
}
