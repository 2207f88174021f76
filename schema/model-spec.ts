/**
 * The model spec: a model architecture as a JSON layer graph, defined once for the hub (which
 * validates and stores it), the portal's model editor (which edits it) and the agents (which build
 * and train it with TF.js, see model-spec-build.ts). Two forms:
 *
 * ```json
 * { "kind": "sequential", "inputShape": [28, 28, 1],
 *   "layers": [{ "type": "conv2d", "filters": 8, "kernelSize": 3, "activation": "relu" },
 *              { "type": "flatten" }, { "type": "dense", "units": 10, "activation": "softmax" }] }
 *
 * { "kind": "functional", "inputs": [{ "name": "a", "shape": [8] }, { "name": "b", "shape": [4] }],
 *   "layers": [{ "name": "both", "type": "concatenate", "inputs": ["a", "b"] },
 *              { "name": "out", "type": "dense", "inputs": ["both"], "units": 1 }],
 *   "outputs": ["out"] }
 * ```
 *
 * Shapes leave out the batch dimension; `null` is a dimension of free size (a sequence of any
 * length). Layer fields follow TF.js's layer arguments (https://js.tensorflow.org/api/latest/#Layers)
 * with the same names and defaults, channels last. `axis` counts the batch dimension as 0, as in
 * Keras and TF.js (so -1, the default, is the last axis).
 *
 * The schemas here check each field alone; whether the graph fits together (names, shapes,
 * parameter limits) is model-spec-analysis.ts. Schemas set no defaults, so a parsed spec is the
 * spec as written (what the editor saved); the defaults are applied where shapes are computed.
 */
import { z } from 'zod';

/** Largest size of one dimension, of units, filters and the like. Parameter limits bite long before. */
export const MAX_SIZE = 1_000_000_000;
/** Most dimensions of a shape, batch not counted. */
export const MAX_RANK = 5;
export const MAX_GRAPH_INPUTS = 50;

export const ACTIVATIONS = ['linear', 'relu', 'relu6', 'elu', 'selu', 'sigmoid', 'hardSigmoid', 'tanh', 'softmax', 'softplus', 'softsign', 'swish', 'mish', 'gelu'] as const;
export type Activation = (typeof ACTIVATIONS)[number];
export const PADDINGS = ['valid', 'same'] as const;
export const DTYPES = ['float32', 'int32'] as const;

/** Layer and input names: TF.js weight names are `layer/kernel`, so no slashes or spaces. */
export const NAME = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;
const NAME_RULE = 'use 1–64 letters, digits, "_" or "-", starting with a letter';

/** The error for a value of the wrong type: "is required" when it is missing. */
const expecting = (what: string) => ({ error: (issue: { input?: unknown }) => (issue.input === undefined ? 'is required' : `must be ${what}`) });

const size = (max = MAX_SIZE) =>
  z
    .number(expecting('a number'))
    .int({ error: 'must be a whole number' })
    .min(1, { error: 'must be at least 1' })
    .max(max, { error: `must be at most ${max}` });
const fraction = (what: string) =>
  z.number(expecting('a number')).min(0, { error: `must be at least 0 (${what})` }).lt(1, { error: `must be less than 1 (${what})` });
const flag = () => z.boolean(expecting('true or false'));
const oneOf = <const T extends readonly [string, ...string[]]>(values: T) => z.enum(values, expecting(`one of ${values.join(', ')}`));
const sizeOrPair = () =>
  z.union([size(), z.tuple([size(), size()])], expecting('a whole number ≥ 1 or a pair of them, like [3, 3]'));
const axis = () => z.number(expecting('a number')).int({ error: 'must be a whole number' }).min(-(MAX_RANK + 1), { error: 'is out of range' }).max(MAX_RANK, { error: 'is out of range' });

export const layerName = z.string(expecting('a string')).regex(NAME, { error: NAME_RULE });
/** One dimension: a size, or null for any size. */
export const dimension = z.union([size(), z.null()], expecting(`a whole number from 1 to ${MAX_SIZE}, or null for any size`));
export const shape = z
  .array(dimension, expecting('a list of dimensions, like [28, 28, 1]'))
  .min(1, { error: 'needs at least one dimension' })
  .max(MAX_RANK, { error: `may have at most ${MAX_RANK} dimensions` });
