/**
 * KServe's Open Inference Protocol (v2), HTTP/REST
 * (https://github.com/kserve/open-inference-protocol/blob/main/specification/protocol/inference_rest.md):
 * model metadata, model ready, and the inference request and response JSON objects.
 *
 * Inputs. A deployment's signature has one scalar input per feature:
 * - one input per feature, named after it, shape `[N]` or `[N, 1]`, every input with the same N;
 *   a feature without an input is NULL for every record (imputed by preprocessing);
 * - or a single input of any other name with shape `[N, F]`, F the number of features, whose rows
 *   hold the features in signature order (a numeric datatype when every feature is numeric, BYTES
 *   otherwise, numbers then written as strings).
 * `data` is flat in row-major order or nested like the shape; its length must be the product of
 * the shape. Datatypes: number and integer features take any numeric datatype (FP16/32/64, INTn,
 * UINTn; INT and UINT values must be whole numbers); category and text features BYTES; boolean
 * features BOOL (or BYTES "true"/"false").
 *
 * Outputs. A classifier answers `label` (BYTES, [N]) and `probabilities` (FP32, [N, C], in the
 * model's class order; the classes are in the model metadata); a regressor `value` (FP32, [N]).
 * The request's `outputs` may pick some of them by name.
 */
import { randomUUID } from 'node:crypto';
import { NUMERIC_FEATURE_TYPES, type FeatureSpec } from '../../../../schema/index.js';
import { badInput } from '../../errors.js';
import type { DeploymentTarget } from '../deployment-target.js';
import type { InferenceAnswer } from '../inference.js';
import { names } from './check-records.js';
import type { DeploymentView } from './inference-service.js';
import { classOutputs } from './outputs.js';

export const PLATFORM = 'tensorflowjs';

const INTEGER_TYPES = ['INT8', 'INT16', 'INT32', 'INT64', 'UINT8', 'UINT16', 'UINT32', 'UINT64'];
const FLOAT_TYPES = ['FP16', 'FP32', 'FP64'];
const NUMERIC_TYPES = [...INTEGER_TYPES, ...FLOAT_TYPES];
const DATATYPES = ['BOOL', 'BYTES', ...NUMERIC_TYPES];
/** Elements one request's tensors may hold in all (MAX_INSTANCES_PER_REQUEST × the widest signature, with room). */
const MAX_ELEMENTS = 4_000_000;

export interface V2Request {
  id: string;
  /** Output names asked for (undefined: all). */
  outputs: string[] | undefined;
  records: (target: DeploymentTarget) => unknown[];
}

interface V2Input {
  name: string;
  shape: number[];
  datatype: string;
  data: unknown[];
  at: string;
}

/** The v2 datatype a feature's input declares in the model metadata. */
export function v2Datatype(feature: FeatureSpec): string {
  switch (feature.type) {
    case 'number':
      return 'FP32';
    case 'integer':
      return 'INT64';
    case 'boolean':
      return 'BOOL';
    default:
      return 'BYTES';
  }
}

