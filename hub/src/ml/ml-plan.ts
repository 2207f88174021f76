/**
 * Everything checked before a `predict` job exists (ML.PREDICT / ML.EVALUATE with a query): the
 * SQL surface has parsed the statement and checked that the caller may read the model and the
 * datasets. Here: the version is a trained model (its signature names features with a
 * preprocessing the agent applies — schema/preprocessing.ts — and it has model.json), the input
 * SELECT returns every feature column (and, for ML.EVALUATE, the label column), each once, and at
 * most AIMASS_ML_MAX_ROWS rows. Every refusal is a SqlError located in the query.
 */
import { featureSpec, type FeatureSpec, type PredictPayload } from '../../../schema/index.js';
import type { Principal } from '../accounts/index.js';
import type { CatalogService, ModelVersion, StoredFeature, StoredLineage } from '../catalog/index.js';
import type { Config } from '../config.js';
import { SqlError, type PreparedStatement, type ResolvedSelect, type SqlStatement } from '../sql/index.js';
import { quoteIdent, type TrainingSql } from '../training/index.js';

export type MlStatement = Extract<SqlStatement, { kind: 'ML_PREDICT' | 'ML_EVALUATE' }>;
type Position = ReturnType<PreparedStatement['source']['position']>;

/** A trained version, as ML.* needs it. */
export interface TrainedVersion {
  version: ModelVersion;
  task: 'classification' | 'regression';
  features: FeatureSpec[];
  labels: string[];
  /** The label column the model was trained on (BigQuery's predicted_<label>). */
  labelName: string;
}

export interface MlPlan {
  /** ML.PREDICT or ML.EVALUATE (the job's payload is the same for both: the agent is not told). */
  mode: 'predict' | 'evaluate';
  trained: TrainedVersion;
  payload: PredictPayload;
  /** The input SELECT over internal tables (never shown). */
  select: ResolvedSelect;
  /** The input SELECT's columns. */
  inputColumns: { name: string; type: string }[];
}

/** The version ML.* names, which must have been trained with features (BAD_USER_INPUT otherwise). */
export async function trainedVersion(catalog: CatalogService, principal: Principal, prepared: PreparedStatement): Promise<TrainedVersion> {
  const statement = prepared.statement as MlStatement;
  const ref = statement.model;
  const at = prepared.source.position(ref.offset);
  const version = await catalog.version(principal, ref.owner, ref.name, ref.version);
  const trained = asTrained(version, `model ${ref.owner}.${ref.name}@${version.number}`, `ML.${statement.kind === 'ML_PREDICT' ? 'PREDICT' : 'EVALUATE'}`);
  if (typeof trained === 'string') throw new SqlError('BAD_USER_INPUT', trained, at);
  return trained;
}

/**
 * A version as a trained model the `predict` job can run, or why it cannot be one: its signature
 * names features with a preprocessing the agent applies, and it has model.json. `shown` names the
 * version in the reason, `what` the statement or operation that needs it.
 */
export function asTrained(version: ModelVersion, shown: string, what: string): TrainedVersion | string {
  const signature = (version.signature ?? {}) as { features?: StoredFeature[]; labels?: string[] };
  if (!signature.features || signature.features.length === 0) {
    return `${shown} is not a trained model ${what} can run: its signature names no features (train it with CREATE MODEL, or state its features and preprocessing)`;
  }
  if (!Object.prototype.hasOwnProperty.call(version.files, 'model.json')) return `${shown} has no model.json (TF.js layers model)`;
  const features: FeatureSpec[] = [];
  for (const f of signature.features) {
    const p = f.preprocessing ?? { kind: 'none' };
    const plain = p.kind === 'standardize' ? { kind: p.kind, mean: p.mean, std: p.std } : p.kind === 'one_hot' ? { kind: p.kind, vocabulary: p.vocabulary } : { kind: p.kind };
    const parsed = featureSpec.safeParse({ name: f.name, type: f.type, preprocessing: plain });
    if (!parsed.success) {
      return `${shown}: feature "${f.name}" has preprocessing ${String(p.kind).toUpperCase()}, which ${what} does not apply (it applies STANDARDIZE and ONE_HOT, as the trainer stores them)`;
    }
    features.push(parsed.data);
  }
  const labels = signature.labels ?? [];
  const lineage = (version.lineage ?? {}) as StoredLineage;
  const trainedLabel = lineage.hyperparameters?.label;
  return { version, task: labels.length > 0 ? 'classification' : 'regression', features, labels, labelName: typeof trainedLabel === 'string' && trainedLabel ? trainedLabel : 'label' };
}

