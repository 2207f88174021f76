/**
 * Whether a model version can be evaluated on a benchmark: every feature the version's signature
 * names is a feature column of the benchmark (not its label) of a type the feature reads, and the
 * task is the benchmark's (a version with classes classifies, one without regresses). Columns the
 * model does not read are not served to it. Answers every problem at once, or an empty list.
 */
import type { FeatureType } from '../../../schema/index.js';

/** The benchmark column types (docs/data-market.md) each feature type accepts. */
const ACCEPTS: Record<FeatureType, readonly string[]> = {
  number: ['integer', 'float'],
  integer: ['integer'],
  boolean: ['boolean'],
  category: ['categorical', 'text', 'boolean', 'integer'],
  text: ['text', 'categorical'],
};

export function compatibilityProblems(
  model: { task: 'classification' | 'regression'; features: readonly { name: string; type: FeatureType }[] },
  benchmark: { task: 'classification' | 'regression'; label: string; featureColumns: readonly { name: string; type: string }[] },
): string[] {
  const problems: string[] = [];
  if (model.task !== benchmark.task) problems.push(`the model is a ${model.task} model; the benchmark is a ${benchmark.task} task`);
  const columns = new Map(benchmark.featureColumns.map((c) => [c.name, c.type]));
  const missing = model.features.filter((f) => !columns.has(f.name));
  if (missing.length > 0) {
    const label = missing.find((f) => f.name === benchmark.label);
    problems.push(
      `the benchmark has no feature column${missing.length > 1 ? 's' : ''} ${missing.map((f) => `"${f.name}"`).join(', ')} the model reads` +
        (label ? ` ("${label.name}" is the benchmark's label)` : '') +
        ` (its columns: ${benchmark.featureColumns.map((c) => c.name).join(', ')})`,
    );
  }
  for (const f of model.features) {
    const type = columns.get(f.name);
    if (type !== undefined && !ACCEPTS[f.type].includes(type)) problems.push(`feature "${f.name}" is read as ${f.type}, but the benchmark's column is ${type}`);
  }
  return problems;
}
