/**
 * CREATE MODEL's OPTIONS(…), after BigQuery ML
 * (https://cloud.google.com/bigquery/docs/reference/standard-sql/bigqueryml-syntax-create):
 * read from tokens into {@link OptionValue}s (option-values.ts), then checked and typed here into
 * {@link ModelOptions}.
 * Every problem names the option and points at it. An option left out is null here: the trainer
 * picks its default.
 */
import { validateDetailed } from 'node-cron';
import { isName, isOwner } from './names.js';
import { sqlError } from './sql-error.js';
import type { SourceText } from './source-text.js';
import { bool, closest, enumOf, enumValue, integer, wrongKind, type OptionValue, type Problem, type WrittenOption } from './option-values.js';


export const MODEL_TYPES = ['linear_reg', 'logistic_reg', 'dnn_classifier', 'dnn_regressor', 'custom'] as const;
export type ModelType = (typeof MODEL_TYPES)[number];

export const OPTIMIZERS = ['sgd', 'adam', 'rmsprop', 'adagrad'] as const;
export type Optimizer = (typeof OPTIMIZERS)[number];

/** TF.js layer activations. */
export const ACTIVATIONS = ['relu', 'relu6', 'elu', 'selu', 'sigmoid', 'tanh', 'softplus', 'softsign', 'linear', 'swish', 'mish', 'gelu'] as const;
export type Activation = (typeof ACTIVATIONS)[number];

export const DATA_SPLIT_METHODS = ['auto_split', 'random', 'custom', 'seq', 'no_split'] as const;
export type DataSplitMethod = (typeof DATA_SPLIT_METHODS)[number];

/** A hyperparameter: one value, or a search space for tuning (num_trials > 1). */
export type Tunable<T> = { value: T } | { range: { min: number; max: number } } | { candidates: T[] };

export interface ModelOptions {
  modelType: ModelType;
  /** The label column; BigQuery's default is a column named "label". */
  inputLabelCols: string[] | null;
  /** For model_type = 'custom': a spec from the model editor, `owner/spec-name`. */
  modelSpec: { owner: string; name: string } | null;
  hiddenUnits: Tunable<number[]> | null;
  activation: Tunable<Activation> | null;
  optimizer: Tunable<Optimizer> | null;
  learnRate: Tunable<number> | null;
  /** epochs, or its BigQuery name max_iterations. */
  epochs: number | null;
  batchSize: Tunable<number> | null;
  l1Reg: Tunable<number> | null;
  l2Reg: Tunable<number> | null;
  dropout: Tunable<number> | null;
  earlyStop: boolean | null;
  minRelProgress: number | null;
  dataSplitMethod: DataSplitMethod | null;
  dataSplitEvalFraction: number | null;
  dataSplitCol: string | null;
  classWeights: { label: string; weight: number }[] | null;
  autoClassWeights: boolean | null;
  numTrials: number;
  maxParallelTrials: number;
  /**
   * deploy = TRUE or deployment = 'name': put the trained version online when it lands (a
   * deployment named after the model, or the one named; an existing one of that model moves to the
   * new version). `name` null: the model's own name. Null: no deployment.
   */
  deploy: { name: string | null } | null;
  /** retrain = 'on_new_data' | 'cron:<expr>' | both | 'off' (docs/retraining.md). Null: not written. */
  retrain: RetrainSetting | null;
  /** promote_metric, promote_min_improvement, promote_tolerance: the promotion rule as written. Null: none written. */
  promotion: PromotionOptions | null;
}

/** When a model trained by SQL retrains itself; `{ onNewData: false, cron: null }` is retrain = 'off'. */
export interface RetrainSetting {
  onNewData: boolean;
  /** A node-cron expression (5 fields, or 6 with seconds), in UTC. */
  cron: string | null;
}

/** The promotion rule's options as written in SQL; an option left out is absent. */
export interface PromotionOptions {
  metric?: string;
  minImprovement?: number;
  tolerance?: number;
}