export type Shape = z.infer<typeof shape>;

const activation = () => oneOf(ACTIVATIONS);
const padding = () => oneOf(PADDINGS);

/** Each layer type's own fields (the `type` tag included), without `name` and `inputs`. */
export const LAYER_FIELDS = {
  dense: { units: size(), activation: activation().optional(), useBias: flag().optional() },
  dropout: { rate: fraction('the share of inputs dropped') },
  batchNormalization: {
    axis: axis().optional(),
    momentum: fraction('default 0.99').optional(),
    epsilon: z.number(expecting('a number')).gt(0, { error: 'must be greater than 0' }).max(1, { error: 'must be at most 1' }).optional(),
    center: flag().optional(),
    scale: flag().optional(),
  },
  embedding: { inputDim: size(), outputDim: size() },
  conv1d: { filters: size(), kernelSize: size(), strides: size().optional(), padding: padding().optional(), activation: activation().optional(), useBias: flag().optional() },
  conv2d: { filters: size(), kernelSize: sizeOrPair(), strides: sizeOrPair().optional(), padding: padding().optional(), activation: activation().optional(), useBias: flag().optional() },
  maxPooling1d: { poolSize: size().optional(), strides: size().optional(), padding: padding().optional() },
  averagePooling1d: { poolSize: size().optional(), strides: size().optional(), padding: padding().optional() },
  maxPooling2d: { poolSize: sizeOrPair().optional(), strides: sizeOrPair().optional(), padding: padding().optional() },
  averagePooling2d: { poolSize: sizeOrPair().optional(), strides: sizeOrPair().optional(), padding: padding().optional() },
  globalAveragePooling1d: {},
  globalAveragePooling2d: {},
  globalMaxPooling1d: {},
  globalMaxPooling2d: {},
  flatten: {},
  reshape: {
    targetShape: z
      .array(z.union([size(), z.literal(-1)], expecting('a whole number ≥ 1, or -1 for "whatever is left"')), expecting('a list like [7, 7, 64]'))
      .min(1, { error: 'needs at least one dimension' })
      .max(MAX_RANK, { error: `may have at most ${MAX_RANK} dimensions` }),
  },
  lstm: {
    units: size(),
    activation: activation().optional(),
    recurrentActivation: activation().optional(),
    useBias: flag().optional(),
    returnSequences: flag().optional(),
    dropout: fraction('input dropout').optional(),
    recurrentDropout: fraction('recurrent dropout').optional(),
  },
  gru: {
    units: size(),
    activation: activation().optional(),
    recurrentActivation: activation().optional(),
    useBias: flag().optional(),
    returnSequences: flag().optional(),
    dropout: fraction('input dropout').optional(),
    recurrentDropout: fraction('recurrent dropout').optional(),
  },
  concatenate: { axis: axis().optional() },
} as const satisfies Record<string, z.ZodRawShape>;

export type LayerType = keyof typeof LAYER_FIELDS;
export const LAYER_TYPES = Object.keys(LAYER_FIELDS) as LayerType[];
export function isLayerType(type: unknown): type is LayerType {
  return typeof type === 'string' && Object.prototype.hasOwnProperty.call(LAYER_FIELDS, type);
}

const layerInputs = z
  .array(layerName, expecting('a list of input or layer names'))
  .min(1, { error: 'needs at least one input' })
  .max(MAX_GRAPH_INPUTS, { error: `may have at most ${MAX_GRAPH_INPUTS} inputs` });

type Fields<T extends LayerType> = (typeof LAYER_FIELDS)[T];
type TypeTag<T extends LayerType> = { type: z.ZodLiteral<T> };
const tagged = <T extends LayerType>(type: T) => ({ type: z.literal(type), ...LAYER_FIELDS[type] }) as TypeTag<T> & Fields<T>;

type RawShape<S> = S extends z.ZodRawShape ? S : never;
type SequentialLayerSchemas = { [T in LayerType]: z.ZodObject<RawShape<TypeTag<T> & Fields<T> & { name: z.ZodOptional<typeof layerName> }>, z.core.$strict> };
type FunctionalLayerSchemas = { [T in LayerType]: z.ZodObject<RawShape<TypeTag<T> & Fields<T> & { name: typeof layerName; inputs: typeof layerInputs }>, z.core.$strict> };

