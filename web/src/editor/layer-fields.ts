/**
 * How the layer editor offers each field of each layer type: which input, its label, its default
 * and a new layer's starting values. The spec itself is defined once, in schema/model-spec.ts;
 * this file imports only its types (the portal does not ship zod), and the types below make tsc
 * refuse this table when it misses a layer type, a field, an activation or a padding the schema
 * has, or lists one it does not.
 */
import type { z } from 'zod';
import type { ACTIVATIONS, DTYPES, LAYER_FIELDS, LayerType, PADDINGS } from '../../../schema/model-spec';

export type { LayerType };

type Activation = (typeof ACTIVATIONS)[number];
type Padding = (typeof PADDINGS)[number];
type Dtype = (typeof DTYPES)[number];

/** The kinds of value a field holds, each with its own input. */
export type FieldKind =
  /** A whole number ≥ 1 (units, filters…) */
  | 'size'
  /** A number from 0 up to (not including) 1 */
  | 'fraction'
  /** A positive number (epsilon) */
  | 'positive'
  /** A whole number that may be negative (an axis; -1 is the last) */
  | 'axis'
  | 'flag'
  | 'activation'
  | 'padding'
  /** A size or a pair of sizes: "3" or "3, 3" */
  | 'sizeOrPair'
  /** A list of sizes where one may be -1: "7, 7, 64" */
  | 'targetShape';

export interface FieldSpec {
  kind: FieldKind;
  label: string;
  /** Whether the schema requires it. */
  required: boolean;
  /** TF.js's default for an optional field, in words. */
  default?: string;
  hint?: string;
}

/** Exactly the schema's fields of each type, each required exactly when the schema requires it. */
type FieldTable = {
  [T in LayerType]: {
    [K in keyof (typeof LAYER_FIELDS)[T]]: FieldSpec & { required: (typeof LAYER_FIELDS)[T][K] extends z.ZodOptional ? false : true };
  };
};

/** Compiles only when `A` and `B` hold the same strings. */
type Same<A extends string, B extends string> = [Exclude<A, B> | Exclude<B, A>] extends [never] ? true : never;

export const ACTIVATION_OPTIONS = [
  'linear',
  'relu',
  'relu6',
  'elu',
  'selu',
  'sigmoid',
  'hardSigmoid',
  'tanh',
  'softmax',
  'softplus',
  'softsign',
  'swish',
  'mish',
  'gelu',
] as const;
export const PADDING_OPTIONS = ['valid', 'same'] as const;
export const DTYPE_OPTIONS = ['float32', 'int32'] as const;
const activationsMatch: Same<Activation, (typeof ACTIVATION_OPTIONS)[number]> = true;
const paddingsMatch: Same<Padding, (typeof PADDING_OPTIONS)[number]> = true;
const dtypesMatch: Same<Dtype, (typeof DTYPE_OPTIONS)[number]> = true;
void [activationsMatch, paddingsMatch, dtypesMatch];

const units = { kind: 'size', label: 'Units', required: true } as const;
const activation = (fallback: string) => ({ kind: 'activation', label: 'Activation', required: false, default: fallback }) as const;
const useBias = { kind: 'flag', label: 'Use bias', required: false, default: 'yes' } as const;
const padding = { kind: 'padding', label: 'Padding', required: false, default: 'valid' } as const;
const axis = { kind: 'axis', label: 'Axis', required: false, default: '-1 (the last)', hint: '0 is the batch; -1 the last axis' } as const;
const pool1d = {
  poolSize: { kind: 'size', label: 'Pool size', required: false, default: '2' },
  strides: { kind: 'size', label: 'Strides', required: false, default: 'the pool size' },
  padding,
} as const;
const pool2d = {
  poolSize: { kind: 'sizeOrPair', label: 'Pool size', required: false, default: '2, 2' },
  strides: { kind: 'sizeOrPair', label: 'Strides', required: false, default: 'the pool size' },
  padding,
} as const;
const recurrent = {
  units,
  activation: activation('tanh'),
  recurrentActivation: { kind: 'activation', label: 'Recurrent activation', required: false, default: 'hardSigmoid' },
  useBias,
  returnSequences: { kind: 'flag', label: 'Return sequences', required: false, default: 'no', hint: 'Output every step, not only the last (to stack another recurrent layer)' },
  dropout: { kind: 'fraction', label: 'Input dropout', required: false, default: '0' },
  recurrentDropout: { kind: 'fraction', label: 'Recurrent dropout', required: false, default: '0' },
} as const;

