/**
 * The front doors' conversions: TF Serving REST and KServe v2 request bodies (the documentation's
 * own shapes, with this hub's features) into raw records, the answers back, and every malformed
 * body refused with a message naming the field.
 */
import { describe, expect, it } from 'vitest';
import { MAX_INSTANCES_PER_REQUEST, type FeatureSpec } from '../../../../schema/index.js';
import { AppError } from '../../errors.js';
import type { DeploymentTarget } from '../deployment-target.js';
import type { InferenceAnswer } from '../inference.js';
import { checkRecords } from '../doors/check-records.js';
import { parseV2Infer, v2InferResponse, v2ModelMetadata } from '../doors/kserve-v2.js';
import { instancesOf, predictionResult } from '../doors/predict-result.js';
import { requestDeadline } from '../doors/request-deadline.js';
import { parseTfServingPredict, tfServingMetadata, tfServingPredictions, tfServingStatus } from '../doors/tf-serving.js';

const features: FeatureSpec[] = [
  { name: 'tenure', type: 'integer', preprocessing: { kind: 'standardize', mean: 12, std: 4 } },
  { name: 'charges', type: 'number', preprocessing: { kind: 'standardize', mean: 50, std: 10 } },
  { name: 'plan', type: 'category', preprocessing: { kind: 'one_hot', vocabulary: ['basic', 'pro', '__missing__'] } },
  { name: 'paperless', type: 'boolean', preprocessing: { kind: 'one_hot', vocabulary: ['true', 'false', '__missing__'] } },
];

const classifier: DeploymentTarget = {
  id: '00000000-0000-4000-8000-000000000001',
  owner: 'alice',
  name: 'churn',
  ownerId: '00000000-0000-4000-8000-000000000002',
  model: 'alice/churn-model',
  modelId: '00000000-0000-4000-8000-000000000003',
  versionId: '00000000-0000-4000-8000-000000000004',
  versionNumber: 3,
  task: 'classification',
  features,
  labels: ['no', 'yes'],
  labelName: 'churned',
  requestsPerSecond: null,
  dailyRequestQuota: null,
};
const regressor: DeploymentTarget = { ...classifier, task: 'regression', labels: [], labelName: 'spend' };

const answer = (outputs: (number | null)[][]): InferenceAnswer => ({
  outputs,
  versionNumber: 3,
  replicaId: 'r1',
  nodeId: 'n1',
  nodeName: 'node-1',
  latencyMs: 4,
  batchSize: outputs.length,
  computeMs: 1,
  retried: false,
});

