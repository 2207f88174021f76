/**
 * Everything checked before a training job exists (so no agent ever gets a job that cannot work):
 * the SQL surface has parsed the statement, resolved and access-checked its datasets and the model
 * name, and made sure the label is a column of the SELECT. Here: each column's type is one the
 * trainer reads, the label suits the model type (a regressor needs a number; a classifier needs
 * 2 to AIMASS_TRAIN_MAX_CLASSES distinct values), the query returns rows with labels and at most
 * AIMASS_TRAIN_MAX_ROWS of them, class_weights name real classes, a custom model's spec is one the
 * trainer can build on, and every hyperparameter gets its value (defaults filled in).
 *
 * Every refusal is a BAD_USER_INPUT SqlError located in the query: at the option it is about, or
 * at the column in the SELECT.
 */
import {
  analyzeModelSpec,
  MAX_CATEGORY_LENGTH,
  specWithInputWidth,
  trainPayload,
  type FeatureColumn,
  type FeatureType,
  type TrainHyperparameters,
  type TrainPayload,
} from '../../../schema/index.js';
import type { Principal } from '../accounts/index.js';
import type { ArchitecturesService } from '../architectures/index.js';
import type { Config } from '../config.js';
import { AppError } from '../errors.js';
import { SqlError, type PreparedStatement, type ResolvedSelect, type SqlStatement, type Tunable } from '../sql/index.js';
import type { RunDataset } from './training-run.entity.js';
import { LOG_SCALE, searchSpace, TUNABLE } from './tuning-search.js';
import { quoteIdent, type SourceText, type TrainingSql } from './training-sql.js';
import type { ReadArchitecture } from './training-reads.js';

export type CreateModelStatement = Extract<SqlStatement, { kind: 'CREATE_MODEL' }>;

export interface TrainingPlan {
  /** The job's payload; with tuning, the base every trial's drawn values replace. */
  payload: TrainPayload;
  /** Tuning: the options written as HPARAM_RANGE / HPARAM_CANDIDATES (empty without tuning). */
  space: ReturnType<typeof searchSpace>;
  /** The SELECT over internal tables, run for the agent (never shown). */
  querySql: string;
  datasets: RunDataset[];
  /** The saved architecture a custom model is built on (it is read, so it counts for placement). */
  architecture: ReadArchitecture | null;
}

/** Defaults, after BigQuery ML where it has one (max_iterations 20, early_stop TRUE, min_rel_progress 0.01, auto_split). */
export const DEFAULTS = {
  hiddenUnits: [64, 32],
  activation: 'relu',
  optimizer: 'adam',
  learnRate: 0.01,
  epochs: 20,
  batchSize: 32,
  minRelProgress: 0.01,
  dataSplitEvalFraction: 0.2,
} as const;

/** PostgreSQL result types the trainer reads, as feature types. */
function featureType(pgType: string): FeatureType | null {
  const t = pgType.toLowerCase();
  if (['smallint', 'integer', 'bigint'].includes(t)) return 'integer';
  if (t === 'real' || t === 'double precision' || t === 'numeric' || t.startsWith('numeric(')) return 'number';
  if (t === 'boolean') return 'boolean';
  if (t === 'text' || t === 'unknown' || t.startsWith('character')) return 'category';
  return null;
}

const REGRESSORS = new Set(['linear_reg', 'dnn_regressor']);

/**
 * What a model type learns: regressors a number, 'custom' a number when its label is a float
 * (anything else names classes), every other type classes. Null for 'custom' while the label's
 * type is not known.
 */
function taskOf(modelType: string, labelType: FeatureColumn['type']): TrainPayload['task'];
function taskOf(modelType: string, labelType: null): TrainPayload['task'] | null;
function taskOf(modelType: string, labelType: FeatureColumn['type'] | null): TrainPayload['task'] | null {
  if (REGRESSORS.has(modelType)) return 'regression';
  if (modelType !== 'custom') return 'classification';
  if (labelType === null) return null;
  return labelType === 'number' ? 'regression' : 'classification';
}