export const LAYER_FIELD_SPECS: FieldTable = {
  dense: { units, activation: activation('linear'), useBias },
  dropout: { rate: { kind: 'fraction', label: 'Rate', required: true, hint: 'The share of inputs set to 0 while training' } },
  batchNormalization: {
    axis,
    momentum: { kind: 'fraction', label: 'Momentum', required: false, default: '0.99' },
    epsilon: { kind: 'positive', label: 'Epsilon', required: false, default: '0.001' },
    center: { kind: 'flag', label: 'Center (beta)', required: false, default: 'yes' },
    scale: { kind: 'flag', label: 'Scale (gamma)', required: false, default: 'yes' },
  },
  embedding: {
    inputDim: { kind: 'size', label: 'Vocabulary size', required: true, hint: 'Token ids run from 0 to this − 1' },
    outputDim: { kind: 'size', label: 'Vector size', required: true },
  },
  conv1d: {
    filters: { kind: 'size', label: 'Filters', required: true },
    kernelSize: { kind: 'size', label: 'Kernel size', required: true },
    strides: { kind: 'size', label: 'Strides', required: false, default: '1' },
    padding,
    activation: activation('linear'),
    useBias,
  },
  conv2d: {
    filters: { kind: 'size', label: 'Filters', required: true },
    kernelSize: { kind: 'sizeOrPair', label: 'Kernel size', required: true, hint: '3, or height and width: 3, 5' },
    strides: { kind: 'sizeOrPair', label: 'Strides', required: false, default: '1' },
    padding,
    activation: activation('linear'),
    useBias,
  },
  maxPooling1d: pool1d,
  averagePooling1d: pool1d,
  maxPooling2d: pool2d,
  averagePooling2d: pool2d,
  globalAveragePooling1d: {},
  globalAveragePooling2d: {},
  globalMaxPooling1d: {},
  globalMaxPooling2d: {},
  flatten: {},
  reshape: { targetShape: { kind: 'targetShape', label: 'Target shape', required: true, hint: 'Without the batch; one dimension may be -1: 7, 7, 64' } },
  lstm: recurrent,
  gru: recurrent,
  concatenate: { axis },
};

export const LAYER_TYPE_OPTIONS = Object.keys(LAYER_FIELD_SPECS) as LayerType[];

/** Layer types in words, for the type picker. */
export const LAYER_TYPE_LABELS: Record<LayerType, string> = {
  dense: 'Dense',
  dropout: 'Dropout',
  batchNormalization: 'Batch normalization',
  embedding: 'Embedding',
  conv1d: 'Conv 1D',
  conv2d: 'Conv 2D',
  maxPooling1d: 'Max pooling 1D',
  averagePooling1d: 'Average pooling 1D',
  maxPooling2d: 'Max pooling 2D',
  averagePooling2d: 'Average pooling 2D',
  globalAveragePooling1d: 'Global average pooling 1D',
  globalAveragePooling2d: 'Global average pooling 2D',
  globalMaxPooling1d: 'Global max pooling 1D',
  globalMaxPooling2d: 'Global max pooling 2D',
  flatten: 'Flatten',
  reshape: 'Reshape',
  lstm: 'LSTM',
  gru: 'GRU',
  concatenate: 'Concatenate',
};

/** What a new layer of each type starts with: its required fields set to common values. */
export const NEW_LAYER: { [T in LayerType]: Record<string, unknown> } = {
  dense: { units: 32, activation: 'relu' },
  dropout: { rate: 0.2 },
  batchNormalization: {},
  embedding: { inputDim: 1000, outputDim: 16 },
  conv1d: { filters: 16, kernelSize: 3, activation: 'relu' },
  conv2d: { filters: 16, kernelSize: 3, activation: 'relu' },
  maxPooling1d: {},
  averagePooling1d: {},
  maxPooling2d: {},
  averagePooling2d: {},
  globalAveragePooling1d: {},
  globalAveragePooling2d: {},
  globalMaxPooling1d: {},
  globalMaxPooling2d: {},
  flatten: {},
  reshape: { targetShape: [-1] },
  lstm: { units: 32 },
  gru: { units: 32 },
  concatenate: {},
};

export function isLayerType(type: unknown): type is LayerType {
  return typeof type === 'string' && Object.prototype.hasOwnProperty.call(LAYER_FIELD_SPECS, type);
}

/** The fields of a layer type, in the order the editor shows them. */
export function fieldsOf(type: LayerType): [string, FieldSpec][] {
  return Object.entries(LAYER_FIELD_SPECS[type]) as [string, FieldSpec][];
}