/** The options ALTER MODEL … SET OPTIONS (…) may change. */
export const ALTERABLE_OPTIONS = ['retrain', 'promote_metric', 'promote_min_improvement', 'promote_tolerance'] as const;

export interface AlterOptions {
  retrain: RetrainSetting | null;
  promotion: PromotionOptions | null;
}

/**
 * Reads a retrain value: 'off', 'on_new_data', 'cron:<expr>', or both joined by a comma
 * ('on_new_data,cron:0 3 * * 1'). Answers the setting, or the problem in words.
 */
export function parseRetrain(value: string): RetrainSetting | { problem: string } {
  let text = value.trim();
  const lower = text.toLowerCase();
  if (lower === 'off') return { onNewData: false, cron: null };
  let onNewData = false;
  if (lower === 'on_new_data') return { onNewData: true, cron: null };
  if (lower.startsWith('on_new_data,')) {
    onNewData = true;
    text = text.slice('on_new_data,'.length).trim();
  } else if (lower.endsWith(',on_new_data')) {
    onNewData = true;
    text = text.slice(0, -',on_new_data'.length).trim();
  }
  if (!text.toLowerCase().startsWith('cron:')) {
    return { problem: `retrain must be 'off', 'on_new_data', 'cron:<expression>' or 'on_new_data,cron:<expression>', got '${value}'` };
  }
  const cron = text.slice('cron:'.length).trim();
  const problem = cronProblem(cron);
  if (problem) return { problem };
  return { onNewData, cron };
}

/** Why a cron expression is not one node-cron runs, or null when it is. */
export function cronProblem(cron: string): string | null {
  if (cron === '') return "the cron expression is empty: write it after 'cron:', like 'cron:0 3 * * 1'";
  const fields = cron.split(/\s+/).length;
  if (fields < 5 || fields > 6) return `the cron expression '${cron}' has ${fields} fields: give 5 (minute hour day month weekday) or 6 (with seconds first)`;
  let checked;
  try {
    checked = validateDetailed(cron);
  } catch (error) {
    return `the cron expression '${cron}' is not valid: ${error instanceof Error ? error.message : String(error)}`;
  }
  if (!checked.valid) return `the cron expression '${cron}' is not valid: ${checked.errors.map((e) => e.message).join('; ')}`;
  return null;
}


const DNN: ModelType[] = ['dnn_classifier', 'dnn_regressor'];
const CLASSIFIERS: ModelType[] = ['logistic_reg', 'dnn_classifier', 'custom'];
const TRAINED_BY_GRADIENT: ModelType[] = [...MODEL_TYPES];

interface OptionSpec {
  /** Model types it applies to. */
  appliesTo: readonly ModelType[];
  /** Which search spaces it accepts when tuning. */
  tunable?: 'range' | 'candidates';
}

const SPECS: Record<string, OptionSpec> = {
  model_type: { appliesTo: MODEL_TYPES },
  input_label_cols: { appliesTo: MODEL_TYPES },
  model_spec: { appliesTo: ['custom'] },
  hidden_units: { appliesTo: DNN, tunable: 'candidates' },
  activation: { appliesTo: DNN, tunable: 'candidates' },
  optimizer: { appliesTo: TRAINED_BY_GRADIENT, tunable: 'candidates' },
  learn_rate: { appliesTo: TRAINED_BY_GRADIENT, tunable: 'range' },
  epochs: { appliesTo: MODEL_TYPES },
  batch_size: { appliesTo: MODEL_TYPES, tunable: 'range' },
  l1_reg: { appliesTo: MODEL_TYPES, tunable: 'range' },
  l2_reg: { appliesTo: MODEL_TYPES, tunable: 'range' },
  dropout: { appliesTo: [...DNN, 'custom'], tunable: 'range' },
  early_stop: { appliesTo: MODEL_TYPES },
  min_rel_progress: { appliesTo: MODEL_TYPES },
  data_split_method: { appliesTo: MODEL_TYPES },
  data_split_eval_fraction: { appliesTo: MODEL_TYPES },
  data_split_col: { appliesTo: MODEL_TYPES },
  class_weights: { appliesTo: CLASSIFIERS },
  auto_class_weights: { appliesTo: CLASSIFIERS },
  num_trials: { appliesTo: MODEL_TYPES },
  max_parallel_trials: { appliesTo: MODEL_TYPES },
  deploy: { appliesTo: MODEL_TYPES },
  deployment: { appliesTo: MODEL_TYPES },
  retrain: { appliesTo: MODEL_TYPES },
  promote_metric: { appliesTo: MODEL_TYPES },
  promote_min_improvement: { appliesTo: MODEL_TYPES },
  promote_tolerance: { appliesTo: MODEL_TYPES },
};