/** Reads an inference request JSON object; what needs the signature is read once it is known. */
export function parseV2Infer(body: unknown): V2Request {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badInput('body', 'must be a JSON object with "inputs"');
  const { id, inputs, outputs, parameters } = body as Record<string, unknown>;
  if (id !== undefined && typeof id !== 'string') throw badInput('id', 'must be a string');
  if (parameters !== undefined && (typeof parameters !== 'object' || parameters === null || Array.isArray(parameters))) throw badInput('parameters', 'must be an object');
  if (!Array.isArray(inputs) || inputs.length === 0) throw badInput('inputs', 'must be a non-empty list of input tensors ({ name, shape, datatype, data })');
  let elements = 0;
  const tensors = inputs.map((input, i): V2Input => {
    const at = `inputs[${i}]`;
    if (typeof input !== 'object' || input === null || Array.isArray(input)) throw badInput(at, 'must be an object { name, shape, datatype, data }');
    const { name, shape, datatype, data } = input as Record<string, unknown>;
    if (typeof name !== 'string' || name === '') throw badInput(`${at}.name`, 'must be a non-empty string');
    const named = `${at} (${name})`;
    if (!Array.isArray(shape) || shape.length === 0 || !shape.every((d) => Number.isInteger(d) && (d as number) >= 0)) {
      throw badInput(`${named}.shape`, 'must be a list of whole numbers, e.g. [2] or [2, 1]');
    }
    if (typeof datatype !== 'string' || !DATATYPES.includes(datatype)) throw badInput(`${named}.datatype`, `must be one of ${DATATYPES.join(', ')}; got ${JSON.stringify(datatype)}`);
    if (!Array.isArray(data)) throw badInput(`${named}.data`, 'must be a list (flat in row-major order, or nested like the shape)');
    const flat = (data as unknown[]).flat(Infinity);
    const expected = (shape as number[]).reduce((a, b) => a * b, 1);
    elements += flat.length;
    if (elements > MAX_ELEMENTS) throw badInput(`${named}.data`, `the request holds more than ${MAX_ELEMENTS} values`);
    if (flat.length !== expected) throw badInput(`${named}.data`, `has ${flat.length} value${flat.length === 1 ? '' : 's'} but shape [${(shape as number[]).join(', ')}] holds ${expected}`);
    for (let k = 0; k < flat.length; k++) {
      const problem = elementProblem(datatype, flat[k]);
      if (problem) throw badInput(`${named}.data[${k}]`, problem);
    }
    return { name, shape: shape as number[], datatype, data: flat, at: named };
  });
  const seen = new Set<string>();
  for (const t of tensors) {
    if (seen.has(t.name)) throw badInput(t.at, `input "${t.name}" is given twice`);
    seen.add(t.name);
  }
  let wanted: string[] | undefined;
  if (outputs !== undefined) {
    if (!Array.isArray(outputs)) throw badInput('outputs', 'must be a list of { name }');
    wanted = outputs.map((o, i) => {
      const name = (o as { name?: unknown } | null)?.name;
      if (typeof name !== 'string') throw badInput(`outputs[${i}].name`, 'must be a string');
      return name;
    });
  }
  return { id: id ?? randomUUID(), outputs: wanted, records: (target) => {
      checkV2Outputs(target, wanted);
      return recordsOf(target.features, tensors);
    },
  };
}

/** Why a JSON value cannot be an element of a tensor of this datatype. */
function elementProblem(datatype: string, value: unknown): string | null {
  if (datatype === 'BOOL') return typeof value === 'boolean' ? null : `must be true or false (BOOL), got ${JSON.stringify(value)}`;
  if (datatype === 'BYTES') return typeof value === 'string' ? null : `must be a string (BYTES), got ${JSON.stringify(value)}`;
  if (typeof value !== 'number' || !Number.isFinite(value)) return `must be a finite number (${datatype}), got ${JSON.stringify(value)}`;
  if (INTEGER_TYPES.includes(datatype) && !Number.isInteger(value)) return `must be a whole number (${datatype}), got ${value}`;
  if (datatype.startsWith('UINT') && value < 0) return `must not be negative (${datatype}), got ${value}`;
  return null;
}

/** Whether a tensor of this datatype may feed this feature, and what to send instead. */
function datatypeProblem(feature: FeatureSpec, datatype: string): string | null {
  if (NUMERIC_FEATURE_TYPES.includes(feature.type)) return NUMERIC_TYPES.includes(datatype) ? null : `datatype ${datatype} does not fit the ${feature.type} feature "${feature.name}"; send ${v2Datatype(feature)} (or another numeric datatype)`;
  if (feature.type === 'boolean') return datatype === 'BOOL' || datatype === 'BYTES' ? null : `datatype ${datatype} does not fit the boolean feature "${feature.name}"; send BOOL`;
  return datatype === 'BYTES' ? null : `datatype ${datatype} does not fit the ${feature.type} feature "${feature.name}"; send BYTES`;
}

