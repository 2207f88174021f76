/**
 * TensorFlow Serving's REST API, as unchanged TF Serving clients speak it
 * (https://github.com/tensorflow/serving/blob/master/tensorflow_serving/g3doc/api_rest.md):
 * the Predict API's row ("instances") and columnar ("inputs") request formats, its answers, the
 * Model status API and the Model Metadata API.
 *
 * A deployment's signature has one named input per feature, each a scalar per example, so:
 * - row format: each instance is an object of named features, a list of values in signature order,
 *   or (a model with one feature only) the bare value;
 * - columnar format: `inputs` is an object of feature → list of values (all lists as long), or a list
 *   read like `instances`.
 * Answers: a classifier has three named outputs per example, `label` (the most probable class),
 * `probabilities` (in `classes` order) and `classes` (the model's class labels), so a row answer is
 * `{"predictions": [{"label", "probabilities", "classes"}, …]}` and a columnar one
 * `{"outputs": {"label": […], "probabilities": [[…]], "classes": [[…]]}}`, as TF Serving answers a
 * signature with several outputs. A regressor has one output, so each prediction is its value
 * (`{"predictions": [3.2, …]}`, `{"outputs": [3.2, …]}`).
 */
import type { FeatureSpec } from '../../../../schema/index.js';
import { badInput } from '../../errors.js';
import type { DeploymentTarget } from '../deployment-target.js';
import type { InferenceAnswer } from '../inference.js';
import { names } from './check-records.js';
import type { DeploymentView } from './inference-service.js';
import { classOutputs } from './outputs.js';

/** The one signature a deployment has (TF Serving's default signature key). */
export const SIGNATURE_NAME = 'serving_default';

export interface TfServingRequest {
  /** Whether the caller used the columnar format (the answer is then `outputs`). */
  columnar: boolean;
  /** How to read the raw records once the signature is known. */
  records: (target: DeploymentTarget) => unknown[];
}

/** Reads a Predict API body; shape problems that need no signature are found here, the rest once it is known. */
export function parseTfServingPredict(body: unknown): TfServingRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badInput('body', 'must be a JSON object with "instances" or "inputs"');
  const { signature_name: signature, instances, inputs, ...rest } = body as Record<string, unknown>;
  const unknown = Object.keys(rest);
  if (unknown.length > 0) throw badInput(unknown[0]!, `is not a field of a predict request (use "signature_name", "instances" or "inputs")`);
  if (signature !== undefined && signature !== '' && signature !== SIGNATURE_NAME) {
    throw badInput('signature_name', `this model has one signature, "${SIGNATURE_NAME}"; got ${JSON.stringify(signature)}`);
  }
  if (instances !== undefined && inputs !== undefined) throw badInput('body', 'send either "instances" (row format) or "inputs" (columnar format), not both');
  if (instances !== undefined) {
    if (!Array.isArray(instances)) throw badInput('instances', 'must be a list of instances');
    return { columnar: false, records: (target) => rowsOf(target.features, instances, 'instances') };
  }
  if (inputs === undefined) throw badInput('body', 'send "instances" (row format) or "inputs" (columnar format)');
  if (Array.isArray(inputs)) return { columnar: true, records: (target) => rowsOf(target.features, inputs, 'inputs') };
  if (typeof inputs !== 'object' || inputs === null) throw badInput('inputs', 'must be an object of feature → list of values, or a list');
  return { columnar: true, records: (target) => columnsToRows(target.features, inputs as Record<string, unknown>) };
}

/** Row format: objects pass as they are (checked later), lists are read in signature order, a bare value feeds a one-feature model. */
function rowsOf(features: readonly FeatureSpec[], instances: readonly unknown[], field: string): unknown[] {
  return instances.map((instance, i) => {
    if (Array.isArray(instance)) {
      if (instance.length !== features.length) {
        throw badInput(`${field}[${i}]`, `has ${instance.length} value${instance.length === 1 ? '' : 's'}; a list instance holds one value per feature in signature order (${features.length}: ${names(features)})`);
      }
      return Object.fromEntries(features.map((f, j) => [f.name, instance[j]]));
    }
    if (typeof instance === 'object' && instance !== null) return instance;
    if (features.length === 1) return { [features[0]!.name]: instance };
    throw badInput(`${field}[${i}]`, `must be an object of named features or a list of ${features.length} values in signature order (${names(features)})`);
  });
}