/** BigQuery's other spellings. */
const SYNONYMS: Record<string, string> = { max_iterations: 'epochs', activation_fn: 'activation' };

/** An option's BigQuery name with synonyms resolved (max_iterations → epochs). */
export function canonicalOption(name: string): string {
  return SYNONYMS[name] ?? name;
}

/** The option names one can write, for messages. */
export const OPTION_NAMES = [...Object.keys(SPECS), ...Object.keys(SYNONYMS)].sort();

/** Checks the written options and types them. */
export function checkOptions(source: SourceText, written: WrittenOption[], optionsStart: number): ModelOptions {
  const fail: Problem = (at, message) => sqlError(source, at, message);
  const byName = new Map<string, WrittenOption>();
  for (const option of written) {
    const canonical = SYNONYMS[option.name] ?? option.name;
    if (!(canonical in SPECS)) {
      const guess = closest(option.name, OPTION_NAMES);
      throw fail(option.nameStart, `unknown option ${option.name}${guess ? ` (did you mean ${guess}?)` : ''}`);
    }
    const earlier = byName.get(canonical);
    if (earlier) {
      const both = earlier.name === option.name ? `option ${option.name} is given twice` : `${earlier.name} and ${option.name} are the same option: give one`;
      throw fail(option.nameStart, both);
    }
    byName.set(canonical, option);
  }

  const modelTypeOption = byName.get('model_type');
  if (!modelTypeOption) throw fail(optionsStart, `OPTIONS must set model_type (one of ${MODEL_TYPES.join(', ')})`);
  const modelType = enumValue(modelTypeOption, MODEL_TYPES, fail, 'model_type') as ModelType;

  for (const [canonical, option] of byName) {
    const spec = SPECS[canonical];
    if (!spec.appliesTo.includes(modelType)) {
      throw fail(option.nameStart, `${option.name} does not apply to model_type '${modelType}' (it applies to ${spec.appliesTo.join(', ')})`);
    }
  }

  const numTrials = byName.has('num_trials') ? integer(byName.get('num_trials')!, fail, 1, 1000) : 1;
  const maxParallelTrials = byName.has('max_parallel_trials') ? integer(byName.get('max_parallel_trials')!, fail, 1, 1000) : 1;
  if (maxParallelTrials > numTrials) {
    throw fail(byName.get('max_parallel_trials')!.value.start, `max_parallel_trials (${maxParallelTrials}) must not exceed num_trials (${numTrials})`);
  }

  const tuned: WrittenOption[] = [];
  /** One value, or a search space when the option is tunable and written as one. */
  const tunable = <T>(option: WrittenOption | undefined, one: (value: OptionValue, name: string) => T): Tunable<T> | null => {
    if (!option) return null;
    const spec = SPECS[SYNONYMS[option.name] ?? option.name];
    const v = option.value;
    if (v.kind === 'range' || v.kind === 'candidates') {
      const space = v.kind === 'range' ? 'HPARAM_RANGE' : 'HPARAM_CANDIDATES';
      if (!spec.tunable) throw fail(v.start, `${option.name} cannot be tuned: give one value`);
      if (v.kind === 'range' && spec.tunable !== 'range') throw fail(v.start, `${option.name} takes HPARAM_CANDIDATES([…]), not HPARAM_RANGE`);
      if (numTrials <= 1) throw fail(v.start, `${space} needs num_trials > 1 (each trial tries one value)`);
      tuned.push(option);
      if (v.kind === 'range') {
        one(v.min, option.name);
        one(v.max, option.name);
        return { range: { min: (v.min as { value: number }).value, max: (v.max as { value: number }).value } };
      }
      // BigQuery writes hidden_units candidates as STRUCT([…]); a bare array works too.
      return { candidates: v.items.map((item) => one(item.kind === 'struct' && item.fields.length === 1 ? item.fields[0] : item, option.name)) };
    }
    return { value: one(v, option.name) };
  };

  const number = (min: number, max: number, { minOpen = false, maxOpen = false } = {}) => (v: OptionValue, name: string): number => {
    if (v.kind !== 'number') throw wrongKind(v, name, 'a number', fail);
    const low = minOpen ? v.value <= min : v.value < min;
    const high = maxOpen ? v.value >= max : v.value > max;
    if (low || high) throw fail(v.start, `${name} must be ${minOpen ? 'greater than' : 'at least'} ${min} and ${maxOpen ? 'less than' : 'at most'} ${max}`);
    return v.value;
  };
  const int = (min: number, max: number) => (v: OptionValue, name: string): number => {
    if (v.kind !== 'number' || !v.integer) throw wrongKind(v, name, 'a whole number', fail);
    if (v.value < min || v.value > max) throw fail(v.start, `${name} must be between ${min} and ${max}`);
    return v.value;
  };

  const labelOption = byName.get('input_label_cols');
  let inputLabelCols: string[] | null = null;
  if (labelOption) {
    const v = labelOption.value;
    if (v.kind !== 'array' || v.items.some((item) => item.kind !== 'string')) throw wrongKind(v, 'input_label_cols', "an array of column names like ['label']", fail);
    if (v.items.length !== 1) throw fail(v.start, 'input_label_cols must name exactly one column');
    inputLabelCols = v.items.map((item) => (item as { value: string }).value);
    if (inputLabelCols.some((c) => c.trim() === '')) throw fail(v.start, 'input_label_cols must not hold an empty name');
  }

  let modelSpec: ModelOptions['modelSpec'] = null;
  const specOption = byName.get('model_spec');
  if (modelType === 'custom' && !specOption) throw fail(modelTypeOption.value.start, "model_type 'custom' needs model_spec = 'owner/spec-name' (a spec from the model editor)");
  if (specOption) {
    const v = specOption.value;
    if (v.kind !== 'string') throw wrongKind(v, 'model_spec', "a string like 'owner/spec-name'", fail);
    const [owner, name, ...rest] = v.value.split('/');
    if (rest.length > 0 || !owner || !name || !isOwner(owner) || !isName(name)) throw fail(v.start, `model_spec must be 'owner/spec-name', got '${v.value}'`);
    modelSpec = { owner, name };
  }

  const hiddenUnits = tunable(byName.get('hidden_units'), (v, name) => {
    if (v.kind !== 'array' || v.items.length === 0 || v.items.some((i) => i.kind !== 'number' || !i.integer || i.value < 1 || i.value > 4096)) {
      throw fail(v.start, `${name} must be a non-empty array of layer sizes from 1 to 4096, like [64, 32]`);
    }
    if (v.items.length > 32) throw fail(v.start, `${name} may have at most 32 layers`);
    return v.items.map((i) => (i as { value: number }).value);
  });
  const activation = tunable(byName.get('activation'), (v, name) => enumOf(v, name, ACTIVATIONS, fail));
  const optimizer = tunable(byName.get('optimizer'), (v, name) => enumOf(v, name, OPTIMIZERS, fail));
  const learnRate = tunable(byName.get('learn_rate'), number(0, 10, { minOpen: true }));
  const batchSize = tunable(byName.get('batch_size'), int(1, 65536));
  const l1Reg = tunable(byName.get('l1_reg'), number(0, 1e6));
  const l2Reg = tunable(byName.get('l2_reg'), number(0, 1e6));
  const dropout = tunable(byName.get('dropout'), number(0, 1, { maxOpen: true }));
  const epochsOption = byName.get('epochs');
  const epochs = epochsOption ? int(1, 100_000)(epochsOption.value, epochsOption.name) : null;

  const earlyStop = byName.has('early_stop') ? bool(byName.get('early_stop')!, fail) : null;
  const minRelOption = byName.get('min_rel_progress');
  const minRelProgress = minRelOption ? number(0, 1)(minRelOption.value, 'min_rel_progress') : null;
  if (minRelOption && earlyStop === false) throw fail(minRelOption.nameStart, 'min_rel_progress applies only when early_stop = TRUE');

  const splitOption = byName.get('data_split_method');
  const dataSplitMethod = splitOption ? (enumValue(splitOption, DATA_SPLIT_METHODS, fail, 'data_split_method') as DataSplitMethod) : null;
  const fractionOption = byName.get('data_split_eval_fraction');
  const dataSplitEvalFraction = fractionOption ? number(0, 1, { minOpen: true, maxOpen: true })(fractionOption.value, 'data_split_eval_fraction') : null;
  if (fractionOption && dataSplitMethod !== null && !['random', 'seq', 'auto_split'].includes(dataSplitMethod)) {
    throw fail(fractionOption.nameStart, `data_split_eval_fraction does not apply to data_split_method '${dataSplitMethod}'`);
  }
  const colOption = byName.get('data_split_col');
  let dataSplitCol: string | null = null;
  if (colOption) {
    if (colOption.value.kind !== 'string' || colOption.value.value.trim() === '') throw wrongKind(colOption.value, 'data_split_col', 'a column name in quotes', fail);
    dataSplitCol = colOption.value.value;
  }
  if ((dataSplitMethod === 'custom' || dataSplitMethod === 'seq') && !dataSplitCol) {
    throw fail(splitOption!.value.start, `data_split_method '${dataSplitMethod}' needs data_split_col = 'column'`);
  }
  if (dataSplitCol !== null && dataSplitMethod !== 'custom' && dataSplitMethod !== 'seq') {
    throw fail(colOption!.nameStart, "data_split_col applies only with data_split_method 'custom' or 'seq'");
  }

  let classWeights: ModelOptions['classWeights'] = null;
  const weightsOption = byName.get('class_weights');
  if (weightsOption) {
    const v = weightsOption.value;
    const pairs = v.kind === 'array' ? v.items : [];
    const good =
      v.kind === 'array' &&
      pairs.length > 0 &&
      pairs.every((p) => p.kind === 'struct' && p.fields.length === 2 && p.fields[0].kind === 'string' && p.fields[1].kind === 'number' && p.fields[1].value > 0);
    if (!good) throw fail(v.start, "class_weights must be an array like [STRUCT('yes', 2.0), STRUCT('no', 1.0)] with positive weights");
    classWeights = pairs.map((p) => {
      const [label, weight] = (p as { fields: OptionValue[] }).fields as unknown as [{ value: string }, { value: number }];
      return { label: label.value, weight: weight.value };
    });
    const labels = new Set(classWeights.map((w) => w.label));
    if (labels.size !== classWeights.length) throw fail(v.start, 'class_weights names a class twice');
  }
  const autoClassWeights = byName.has('auto_class_weights') ? bool(byName.get('auto_class_weights')!, fail) : null;
  if (classWeights && autoClassWeights) throw fail(byName.get('auto_class_weights')!.nameStart, 'give class_weights or auto_class_weights = TRUE, not both');

  const deploy = deployOption(byName.get('deploy'), byName.get('deployment'), fail);
  const { retrain, promotion } = retrainingOptions(byName, fail);

  if (numTrials > 1 && tuned.length === 0) {
    throw fail(byName.get('num_trials')!.value.start, 'num_trials > 1 needs at least one option written as HPARAM_RANGE(…) or HPARAM_CANDIDATES([…])');
  }

  return {
    modelType,
    inputLabelCols,
    modelSpec,
    hiddenUnits,
    activation,
    optimizer,
    learnRate,
    epochs,
    batchSize,
    l1Reg,
    l2Reg,
    dropout,
    earlyStop,
    minRelProgress,
    dataSplitMethod,
    dataSplitEvalFraction,
    dataSplitCol,
    classWeights,
    autoClassWeights,
    numTrials,
    maxParallelTrials,
    deploy,
    retrain,
    promotion,
  };
}