export async function planTraining(
  deps: { sql: TrainingSql; config: Config; architectures: ArchitecturesService },
  principal: Principal,
  prepared: PreparedStatement,
): Promise<TrainingPlan> {
  const { source } = prepared;
  const statement = prepared.statement as CreateModelStatement;
  const select = prepared.select!;
  const { options } = statement;
  const limits = deps.config.training;
  const offsets: Record<string, number> = (statement as { optionOffsets?: Record<string, number> }).optionOffsets ?? {};
  const optionAt = (name: string, fallback = statement.query.start) => source.position(offsets[name] ?? fallback);
  const fail = (message: string, at: ReturnType<SourceText['position']> | null) => new SqlError('BAD_USER_INPUT', message, at);

  // ---- tuning (num_trials > 1): the search space must make sense before any trial runs ----
  // (model-options.ts has checked each range's and candidate's values like a single value, that
  // max_parallel_trials ≤ num_trials and that num_trials > 1 tunes something.)
  if (options.numTrials > limits.maxTrials) {
    throw fail(`num_trials must be at most ${limits.maxTrials} on this hub (AIMASS_TRAIN_MAX_TRIALS)`, optionAt('num_trials'));
  }
  const space = options.numTrials > 1 ? searchSpace(options) : [];
  for (const [key, s] of space) {
    if ('range' in s && LOG_SCALE.has(key) && s.range.min <= 0) {
      throw fail(`${TUNABLE[key]} is searched on a log scale: HPARAM_RANGE(min, max) needs min > 0 (like HPARAM_RANGE(0.0001, 0.1))`, optionAt(TUNABLE[key]));
    }
    if ('candidates' in s && new Set(s.candidates.map((c) => JSON.stringify(c))).size !== s.candidates.length) {
      throw fail(`${TUNABLE[key]}: HPARAM_CANDIDATES names a value twice`, optionAt(TUNABLE[key]));
    }
  }

  // ---- columns and their types ----
  const labelName = options.inputLabelCols?.[0] ?? 'label';
  const q = quoteIdent(labelName);
  const rowStats = (task: TrainPayload['task']) =>
    deps.sql.runWrapped(
      select,
      (sql) => `SELECT count(*) AS n, count(${q}) AS labelled, ${task === 'classification' ? `count(DISTINCT ${q})` : '0'} AS classes FROM (${sql}) AS aimass_train`,
      { first: 1, maxRows: 1, source },
    );
  // Every model_type but 'custom' says the task itself (taskOf), so the rows are counted beside the
  // column check (one sandboxed query's wait instead of two); its answer is used only once the
  // columns passed, so a wrong label or type is still told as such, not as the count's SQL error.
  const knownTask = taskOf(options.modelType, null);
  const countedEarly = knownTask ? rowStats(knownTask) : null;
  countedEarly?.catch(() => undefined);
  const columns = await deps.sql.columnsOf(source, select);
  const labelAt = optionAt('input_label_cols');
  const seen = new Map<string, number>();
  for (const c of columns) seen.set(c.name, (seen.get(c.name) ?? 0) + 1);
  for (const [name, count] of seen) {
    if (count > 1) throw fail(`the SELECT has ${count} columns named "${name}": give each a name of its own (… AS other_name)`, columnAt(source, statement, name));
  }
  const label = columns.find((c) => c.name === labelName);
  if (!label) throw fail(`input_label_cols: column "${labelName}" is not in the SELECT (its columns: ${columns.map((c) => c.name).join(', ')})`, labelAt);
  const splitCol = options.dataSplitCol;
  if (splitCol !== null && !columns.some((c) => c.name === splitCol)) {
    throw fail(`data_split_col: column "${splitCol}" is not in the SELECT (its columns: ${columns.map((c) => c.name).join(', ')})`, optionAt('data_split_col'));
  }
  const typed = (c: { name: string; type: string }): FeatureColumn => {
    const type = featureType(c.type);
    if (!type) {
      throw fail(
        `column "${c.name}" is ${c.type}, which the trainer does not read (it reads numbers, booleans and text): ` +
          `cast it, e.g. ${c.name}::text for a category or extract(epoch from ${c.name}) for a number`,
        columnAt(source, statement, c.name),
      );
    }
    return { name: c.name, type };
  };
  const features = columns.filter((c) => c.name !== labelName && c.name !== splitCol).map(typed);
  if (features.length === 0) throw fail(`the SELECT needs at least one feature column besides the label "${labelName}"`, source.position(statement.query.start));
  const labelColumn = typed(label);
  if (splitCol !== null && options.dataSplitMethod === 'custom') {
    const type = columns.find((c) => c.name === splitCol)!.type;
    if (type !== 'boolean') throw fail(`data_split_col "${splitCol}" must be a boolean column (TRUE: the row is for evaluation), not ${type}`, optionAt('data_split_col'));
  }

  // ---- the task ----
  const numericLabel = labelColumn.type === 'number' || labelColumn.type === 'integer';
  const modelType = options.modelType;
  const task = taskOf(modelType, labelColumn.type);
  if (task === 'regression' && !numericLabel) {
    throw fail(`model_type '${modelType}' predicts a number, but the label "${labelName}" is ${label.type}: use a classifier (logistic_reg, dnn_classifier) or cast the label`, offsets.input_label_cols !== undefined ? labelAt : optionAt('model_type'));
  }

  // ---- the rows: how many, labelled, classes ----
  const stats = await (countedEarly ?? rowStats(task));
  const [n, labelled, classes] = (stats.rows[0] ?? [0, 0, 0]).map((v) => Number(v));
  if (n > limits.maxRows) {
    throw fail(`the query returns ${n.toLocaleString('en-US')} rows, more than a training job may read (AIMASS_TRAIN_MAX_ROWS = ${limits.maxRows.toLocaleString('en-US')}): narrow it with WHERE or LIMIT`, source.position(statement.query.start));
  }
  if (labelled === 0) {
    throw fail(n === 0 ? 'the query returns no rows to train on' : `the label "${labelName}" is NULL in every row the query returns`, n === 0 ? source.position(statement.query.start) : labelAt);
  }
  if (labelled < 2) throw fail(`the query returns only one row with a label: training needs more`, source.position(statement.query.start));
  const classesAt = offsets.input_label_cols !== undefined ? labelAt : optionAt('model_type');
  if (task === 'classification') {
    if (classes < 2) throw fail(`a classifier needs at least two distinct values of the label "${labelName}"; it has ${classes}`, classesAt);
    if (classes > limits.maxClasses) {
      throw fail(
        `the label "${labelName}" has ${classes.toLocaleString('en-US')} distinct values: a classifier may have at most ${limits.maxClasses.toLocaleString('en-US')} classes (AIMASS_TRAIN_MAX_CLASSES)` +
          (numericLabel ? `; to predict a number, use model_type = 'linear_reg' or 'dnn_regressor'` : ''),
        classesAt,
      );
    }
  }
  if (options.classWeights) {
    if (task !== 'classification') throw fail('class_weights apply to classifiers only', optionAt('class_weights'));
    const values = await deps.sql.runWrapped(
      select,
      (sql) => `SELECT DISTINCT ${q}::text AS v FROM (${sql}) AS aimass_train WHERE ${q} IS NOT NULL`,
      { first: limits.maxClasses + 1, maxRows: limits.maxClasses + 1, source },
    );
    const known = new Set(values.rows.map((r) => String(r[0])));
    for (const { label: value } of options.classWeights) {
      if (!known.has(value)) {
        const shown = [...known].slice(0, 20).map((v) => `'${v}'`).join(', ');
        throw fail(`class_weights names '${value}', which is not a value of the label "${labelName}" (its values: ${shown}${known.size > 20 ? ', …' : ''})`, optionAt('class_weights'));
      }
    }
  }

  // ---- model_type 'custom': the saved architecture ----
  let spec: unknown = null;
  let architecture: ReadArchitecture | null = null;
  if (modelType === 'custom') {
    const ref = options.modelSpec!;
    const specAt = optionAt('model_spec', offsets.model_type ?? statement.query.start);
    try {
      const saved = await deps.architectures.get(principal, ref.owner, ref.name);
      spec = saved.spec;
      architecture = { ownerId: saved.ownerId, visibility: saved.visibility, ref: `${ref.owner}/${ref.name}` };
    } catch (error) {
      if (error instanceof AppError && error.code === 'NOT_FOUND') throw new SqlError('NOT_FOUND', `model_spec: architecture ${ref.owner}/${ref.name} not found`, specAt);
      throw error;
    }
    checkCustomSpec(spec, features.length, (message) => fail(`model_spec ${ref.owner}/${ref.name}: ${message}`, specAt));
  }

  // ---- hyperparameters ----
  const one = <T>(t: Tunable<T> | null): T | null => (t && 'value' in t ? t.value : null);
  const dnn = modelType === 'dnn_classifier' || modelType === 'dnn_regressor';
  const hyperparameters: TrainHyperparameters = {
    hiddenUnits: dnn ? (one(options.hiddenUnits) ?? [...DEFAULTS.hiddenUnits]) : [],
    activation: one(options.activation) ?? DEFAULTS.activation,
    optimizer: one(options.optimizer) ?? DEFAULTS.optimizer,
    learnRate: one(options.learnRate) ?? DEFAULTS.learnRate,
    epochs: options.epochs ?? DEFAULTS.epochs,
    batchSize: one(options.batchSize) ?? DEFAULTS.batchSize,
    l1Reg: one(options.l1Reg) ?? 0,
    l2Reg: one(options.l2Reg) ?? 0,
    dropout: one(options.dropout) ?? 0,
    earlyStop: options.earlyStop ?? true,
    minRelProgress: options.minRelProgress ?? DEFAULTS.minRelProgress,
    dataSplitMethod: options.dataSplitMethod ?? 'auto_split',
    dataSplitEvalFraction: options.dataSplitEvalFraction ?? DEFAULTS.dataSplitEvalFraction,
    dataSplitCol: splitCol,
    classWeights: options.classWeights?.map((w) => ({ label: w.label.slice(0, MAX_CATEGORY_LENGTH), weight: w.weight })) ?? null,
    autoClassWeights: options.autoClassWeights ?? false,
  };

  const datasets: RunDataset[] = uniqueDatasets(select).map((d) => ({
    owner: d.owner,
    name: d.name,
    version: d.number,
    versionId: d.versionId,
    datasetId: d.datasetId,
    table: d.table,
  }));
  const payload = trainPayload.parse({
    modelType,
    task,
    model: `${statement.model.owner}.${statement.model.name}`,
    label: labelColumn,
    features,
    rowCount: n,
    chunkRows: limits.chunkRows,
    checkpointEveryEpochs: limits.checkpointEpochs,
    maxClasses: limits.maxClasses,
    maxVocabulary: limits.maxVocabulary,
    hyperparameters,
    spec,
    statement: source.text,
    datasets: datasets.map((d) => ({ owner: d.owner, name: d.name, version: d.version, versionId: d.versionId })),
  } satisfies TrainPayload);
  return { payload, space, querySql: select.sql, datasets, architecture };
}

