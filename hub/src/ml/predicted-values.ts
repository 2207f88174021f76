/**
 * ML.PREDICT's predicted columns from a model's output for one row, the same whichever way the row
 * was predicted (a `predict` job's agent, or a deployment answering online): a classifier's
 * probabilities become predicted_<label> (the most probable class; the first on a tie) and
 * predicted_<label>_probs ([{ label, prob }] in class order); a regressor's value is kept as is.
 * A missing (non-finite) output is null and never the most probable class.
 */
export function predictedValues(task: 'classification' | 'regression', labels: readonly string[], out: readonly (number | null | undefined)[]): unknown[] {
  if (task === 'regression') return [out[0] ?? null];
  let best = 0;
  for (let k = 1; k < labels.length; k++) if ((out[k] ?? -Infinity) > (out[best] ?? -Infinity)) best = k;
  return [labels[best], labels.map((label, k) => ({ label, prob: out[k] ?? null }))];
}

/** The input rows as raw records of the model's features (other columns are the caller's, not the model's). */
export function onlineRecords(columns: readonly string[], rows: readonly unknown[][], features: readonly string[]): Record<string, unknown>[] {
  const at = features.map((name) => [name, columns.indexOf(name)] as const);
  return rows.map((row) => Object.fromEntries(at.map(([name, i]) => [name, i < 0 ? null : (row[i] ?? null)])));
}

/**
 * ML.PREDICT's rows from an online answer: each input row as the job's rows read back from the
 * database (JSON values), then its predicted columns. Null when the answer does not fit: a row
 * count or an output width other than the version's (the job answers then).
 */
export function onlineResultRows(
  task: 'classification' | 'regression',
  labels: readonly string[],
  inputRows: readonly unknown[][],
  outputs: readonly (readonly (number | null)[])[],
): unknown[][] | null {
  const width = task === 'classification' ? labels.length : 1;
  if (outputs.length !== inputRows.length || outputs.some((out) => out.length !== width)) return null;
  const rows = JSON.parse(JSON.stringify(inputRows)) as unknown[][];
  return rows.map((row, i) => [...row, ...(JSON.parse(JSON.stringify(predictedValues(task, labels, outputs[i]))) as unknown[])]);
}