function recordsOf(features: readonly FeatureSpec[], tensors: readonly V2Input[]): unknown[] {
  const byName = new Map(features.map((f) => [f.name, f]));
  const single = tensors.length === 1 ? tensors[0]! : undefined;
  if (single && !byName.has(single.name)) {
    // One multi-column input: [N, F], rows in signature order.
    const [n, width] = single.shape;
    if (single.shape.length !== 2 || width !== features.length) {
      throw badInput(
        `${single.at}.shape`,
        `"${single.name}" is not a feature; one input holding every feature must have shape [N, ${features.length}] (features in signature order: ${names(features)}), got [${single.shape.join(', ')}]`,
      );
    }
    if (NUMERIC_TYPES.includes(single.datatype) && !features.every((f) => NUMERIC_FEATURE_TYPES.includes(f.type))) {
      throw badInput(`${single.at}.datatype`, `${single.datatype} fits numeric features only and this model has others; send BYTES (numbers as strings)`);
    }
    if (single.datatype === 'BOOL') throw badInput(`${single.at}.datatype`, 'BOOL fits boolean features only; send BYTES or a numeric datatype');
    return Array.from({ length: n! }, (_, i) => Object.fromEntries(features.map((f, j) => [f.name, single.data[i * features.length + j]])));
  }
  let n: number | undefined;
  let first = '';
  for (const t of tensors) {
    const feature = byName.get(t.name);
    if (!feature) throw badInput(`${t.at}.name`, `"${t.name}" is not a feature of this model (inputs, one per feature: ${names(features)})`);
    if (t.shape.length > 2 || (t.shape.length === 2 && t.shape[1] !== 1)) throw badInput(`${t.at}.shape`, `must be [N] or [N, 1] (one value per example), got [${t.shape.join(', ')}]`);
    const problem = datatypeProblem(feature, t.datatype);
    if (problem) throw badInput(`${t.at}.datatype`, problem);
    if (n === undefined) {
      n = t.shape[0];
      first = t.name;
    } else if (t.shape[0] !== n) {
      throw badInput(`${t.at}.shape`, `holds ${t.shape[0]} examples but "${first}" holds ${n}; every input needs one value per example`);
    }
  }
  return Array.from({ length: n ?? 0 }, (_, i) =>
    Object.fromEntries(tensors.map((t) => [t.name, t.datatype === 'BYTES' && byName.get(t.name)!.type === 'boolean' ? booleanText(t, i) : t.data[i]])),
  );
}

function booleanText(t: V2Input, i: number): boolean {
  const value = t.data[i];
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw badInput(`${t.at}.data[${i}]`, `must be "true" or "false" for a boolean feature, got ${JSON.stringify(value)}`);
}

/** Output tensors a deployment answers, as model metadata lists them. */
function outputSpecs(target: DeploymentTarget): { name: string; datatype: string; shape: number[] }[] {
  return target.task === 'regression'
    ? [{ name: 'value', datatype: 'FP32', shape: [-1] }]
    : [
        { name: 'label', datatype: 'BYTES', shape: [-1] },
        { name: 'probabilities', datatype: 'FP32', shape: [-1, target.labels.length] },
      ];
}

/** The inference response JSON object. */
export function v2InferResponse(target: DeploymentTarget, answer: InferenceAnswer, request: Pick<V2Request, 'id' | 'outputs'>): unknown {
  const n = answer.outputs.length;
  const all =
    target.task === 'regression'
      ? [{ name: 'value', datatype: 'FP32', shape: [n], data: answer.outputs.map((o) => o[0] ?? null) }]
      : (() => {
          const rows = answer.outputs.map((o) => classOutputs(target.labels, o));
          return [
            { name: 'label', datatype: 'BYTES', shape: [n], data: rows.map((r) => r.label) },
            { name: 'probabilities', datatype: 'FP32', shape: [n, target.labels.length], data: rows.flatMap((r) => r.probabilities) },
          ];
        })();
  return {
    model_name: `${target.owner}.${target.name}`,
    model_version: String(answer.versionNumber),
    id: request.id,
    outputs: request.outputs ? all.filter((o) => request.outputs!.includes(o.name)) : all,
  };
}

/** The requested output names must be the model's: checked before anything runs. */
export function checkV2Outputs(target: DeploymentTarget, outputs: string[] | undefined): void {
  const available = outputSpecs(target).map((o) => o.name);
  for (const name of outputs ?? []) {
    if (!available.includes(name)) throw badInput('outputs', `"${name}" is not an output of this model (outputs: ${available.join(', ')})`);
  }
}

/** The model metadata response JSON object. */
export function v2ModelMetadata(view: DeploymentView): unknown {
  const { target } = view;
  return {
    name: `${target.owner}.${target.name}`,
    versions: view.versions.map((v) => String(v.number)),
    platform: PLATFORM,
    inputs: target.features.map((f) => ({ name: f.name, datatype: v2Datatype(f), shape: [-1] })),
    outputs: outputSpecs(target),
  };
}