export async function planMl(
  deps: { sql: TrainingSql; catalog: CatalogService; config: Config },
  principal: Principal,
  prepared: PreparedStatement,
): Promise<MlPlan> {
  const statement = prepared.statement as MlStatement;
  const { source } = prepared;
  const input = statement.input!;
  const select = prepared.select!;
  const queryAt: Position = source.position(input.start);
  const fail = (message: string, at: Position = queryAt) => new SqlError('BAD_USER_INPUT', message, at);
  const trained = await trainedVersion(deps.catalog, principal, prepared);
  const evaluate = statement.kind === 'ML_EVALUATE';

  const columns = await deps.sql.columnsOf(source, select);
  const seen = new Map<string, number>();
  for (const c of columns) seen.set(c.name, (seen.get(c.name) ?? 0) + 1);
  for (const [name, count] of seen) {
    if (count > 1) throw fail(`the SELECT has ${count} columns named "${name}": give each a name of its own (… AS other_name)`);
  }
  const missing = trained.features.filter((f) => !seen.has(f.name)).map((f) => `"${f.name}"`);
  if (missing.length > 0) {
    throw fail(
      `the SELECT must return the model's feature column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} ` +
        `(the model reads ${trained.features.map((f) => f.name).join(', ')}; the SELECT returns ${columns.map((c) => c.name).join(', ') || 'no columns'})`,
    );
  }
  if (evaluate && !seen.has(trained.labelName)) {
    throw fail(`ML.EVALUATE needs the label column "${trained.labelName}" in the SELECT, to compare the predictions with (the SELECT returns ${columns.map((c) => c.name).join(', ')})`);
  }
  if (!evaluate) {
    const taken = [`predicted_${trained.labelName}`, `predicted_${trained.labelName}_probs`].find((name) => seen.has(name));
    if (taken) throw fail(`the SELECT already has a column "${taken}", which ML.PREDICT adds: rename it (… AS other_name)`);
  }

  const max = deps.config.ml.maxRows;
  const stats = await deps.sql.runWrapped(select, (sql) => `SELECT count(*) AS n FROM (${sql}) AS aimass_ml`, { first: 1, maxRows: 1, source });
  const rowCount = Number(stats.rows[0]?.[0] ?? 0);
  if (rowCount > max) {
    throw fail(`the query returns ${rowCount.toLocaleString('en-US')} rows, more than ML.${evaluate ? 'EVALUATE' : 'PREDICT'} may read (AIMASS_ML_MAX_ROWS = ${max.toLocaleString('en-US')}): narrow it with WHERE or LIMIT`);
  }
  if (evaluate && rowCount === 0) throw fail('the query returns no rows to evaluate on');
  if (evaluate) {
    const q = quoteIdent(trained.labelName);
    const labelled = await deps.sql.runWrapped(select, (sql) => `SELECT count(${q}) AS n FROM (${sql}) AS aimass_ml`, { first: 1, maxRows: 1, source });
    if (Number(labelled.rows[0]?.[0] ?? 0) === 0) throw fail(`the label "${trained.labelName}" is NULL in every row the query returns: there is nothing to evaluate against`);
  }

  const files = ['model.json', ...Object.keys(trained.version.files).filter((p) => p !== 'model.json')];
  const ref = statement.model;
  const payload: PredictPayload = {
    model: `${ref.owner}.${ref.name}@${trained.version.number}`,
    task: trained.task,
    features: trained.features,
    labels: trained.labels,
    rowCount,
    chunkRows: deps.config.training.chunkRows,
    files,
  };
  return { mode: evaluate ? 'evaluate' : 'predict', trained, payload, select, inputColumns: columns };
}