/** Columnar format: feature → values, every list as long as the others. */
function columnsToRows(features: readonly FeatureSpec[], inputs: Record<string, unknown>): unknown[] {
  const known = new Set(features.map((f) => f.name));
  let length: number | undefined;
  let first = '';
  for (const [name, values] of Object.entries(inputs)) {
    if (!known.has(name)) throw badInput(`inputs.${name}`, `"${name}" is not a feature of this model (features: ${names(features)})`);
    if (!Array.isArray(values)) throw badInput(`inputs.${name}`, 'must be a list of values, one per example');
    if (length === undefined) {
      length = values.length;
      first = name;
    } else if (values.length !== length) {
      throw badInput(`inputs.${name}`, `has ${values.length} values but inputs.${first} has ${length}; every input needs one value per example`);
    }
  }
  if (length === undefined) throw badInput('inputs', `name at least one feature (features: ${names(features)})`);
  const columns = Object.entries(inputs) as [string, unknown[]][];
  return Array.from({ length }, (_, i) => Object.fromEntries(columns.map(([name, values]) => [name, values[i]])));
}

/** The Predict API's answer. */
export function tfServingPredictions(target: DeploymentTarget, answer: InferenceAnswer, columnar: boolean): { predictions: unknown[] } | { outputs: unknown } {
  if (target.task === 'regression') {
    const values = answer.outputs.map((o) => o[0] ?? null);
    return columnar ? { outputs: values } : { predictions: values };
  }
  const rows = answer.outputs.map((o) => classOutputs(target.labels, o));
  if (!columnar) return { predictions: rows.map((r) => ({ label: r.label, probabilities: r.probabilities, classes: target.labels })) };
  return {
    outputs: {
      label: rows.map((r) => r.label),
      probabilities: rows.map((r) => r.probabilities),
      classes: rows.map(() => target.labels),
    },
  };
}

/**
 * The Model status API: one entry per version the deployment serves, AVAILABLE when a replica of
 * it is ready, LOADING while none is (TF Serving's ModelVersionStatus.State names).
 */
export function tfServingStatus(view: DeploymentView): { model_version_status: unknown[] } {
  return {
    model_version_status: view.versions.map((v) => ({
      version: String(v.number),
      state: v.readyReplicas > 0 ? 'AVAILABLE' : 'LOADING',
      status: { error_code: 'OK', error_message: '' },
    })),
  };
}

/** TF's dtype for a feature's input tensor. */
export function tfDtype(feature: FeatureSpec): string {
  switch (feature.type) {
    case 'number':
      return 'DT_FLOAT';
    case 'integer':
      return 'DT_INT64';
    case 'boolean':
      return 'DT_BOOL';
    default:
      return 'DT_STRING';
  }
}

const tensor = (name: string, dtype: string, dims: number[]) => ({
  dtype,
  tensor_shape: { dim: dims.map((size) => ({ size: String(size), name: '' })), unknown_rank: false },
  name,
});

/**
 * The Model Metadata API: the signature as a SignatureDef (one scalar-per-example input per
 * feature, the outputs above; -1 is the batch dimension), beside the feature types the portal and
 * clients use to build records.
 */
export function tfServingMetadata(view: DeploymentView): unknown {
  const { target } = view;
  const outputs =
    target.task === 'regression'
      ? { value: tensor('value', 'DT_FLOAT', [-1]) }
      : {
          label: tensor('label', 'DT_STRING', [-1]),
          probabilities: tensor('probabilities', 'DT_FLOAT', [-1, target.labels.length]),
          classes: tensor('classes', 'DT_STRING', [-1, target.labels.length]),
        };
  return {
    model_spec: { name: `${target.owner}.${target.name}`, signature_name: '', version: String(view.versions[0]?.number ?? target.versionNumber) },
    metadata: {
      signature_def: {
        signature_def: {
          [SIGNATURE_NAME]: {
            inputs: Object.fromEntries(target.features.map((f) => [f.name, tensor(f.name, tfDtype(f), [-1])])),
            outputs,
            method_name: 'tensorflow/serving/predict',
          },
        },
      },
      features: target.features.map((f) => ({ name: f.name, type: f.type, ...(f.preprocessing.kind === 'one_hot' ? { categories: categoriesOf(f) } : {}) })),
      task: target.task,
      labels: target.labels,
      label_name: target.labelName,
    },
  };
}

/** A category feature's vocabulary without the reserved `__missing__` entry. */
export function categoriesOf(feature: FeatureSpec): string[] {
  return feature.preprocessing.kind === 'one_hot' ? feature.preprocessing.vocabulary.slice(0, -1) : [];
}