/**
 * A custom model's spec is the network's body: the trainer sets its input width to the number of
 * preprocessed inputs (specWithInputWidth) and adds the output layer itself. So it must read one
 * flat vector — sequential, or functional with one input and one output — and give one flat vector out.
 */
function checkCustomSpec(spec: unknown, features: number, fail: (message: string) => Error): void {
  const sized = specWithInputWidth(spec, Math.max(1, features));
  if ('problem' in sized) throw fail(sized.problem);
  const analysis = analyzeModelSpec(sized.spec);
  if (!analysis.valid) {
    const problem = analysis.errors[0];
    throw fail(`it does not build with ${features} inputs: ${problem.path ? `${problem.path}: ` : ''}${problem.message}`);
  }
  const out = analysis.outputs[0]?.shape;
  if (!out || out.length !== 2) throw fail(`its last layer must give one flat vector per example (its output shape is ${JSON.stringify(out)}): end it with dense or flatten`);
}

function uniqueDatasets(select: ResolvedSelect): ResolvedSelect['datasets'] {
  return [...new Map(select.datasets.map((d) => [d.versionId, d])).values()];
}

/** Where a column is named in the SELECT (first mention), or the SELECT's start. */
function columnAt(source: SourceText, statement: CreateModelStatement, name: string): ReturnType<SourceText['position']> {
  const text = source.text.slice(statement.query.start, statement.query.end);
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const match = new RegExp(`"${escaped}"|(?<![A-Za-z0-9_$])${escaped}(?![A-Za-z0-9_$])`, 'i').exec(text);
  return source.position(statement.query.start + (match?.index ?? 0));
}