/** A layer of a sequential spec, by type: its fields plus an optional `name`. */
export const SEQUENTIAL_LAYERS = Object.fromEntries(
  LAYER_TYPES.map((type) => [type, z.strictObject({ ...tagged(type), name: layerName.optional() })]),
) as unknown as SequentialLayerSchemas;

/** A layer of a functional spec, by type: its fields plus a `name` and the `inputs` it is applied to. */
export const FUNCTIONAL_LAYERS = Object.fromEntries(
  LAYER_TYPES.map((type) => [type, z.strictObject({ ...tagged(type), name: layerName, inputs: layerInputs })]),
) as unknown as FunctionalLayerSchemas;

const values = <T extends object>(o: T) => Object.values(o) as T[keyof T][];
export const sequentialLayer = z.discriminatedUnion('type', values(SEQUENTIAL_LAYERS) as unknown as [SequentialLayerSchemas[LayerType], ...SequentialLayerSchemas[LayerType][]]);
export const functionalLayer = z.discriminatedUnion('type', values(FUNCTIONAL_LAYERS) as unknown as [FunctionalLayerSchemas[LayerType], ...FunctionalLayerSchemas[LayerType][]]);
export type SequentialLayer = z.infer<typeof sequentialLayer>;
export type FunctionalLayer = z.infer<typeof functionalLayer>;
/** The fields of one layer type, whatever form it sits in. */
export type LayerConfig<T extends LayerType = LayerType> = Extract<SequentialLayer, { type: T }>;

export const modelInput = z.strictObject({
  name: layerName,
  shape,
  /** int32 for token ids that feed an embedding layer; float32 (the default) otherwise. */
  dtype: oneOf(DTYPES).optional(),
});
export type ModelInput = z.infer<typeof modelInput>;

/** The top of a sequential spec; its layers are checked one by one (see model-spec-analysis.ts). */
export const sequentialFrame = z.strictObject({
  kind: z.literal('sequential'),
  inputShape: shape,
  inputDtype: oneOf(DTYPES).optional(),
  layers: z.array(z.unknown(), expecting('a list of layers')).min(1, { error: 'needs at least one layer' }),
});
/** The top of a functional spec; its layers are checked one by one. */
export const functionalFrame = z.strictObject({
  kind: z.literal('functional'),
  inputs: z.array(modelInput, expecting('a list of { name, shape }')).min(1, { error: 'needs at least one input' }).max(MAX_GRAPH_INPUTS, { error: `may have at most ${MAX_GRAPH_INPUTS} inputs` }),
  layers: z.array(z.unknown(), expecting('a list of layers')).min(1, { error: 'needs at least one layer' }),
  outputs: z.array(layerName, expecting('a list of layer names')).min(1, { error: 'needs at least one output' }).max(MAX_GRAPH_INPUTS, { error: `may have at most ${MAX_GRAPH_INPUTS} outputs` }),
});

export const sequentialSpec = sequentialFrame.extend({ layers: z.array(sequentialLayer).min(1) });
export const functionalSpec = functionalFrame.extend({ layers: z.array(functionalLayer).min(1) });
/** The whole spec in one schema, for callers that only need yes or no; located errors come from analyzeModelSpec. */
export const modelSpec = z.discriminatedUnion('kind', [sequentialSpec, functionalSpec]);
export type SequentialSpec = z.infer<typeof sequentialSpec>;
export type FunctionalSpec = z.infer<typeof functionalSpec>;
export type ModelSpec = z.infer<typeof modelSpec>;
export const SPEC_KINDS = ['sequential', 'functional'] as const;

/** What a hub or agent refuses before building anything with TF.js. */
export interface ModelSpecLimits {
  /** Parameters the whole model may have (AIMASS_MODEL_SPEC_MAX_PARAMS on the hub). */
  maxParams: number;
  /** Layers a spec may list. */
  maxLayers: number;
  /** Size of the spec as JSON text, in UTF-16 code units (about bytes for ASCII). */
  maxSpecBytes: number;
  /** Values one layer may output per example. */
  maxOutputElements: number;
}

export const DEFAULT_MODEL_SPEC_LIMITS: ModelSpecLimits = {
  maxParams: 50_000_000,
  maxLayers: 500,
  maxSpecBytes: 200 * 1024,
  maxOutputElements: 2 ** 31 - 1,
};
