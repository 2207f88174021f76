/**
 * Builds a model spec (model-spec.ts) into a TF.js LayersModel. The hub uses it to confirm a
 * spec it has checked; agents use it to build what they train. The TF.js namespace is a
 * parameter so this module loads no backend: each side passes the `tf` it has set up.
 *
 * The spec is analysed first (model-spec-analysis.ts) and refused with every problem before any
 * layer exists, so nothing over the limits is ever allocated. Building allocates every weight:
 * the caller owns the model and must `dispose()` it.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { analyzeModelSpec, type ModelSpecError as SpecProblem, type PlannedLayer } from './model-spec-analysis.js';
import type { ModelSpecLimits } from './model-spec.js';

/** The part of the TF.js namespace the builder needs (`@tensorflow/tfjs` or `@tensorflow/tfjs-node` both fit). */
export type TfLayersApi = Pick<typeof tfjs, 'input' | 'model' | 'layers'>;

export interface BuildOptions {
  limits?: Partial<ModelSpecLimits>;
  /**
   * `zeros` fills every weight with zeros instead of TF.js's default random initializers: for
   * checking a spec, where the values do not matter and the orthogonal initializer of recurrent
   * layers (a QR decomposition) would cost seconds.
   */
  initializer?: 'default' | 'zeros';
  /** The model's name. */
  name?: string;
}

/** Thrown for a spec that does not pass the analysis; `problems` says what and where. */
export class ModelSpecError extends Error {
  constructor(readonly problems: SpecProblem[]) {
    super(`Invalid model spec: ${problems.map((p) => `${p.path || 'spec'}: ${p.message}`).join('; ')}`);
    this.name = 'ModelSpecError';
  }
}

type Layer = tfjs.layers.Layer;
type SymbolicTensor = tfjs.SymbolicTensor;

function createLayer(tf: TfLayersApi, step: PlannedLayer, zeros: boolean): Layer {
  const { config: c, name } = step;
  const init = zeros ? ({ kernelInitializer: 'zeros', biasInitializer: 'zeros' } as const) : {};
  switch (c.type) {
    case 'dense':
      return tf.layers.dense({ name, units: c.units, activation: c.activation, useBias: c.useBias, ...init });
    case 'dropout':
      return tf.layers.dropout({ name, rate: c.rate });
    case 'batchNormalization':
      return tf.layers.batchNormalization({ name, axis: c.axis, momentum: c.momentum, epsilon: c.epsilon, center: c.center, scale: c.scale });
    case 'embedding':
      return tf.layers.embedding({ name, inputDim: c.inputDim, outputDim: c.outputDim, ...(zeros ? { embeddingsInitializer: 'zeros' } : {}) });
    case 'conv1d':
      return tf.layers.conv1d({ name, filters: c.filters, kernelSize: c.kernelSize, strides: c.strides ?? 1, padding: c.padding ?? 'valid', activation: c.activation, useBias: c.useBias, ...init });
    case 'conv2d':
      return tf.layers.conv2d({
        name,
        filters: c.filters,
        kernelSize: typeof c.kernelSize === 'number' ? c.kernelSize : [...c.kernelSize],
        strides: c.strides === undefined ? 1 : typeof c.strides === 'number' ? c.strides : [...c.strides],
        padding: c.padding ?? 'valid',
        activation: c.activation,
        useBias: c.useBias,
        ...init,
      });
    case 'maxPooling1d':
    case 'averagePooling1d': {
      const poolSize = c.poolSize ?? 2;
      const args = { name, poolSize, strides: c.strides ?? poolSize, padding: c.padding ?? 'valid' } as const;
      return c.type === 'maxPooling1d' ? tf.layers.maxPooling1d(args) : tf.layers.averagePooling1d(args);
    }
    case 'maxPooling2d':
    case 'averagePooling2d': {
      const poolSize: [number, number] = c.poolSize === undefined ? [2, 2] : typeof c.poolSize === 'number' ? [c.poolSize, c.poolSize] : [c.poolSize[0], c.poolSize[1]];
      const strides: [number, number] = c.strides === undefined ? poolSize : typeof c.strides === 'number' ? [c.strides, c.strides] : [c.strides[0], c.strides[1]];
      const args = { name, poolSize, strides, padding: c.padding ?? 'valid' } as const;
      return c.type === 'maxPooling2d' ? tf.layers.maxPooling2d(args) : tf.layers.averagePooling2d(args);
    }
    case 'globalAveragePooling1d':
      return tf.layers.globalAveragePooling1d({ name });
    case 'globalAveragePooling2d':
      return tf.layers.globalAveragePooling2d({ name });
    case 'globalMaxPooling1d':
      return tf.layers.globalMaxPooling1d({ name });
    case 'globalMaxPooling2d':
      return tf.layers.globalMaxPooling2d({ name });
    case 'flatten':
      return tf.layers.flatten({ name });
    case 'reshape':
      // TF.js leaves -1 unknown in a symbolic model (the batch is unknown), which a following
      // dense layer refuses; the analysis has worked it out, so it is given explicitly.
      return tf.layers.reshape({ name, targetShape: c.targetShape.map((d, i) => (d === -1 ? (step.outputShape[i] ?? -1) : d)) });
    case 'lstm':
    case 'gru': {
      const args = {
        name,
        units: c.units,
        activation: c.activation,
        recurrentActivation: c.recurrentActivation,
        useBias: c.useBias,
        returnSequences: c.returnSequences ?? false,
        dropout: c.dropout,
        recurrentDropout: c.recurrentDropout,
        ...(zeros ? { ...init, recurrentInitializer: 'zeros' as const } : {}),
      };
      return c.type === 'lstm' ? tf.layers.lstm(args) : tf.layers.gru(args);
    }
    case 'concatenate':
      return tf.layers.concatenate({ name, axis: c.axis ?? -1 });
  }
}

/**
 * Builds `spec` into a LayersModel with TF.js. Throws {@link ModelSpecError} for a spec that
 * fails the analysis (nothing is allocated then); if TF.js itself refuses, every layer made so far
 * is disposed and its error is thrown.
 */
export function buildLayersModel(spec: unknown, tf: TfLayersApi, options: BuildOptions = {}): tfjs.LayersModel {
  const analysis = analyzeModelSpec(spec, options.limits);
  if (!analysis.valid || !analysis.plan) throw new ModelSpecError(analysis.errors);
  const plan = analysis.plan;
  const created: Layer[] = [];
  try {
    const tensors = new Map<string, SymbolicTensor>();
    const inputs = plan.inputs.map((i) => {
      const tensor = tf.input({ name: i.name, shape: [...i.shape], dtype: i.dtype });
      tensors.set(i.name, tensor);
      return tensor;
    });
    for (const step of plan.layers) {
      const layer = createLayer(tf, step, options.initializer === 'zeros');
      created.push(layer);
      const ins = step.inputs.map((name) => tensors.get(name)!);
      tensors.set(step.name, layer.apply(ins.length === 1 ? ins[0] : ins) as SymbolicTensor);
    }
    return tf.model({ inputs, outputs: plan.outputs.map((name) => tensors.get(name)!), name: options.name });
  } catch (error) {
    for (const layer of created) {
      try {
        layer.dispose();
      } catch {
        // not built: it holds no weights
      }
    }
    throw error;
  }
}