/** ALTER MODEL … SET OPTIONS (…): only the retraining and promotion options, at least one. */
export function checkAlterOptions(source: SourceText, written: WrittenOption[], optionsStart: number): AlterOptions {
  const fail: Problem = (at, message) => sqlError(source, at, message);
  const byName = new Map<string, WrittenOption>();
  for (const option of written) {
    if (!(ALTERABLE_OPTIONS as readonly string[]).includes(option.name)) {
      const known = option.name in SPECS || option.name in SYNONYMS;
      throw fail(
        option.nameStart,
        known
          ? `ALTER MODEL cannot change ${option.name}: it sets ${ALTERABLE_OPTIONS.join(', ')} (train a new version with CREATE OR REPLACE MODEL for the rest)`
          : `unknown option ${option.name} (ALTER MODEL sets ${ALTERABLE_OPTIONS.join(', ')})`,
      );
    }
    if (byName.has(option.name)) throw fail(option.nameStart, `option ${option.name} is given twice`);
    byName.set(option.name, option);
  }
  if (byName.size === 0) throw fail(optionsStart, `SET OPTIONS must set at least one of ${ALTERABLE_OPTIONS.join(', ')}`);
  return retrainingOptions(byName, fail);
}

/** retrain and promote_* from the written options. */
function retrainingOptions(byName: Map<string, WrittenOption>, fail: Problem): AlterOptions {
  let retrain: RetrainSetting | null = null;
  const retrainOption = byName.get('retrain');
  if (retrainOption) {
    const v = retrainOption.value;
    if (v.kind !== 'string') throw wrongKind(v, 'retrain', "a string like 'on_new_data' or 'cron:0 3 * * 1'", fail);
    const parsed = parseRetrain(v.value);
    if ('problem' in parsed) throw fail(v.start, parsed.problem);
    retrain = parsed;
  }
  const promotion: PromotionOptions = {};
  const metric = byName.get('promote_metric');
  if (metric) {
    if (metric.value.kind !== 'string' || metric.value.value.trim() === '') throw wrongKind(metric.value, 'promote_metric', "a metric name in quotes, like 'accuracy'", fail);
    promotion.metric = metric.value.value.trim();
  }
  for (const [name, key] of [['promote_min_improvement', 'minImprovement'], ['promote_tolerance', 'tolerance']] as const) {
    const option = byName.get(name);
    if (!option) continue;
    const v = option.value;
    if (v.kind !== 'number') throw wrongKind(v, name, 'a number', fail);
    if (v.value < 0) throw fail(v.start, `${name} must be at least 0`);
    promotion[key] = v.value;
  }
  return { retrain, promotion: Object.keys(promotion).length > 0 ? promotion : null };
}

/** deploy = TRUE / FALSE and deployment = 'name' together: what is deployed, under which name. */
function deployOption(deploy: WrittenOption | undefined, deployment: WrittenOption | undefined, fail: Problem): ModelOptions['deploy'] {
  const on = deploy ? bool(deploy, fail) : null;
  if (!deployment) return on ? { name: null } : null;
  const v = deployment.value;
  if (v.kind !== 'string') throw wrongKind(v, 'deployment', "a deployment name in quotes, like 'churn-api'", fail);
  if (!isName(v.value)) throw fail(v.start, `deployment '${v.value}' is not a valid name: use 1–100 letters, digits, ".", "_" or "-", starting with a letter or digit`);
  if (on === false) throw fail(deploy!.nameStart, `deploy = FALSE contradicts deployment = '${v.value}': drop one of them`);
  return { name: v.value };
}