/** The error a call throws (fails when it does not throw an AppError). */
function refusal(call: () => unknown): AppError {
  try {
    call();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

const tf = (body: unknown, target = classifier) => checkRecords(target.features, parseTfServingPredict(body).records(target));
const v2 = (body: unknown, target = classifier) => checkRecords(target.features, parseV2Infer(body).records(target), 'inputs');

describe('TF Serving REST: predict requests', () => {
  it('reads the row format with named features (api_rest.md "instances" of objects)', () => {
    expect(tf({ signature_name: 'serving_default', instances: [{ tenure: 3, charges: 70.5, plan: 'pro', paperless: true }, { tenure: 40, charges: 20, plan: 'basic', paperless: false }] })).toEqual([
      { tenure: 3, charges: 70.5, plan: 'pro', paperless: true },
      { tenure: 40, charges: 20, plan: 'basic', paperless: false },
    ]);
  });

  it('reads list instances in signature order, and a bare value for a one-feature model', () => {
    expect(tf({ instances: [[3, 70.5, 'pro', true]] })).toEqual([{ tenure: 3, charges: 70.5, plan: 'pro', paperless: true }]);
    const one = { ...regressor, features: [features[1]!] };
    // api_rest.md: {"instances": [1.0, 2.0, 5.0]} for a model with one input.
    expect(tf({ instances: [1.0, 2.0, 5.0] }, one)).toEqual([{ charges: 1 }, { charges: 2 }, { charges: 5 }]);
  });

  it('reads the columnar format (api_rest.md "inputs" of named lists) and answers it in "outputs"', () => {
    const request = parseTfServingPredict({ inputs: { tenure: [3, 40], charges: [70.5, 20], plan: ['pro', 'basic'] } });
    expect(request.columnar).toBe(true);
    expect(checkRecords(features, request.records(classifier), 'inputs')).toEqual([
      { tenure: 3, charges: 70.5, plan: 'pro' },
      { tenure: 40, charges: 20, plan: 'basic' },
    ]);
    expect(tfServingPredictions(classifier, answer([[0.2, 0.8], [0.9, 0.1]]), true)).toEqual({
      outputs: { label: ['yes', 'no'], probabilities: [[0.2, 0.8], [0.9, 0.1]], classes: [['no', 'yes'], ['no', 'yes']] },
    });
  });

  it('leaves a feature out as NULL (preprocessing imputes it)', () => {
    expect(tf({ instances: [{ tenure: 3 }] })).toEqual([{ tenure: 3 }]);
  });

  it('answers a classifier with label, probabilities and classes per instance, a regressor with its value', () => {
    expect(tfServingPredictions(classifier, answer([[0.2, 0.8]]), false)).toEqual({ predictions: [{ label: 'yes', probabilities: [0.2, 0.8], classes: ['no', 'yes'] }] });
    expect(tfServingPredictions(regressor, answer([[3.5], [null]]), false)).toEqual({ predictions: [3.5, null] });
    expect(tfServingPredictions(regressor, answer([[3.5]]), true)).toEqual({ outputs: [3.5] });
  });

  it.each([
    [{ instances: [{ tenure: 3, colour: 'red' }] }, 'instances[0].colour: "colour" is not a feature of this model'],
    [{ instances: [{ tenure: 'three' }] }, 'instances[0].tenure: must be a number (integer feature), got the string "three"'],
    [{ instances: [{ charges: [1, 2] }] }, 'instances[0].charges: must be a number (number feature), got a list'],
    [{ instances: [{ plan: { a: 1 } }] }, 'instances[0].plan: must be a string, a boolean or a number (category feature), got an object'],
    [{ instances: [[1, 2]] }, 'instances[0]: has 2 values; a list instance holds one value per feature in signature order (4: tenure, charges, plan, paperless)'],
    [{ instances: [7] }, 'instances[0]: must be an object of named features or a list of 4 values'],
    [{ instances: [] }, 'instances: send at least one record'],
    [{ instances: {} }, 'instances: must be a list of instances'],
    [{ inputs: { tenure: [1, 2], charges: [1] } }, 'inputs.charges: has 1 values but inputs.tenure has 2'],
    [{ inputs: { colour: ['red'] } }, 'inputs.colour: "colour" is not a feature of this model'],
    [{ inputs: { tenure: 3 } }, 'inputs.tenure: must be a list of values, one per example'],
    [{ instances: [], inputs: {} }, 'body: send either "instances" (row format) or "inputs" (columnar format), not both'],
    [{}, 'body: send "instances" (row format) or "inputs" (columnar format)'],
    [{ signature_name: 'classify', instances: [{}] }, 'signature_name: this model has one signature, "serving_default"; got "classify"'],
    [{ instance: [{}] }, 'instance: is not a field of a predict request'],
    [[1, 2], 'body: must be a JSON object'],
  ])('refuses %j with 400 naming the field', (body, message) => {
    const error = refusal(() => tf(body));
    expect(error.code).toBe('BAD_USER_INPUT');
    expect(error.message).toContain(message);
  });

  it(`refuses more than ${MAX_INSTANCES_PER_REQUEST} instances`, () => {
    const error = refusal(() => tf({ instances: Array.from({ length: MAX_INSTANCES_PER_REQUEST + 1 }, () => ({ tenure: 1 })) }));
    expect(error.message).toBe(`instances: ${MAX_INSTANCES_PER_REQUEST + 1} records is more than the ${MAX_INSTANCES_PER_REQUEST} one request may carry; split them`);
  });

  it('refuses non-finite numbers (JSON has none, but in-process callers can send them) and reports every problem', () => {
    const error = refusal(() => checkRecords(features, [{ charges: NaN }, { charges: Infinity, plan: 'x', colour: 1 }]));
    expect(error.fields.map((f) => f.field)).toEqual(['instances[0].charges', 'instances[1].charges', 'instances[1].colour']);
    expect(error.message).toBe('instances[0].charges: must be a finite number, got NaN (and 2 more problems)');
  });

  it('accepts numbers written as strings, numbers and booleans as categories, and NULLs', () => {
    expect(checkRecords(features, [{ tenure: '12', charges: null, plan: 7, paperless: 'true' }])).toEqual([{ tenure: '12', charges: null, plan: 7, paperless: 'true' }]);
  });

  it('shows the version status and the signature', () => {
    const view = { target: classifier, versions: [{ number: 3, readyReplicas: 2 }, { number: 2, readyReplicas: 0 }] };
    expect(tfServingStatus(view)).toEqual({
      model_version_status: [
        { version: '3', state: 'AVAILABLE', status: { error_code: 'OK', error_message: '' } },
        { version: '2', state: 'LOADING', status: { error_code: 'OK', error_message: '' } },
      ],
    });
    const metadata = tfServingMetadata(view) as any;
    expect(metadata.model_spec).toEqual({ name: 'alice.churn', signature_name: '', version: '3' });
    const signature = metadata.metadata.signature_def.signature_def.serving_default;
    expect(Object.keys(signature.inputs)).toEqual(['tenure', 'charges', 'plan', 'paperless']);
    expect(signature.inputs.charges).toEqual({ dtype: 'DT_FLOAT', tensor_shape: { dim: [{ size: '-1', name: '' }], unknown_rank: false }, name: 'charges' });
    expect(signature.inputs.plan.dtype).toBe('DT_STRING');
    expect(signature.outputs.probabilities.tensor_shape.dim.map((d: any) => d.size)).toEqual(['-1', '2']);
    expect(metadata.metadata.features[2]).toEqual({ name: 'plan', type: 'category', categories: ['basic', 'pro'] });
  });
});

describe('KServe v2: inference requests', () => {
  it('reads one input per feature, shape [N] or [N, 1] (the spec\'s multi-input request)', () => {
    const body = {
      id: '42',
      inputs: [
        { name: 'tenure', shape: [2], datatype: 'INT64', data: [3, 40] },
        { name: 'charges', shape: [2, 1], datatype: 'FP32', data: [[70.5], [20]] },
        { name: 'plan', shape: [2], datatype: 'BYTES', data: ['pro', 'basic'] },
        { name: 'paperless', shape: [2], datatype: 'BOOL', data: [true, false] },
      ],
      outputs: [{ name: 'probabilities' }],
    };
    expect(v2(body)).toEqual([
      { tenure: 3, charges: 70.5, plan: 'pro', paperless: true },
      { tenure: 40, charges: 20, plan: 'basic', paperless: false },
    ]);
    const request = parseV2Infer(body);
    expect(v2InferResponse(classifier, answer([[0.2, 0.8], [0.9, 0.1]]), request)).toEqual({
      model_name: 'alice.churn',
      model_version: '3',
      id: '42',
      outputs: [{ name: 'probabilities', datatype: 'FP32', shape: [2, 2], data: [0.2, 0.8, 0.9, 0.1] }],
    });
  });

  it('reads one multi-column input [N, F] in signature order', () => {
    const numeric = { ...regressor, features: features.slice(0, 2) };
    expect(v2({ inputs: [{ name: 'input0', shape: [2, 2], datatype: 'FP32', data: [1, 2, 3, 4] }] }, numeric)).toEqual([
      { tenure: 1, charges: 2 },
      { tenure: 3, charges: 4 },
    ]);
    expect(v2({ inputs: [{ name: 'input0', shape: [1, 4], datatype: 'BYTES', data: ['1', '2.5', 'pro', 'true'] }] })).toEqual([{ tenure: '1', charges: '2.5', plan: 'pro', paperless: 'true' }]);
  });

  it('answers label and probabilities for a classifier, value for a regressor, with an id', () => {
    const response = v2InferResponse(classifier, answer([[0.6, 0.4]]), { id: 'x', outputs: undefined }) as any;
    expect(response.outputs).toEqual([
      { name: 'label', datatype: 'BYTES', shape: [1], data: ['no'] },
      { name: 'probabilities', datatype: 'FP32', shape: [1, 2], data: [0.6, 0.4] },
    ]);
    expect((v2InferResponse(regressor, answer([[1.5], [2]]), { id: 'y', outputs: undefined }) as any).outputs).toEqual([{ name: 'value', datatype: 'FP32', shape: [2], data: [1.5, 2] }]);
    expect(parseV2Infer({ inputs: [{ name: 'tenure', shape: [1], datatype: 'INT64', data: [1] }] }).id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it.each([
    [{ inputs: [{ name: 'tenure', shape: [3], datatype: 'INT64', data: [1, 2] }] }, 'inputs[0] (tenure).data: has 2 values but shape [3] holds 3'],
    [{ inputs: [{ name: 'tenure', shape: [2, 2], datatype: 'INT64', data: [1, 2, 3, 4] }] }, 'inputs[0] (tenure).shape: must be [N] or [N, 1] (one value per example), got [2, 2]'],
    [{ inputs: [{ name: 'plan', shape: [1], datatype: 'FP32', data: [1] }] }, 'inputs[0] (plan).datatype: datatype FP32 does not fit the category feature "plan"; send BYTES'],
    [{ inputs: [{ name: 'charges', shape: [1], datatype: 'BYTES', data: ['1'] }] }, 'inputs[0] (charges).datatype: datatype BYTES does not fit the number feature "charges"; send FP32'],
    [{ inputs: [{ name: 'charges', shape: [1], datatype: 'FP32', data: ['1'] }] }, 'inputs[0] (charges).data[0]: must be a finite number (FP32), got "1"'],
    [{ inputs: [{ name: 'tenure', shape: [1], datatype: 'INT64', data: [1.5] }] }, 'inputs[0] (tenure).data[0]: must be a whole number (INT64), got 1.5'],
    [{ inputs: [{ name: 'paperless', shape: [1], datatype: 'BOOL', data: [1] }] }, 'inputs[0] (paperless).data[0]: must be true or false (BOOL), got 1'],
    [{ inputs: [{ name: 'tenure', shape: [1], datatype: 'FLOAT', data: [1] }] }, 'inputs[0] (tenure).datatype: must be one of BOOL, BYTES'],
    [{ inputs: [{ name: 'colour', shape: [1], datatype: 'BYTES', data: ['red'] }, { name: 'tenure', shape: [1], datatype: 'INT64', data: [1] }] }, 'inputs[0] (colour).name: "colour" is not a feature of this model'],
    [{ inputs: [{ name: 'input0', shape: [1, 3], datatype: 'BYTES', data: ['1', '2', '3'] }] }, 'inputs[0] (input0).shape: "input0" is not a feature; one input holding every feature must have shape [N, 4]'],
    [{ inputs: [{ name: 'input0', shape: [1, 4], datatype: 'FP32', data: [1, 2, 3, 4] }] }, 'inputs[0] (input0).datatype: FP32 fits numeric features only and this model has others; send BYTES'],
    [{ inputs: [{ name: 'tenure', shape: [2], datatype: 'INT64', data: [1, 2] }, { name: 'charges', shape: [1], datatype: 'FP32', data: [1] }] }, 'inputs[1] (charges).shape: holds 1 examples but "tenure" holds 2'],
    [{ inputs: [{ name: 'tenure', shape: [1], datatype: 'INT64', data: [1] }, { name: 'tenure', shape: [1], datatype: 'INT64', data: [1] }] }, 'inputs[1] (tenure): input "tenure" is given twice'],
    [{ inputs: [{ name: 'tenure', shape: [1], datatype: 'INT64', data: [1] }], outputs: [{ name: 'logits' }] }, 'outputs: "logits" is not an output of this model (outputs: label, probabilities)'],
    [{ inputs: [] }, 'inputs: must be a non-empty list of input tensors'],
    [{ inputs: [{ name: 'tenure', shape: [-1], datatype: 'INT64', data: [1] }] }, 'inputs[0] (tenure).shape: must be a list of whole numbers'],
    [{ id: 42, inputs: [] }, 'id: must be a string'],
  ])('refuses %j with 400 naming the field', (body, message) => {
    const error = refusal(() => v2(body));
    expect(error.code).toBe('BAD_USER_INPUT');
    expect(error.message).toContain(message);
  });

  it(`refuses more than ${MAX_INSTANCES_PER_REQUEST} examples`, () => {
    const n = MAX_INSTANCES_PER_REQUEST + 1;
    const error = refusal(() => v2({ inputs: [{ name: 'tenure', shape: [n], datatype: 'INT64', data: Array.from({ length: n }, () => 1) }] }));
    expect(error.message).toContain(`inputs: ${n} records is more than the ${MAX_INSTANCES_PER_REQUEST}`);
  });

  it('describes the model: one input per feature with its datatype, and the outputs', () => {
    expect(v2ModelMetadata({ target: classifier, versions: [{ number: 3, readyReplicas: 1 }] })).toEqual({
      name: 'alice.churn',
      versions: ['3'],
      platform: 'tensorflowjs',
      inputs: [
        { name: 'tenure', datatype: 'INT64', shape: [-1] },
        { name: 'charges', datatype: 'FP32', shape: [-1] },
        { name: 'plan', datatype: 'BYTES', shape: [-1] },
        { name: 'paperless', datatype: 'BOOL', shape: [-1] },
      ],
      outputs: [
        { name: 'label', datatype: 'BYTES', shape: [-1] },
        { name: 'probabilities', datatype: 'FP32', shape: [-1, 2] },
      ],
    });
  });
});

describe('GraphQL predict and the deadline', () => {
  it('reads object and list instances, and answers label with class probabilities', () => {
    expect(instancesOf(classifier, [{ tenure: 1 }, [1, 2, 'pro', false]])).toEqual([{ tenure: 1 }, { tenure: 1, charges: 2, plan: 'pro', paperless: false }]);
    expect(predictionResult(classifier, answer([[0.5, 0.5]]))).toEqual({
      predictions: [{ label: 'no', probabilities: [{ label: 'no', probability: 0.5 }, { label: 'yes', probability: 0.5 }], value: null, outputs: [0.5, 0.5] }],
      model: 'alice/churn-model',
      versionNumber: 3,
      replica: 'r1',
      nodeName: 'node-1',
      latencyMs: 4,
    });
  });

  it('lets a client lower the deadline, never raise it', () => {
    expect(requestDeadline(undefined, 30_000, 1000)).toBe(31_000);
    expect(requestDeadline('250', 30_000, 1000)).toBe(1250);
    expect(requestDeadline('999999', 30_000, 1000)).toBe(31_000);
    expect(refusal(() => requestDeadline('soon', 30_000, 0)).message).toBe('X-Request-Timeout-Ms: must be a whole number of milliseconds from 1, got "soon"');
    expect(refusal(() => requestDeadline('0', 30_000, 0)).code).toBe('BAD_USER_INPUT');
  });
});
