/**
 * One layer's output shape and parameter count from its inputs' shapes, by TF.js's own formulas
 * (tfjs-layers 4.x: `computeOutputShape`, `convOutputLength`, each layer's `build`), without TF.js.
 * model-spec-analysis.ts walks the graph and calls it per layer.
 */
import type { LayerConfig } from './model-spec.js';

/** Dimensions without the batch dimension; null is a free size. */
export type Dims = (number | null)[];

/** A layer's shape and parameters, or the problem with the field it is in. */
export type Inferred = { shape: Dims; params: number; trainable: number } | { field: string; message: string };

/** `[2, null, 3]`: dims as error messages write them. */
export const fmt = (dims: Dims) => `[${dims.map((d) => (d === null ? 'null' : String(d))).join(', ')}]`;
export const product = (dims: number[]) => dims.reduce((a, b) => a * b, 1);
/** 1,234,567: counts in error messages. */
export const thousands = (n: number) => n.toLocaleString('en-US');
const known = (dims: Dims): dims is number[] => dims.every((d) => d !== null);
const pair = (v: number | readonly [number, number] | undefined, fallback: [number, number]): [number, number] =>
  v === undefined ? fallback : typeof v === 'number' ? [v, v] : [v[0], v[1]];
const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;

/** Keras/TF.js axis (batch is 0, negative from the end) → index into dims without batch, or null when out of range. */
function axisIndex(axis: number, rank: number): number | null {
  const full = axis < 0 ? axis + rank + 1 : axis;
  return full >= 1 && full <= rank ? full - 1 : null;
}

/** tfjs-layers `convOutputLength` (dilation 1). */
function convLength(length: number | null, window: number, padding: 'valid' | 'same', stride: number): number | null {
  if (length === null) return null;
  const out = padding === 'same' ? length : length - window + 1;
  return Math.floor((out + stride - 1) / stride);
}

/**
 * The output shape and parameter count of one layer given its inputs' shapes (batch left out), or
 * the problem. `inField` is where input problems point: `inputs` in a functional spec, the layer
 * itself in a sequential one.
 */
export function inferLayer(layer: LayerConfig, ins: Dims[], inField: string): Inferred {
  const s = ins[0];
  const needRank = (rank: number, form: string): Inferred | null =>
    s.length === rank ? null : { field: inField, message: `${layer.type} needs an input of shape ${form} (batch not counted); it gets ${fmt(s)}` };
  const needKnown = (dim: number | null, what: string): Inferred | null =>
    dim !== null ? null : { field: inField, message: `${layer.type} needs the ${what} of its input to be known; it gets ${fmt(s)}` };

  switch (layer.type) {
    case 'dense': {
      const last = s[s.length - 1];
      const problem = needKnown(last, 'last dimension');
      if (problem) return problem;
      const params = last! * layer.units + (layer.useBias ?? true ? layer.units : 0);
      return { shape: [...s.slice(0, -1), layer.units], params, trainable: params };
    }
    case 'dropout':
      return { shape: s, params: 0, trainable: 0 };
    case 'batchNormalization': {
      // TF.js normalizes tensors of rank 2 to 4 only (batch included).
      if (s.length > 3) return { field: inField, message: `batchNormalization takes inputs of at most 3 dimensions (batch not counted); it gets ${fmt(s)}` };
      const axis = layer.axis ?? -1;
      const i = axisIndex(axis, s.length);
      if (i === null) return { field: 'axis', message: `${axis} is out of range for an input of shape ${fmt(s)} (axis 0 is the batch)` };
      const c = s[i];
      if (c === null) return { field: 'axis', message: `normalizes a dimension of free size in ${fmt(s)}; it must be known` };
      const trainable = (layer.center ?? true ? c : 0) + (layer.scale ?? true ? c : 0);
      return { shape: s, params: trainable + 2 * c, trainable };
    }
    case 'embedding': {
      const params = layer.inputDim * layer.outputDim;
      return { shape: [...s, layer.outputDim], params, trainable: params };
    }
    case 'conv1d': {
      const problem = needRank(2, '[steps, channels]') ?? needKnown(s[1], 'channels (last dimension)');
      if (problem) return problem;
      const padding = layer.padding ?? 'valid';
      if (padding === 'valid' && s[0] !== null && layer.kernelSize > s[0]) {
        return { field: 'kernelSize', message: `${layer.kernelSize} is longer than the input (${s[0]} steps) with padding "valid"` };
      }
      const params = layer.kernelSize * s[1]! * layer.filters + (layer.useBias ?? true ? layer.filters : 0);
      return { shape: [convLength(s[0], layer.kernelSize, padding, layer.strides ?? 1), layer.filters], params, trainable: params };
    }
    case 'conv2d': {
      const problem = needRank(3, '[height, width, channels]') ?? needKnown(s[2], 'channels (last dimension)');
      if (problem) return problem;
      const padding = layer.padding ?? 'valid';
      const [kh, kw] = pair(layer.kernelSize, [1, 1]);
      const [sh, sw] = pair(layer.strides, [1, 1]);
      if (padding === 'valid' && ((s[0] !== null && kh > s[0]) || (s[1] !== null && kw > s[1]))) {
        return { field: 'kernelSize', message: `${fmt([kh, kw])} is larger than the input (${fmt(s.slice(0, 2))}) with padding "valid"` };
      }
      const params = kh * kw * s[2]! * layer.filters + (layer.useBias ?? true ? layer.filters : 0);
      return { shape: [convLength(s[0], kh, padding, sh), convLength(s[1], kw, padding, sw), layer.filters], params, trainable: params };
    }
    case 'maxPooling1d':
    case 'averagePooling1d': {
      const problem = needRank(2, '[steps, channels]');
      if (problem) return problem;
      const pool = layer.poolSize ?? 2;
      const padding = layer.padding ?? 'valid';
      if (padding === 'valid' && s[0] !== null && pool > s[0]) {
        return { field: 'poolSize', message: `${pool} is longer than the input (${s[0]} steps) with padding "valid"` };
      }
      return { shape: [convLength(s[0], pool, padding, layer.strides ?? pool), s[1]], params: 0, trainable: 0 };
    }
    case 'maxPooling2d':
    case 'averagePooling2d': {
      const problem = needRank(3, '[height, width, channels]');
      if (problem) return problem;
      const [ph, pw] = pair(layer.poolSize, [2, 2]);
      const [sh, sw] = pair(layer.strides, [ph, pw]);
      const padding = layer.padding ?? 'valid';
      if (padding === 'valid' && ((s[0] !== null && ph > s[0]) || (s[1] !== null && pw > s[1]))) {
        return { field: 'poolSize', message: `${fmt([ph, pw])} is larger than the input (${fmt(s.slice(0, 2))}) with padding "valid"` };
      }
      return { shape: [convLength(s[0], ph, padding, sh), convLength(s[1], pw, padding, sw), s[2]], params: 0, trainable: 0 };
    }
    case 'globalAveragePooling1d':
    case 'globalMaxPooling1d':
      return needRank(2, '[steps, channels]') ?? { shape: [s[1]], params: 0, trainable: 0 };
    case 'globalAveragePooling2d':
    case 'globalMaxPooling2d':
      return needRank(3, '[height, width, channels]') ?? { shape: [s[2]], params: 0, trainable: 0 };
    case 'flatten':
      // TF.js's Flatten declares minNDim 3: an input that is already flat is refused.
      if (s.length < 2) return { field: inField, message: `flatten needs an input of at least 2 dimensions (batch not counted); ${fmt(s)} is already flat` };
      if (!known(s)) return { field: inField, message: `flatten needs every dimension of its input known; it gets ${fmt(s)}` };
      return { shape: [product(s)], params: 0, trainable: 0 };
    case 'reshape': {
      const target = layer.targetShape;
      const free = target.filter((d) => d === -1).length;
      if (free > 1) return { field: 'targetShape', message: 'may contain -1 only once' };
      const rest = product(target.filter((d) => d !== -1));
      if (!known(s)) {
        // TF.js checks this only at run time; here it must fit whatever size the free dimensions take.
        const fixed = product(s.filter((d): d is number => d !== null));
        if (free === 0 || fixed % rest !== 0) {
          return { field: 'targetShape', message: `must fit an input ${fmt(s)} of any size: give one -1 and sizes whose product divides ${thousands(fixed)}` };
        }
        return { shape: target.map((d) => (d === -1 ? null : d)), params: 0, trainable: 0 };
      }
      const total = product(s);
      if (free === 1) {
        if (total % rest !== 0) return { field: 'targetShape', message: `cannot hold the ${thousands(total)} values of an input ${fmt(s)}: they do not divide by ${thousands(rest)}` };
        return { shape: target.map((d) => (d === -1 ? total / rest : d)), params: 0, trainable: 0 };
      }
      if (rest !== total) return { field: 'targetShape', message: `${fmt(target)} holds ${thousands(rest)} values, but the input ${fmt(s)} has ${thousands(total)}` };
      return { shape: [...target], params: 0, trainable: 0 };
    }
    case 'lstm':
    case 'gru': {
      const problem = needRank(2, '[steps, features]') ?? needKnown(s[1], 'features (last dimension)');
      if (problem) return problem;
      const gates = layer.type === 'lstm' ? 4 : 3;
      const params = gates * layer.units * (s[1]! + layer.units) + (layer.useBias ?? true ? gates * layer.units : 0);
      return { shape: layer.returnSequences ? [s[0], layer.units] : [layer.units], params, trainable: params };
    }
    case 'concatenate': {
      const rank = s.length;
      const odd = ins.find((x) => x.length !== rank);
      if (odd) return { field: inField, message: `concatenate needs inputs of the same rank; it gets ${ins.map(fmt).join(' and ')}` };
      const axis = layer.axis ?? -1;
      const i = axisIndex(axis, rank);
      if (i === null) return { field: 'axis', message: `${axis} is out of range for inputs of ${plural(rank, 'dimension')} (axis 0 is the batch)` };
      const without = (x: Dims) => fmt(x.filter((_, k) => k !== i));
      if (ins.some((x) => without(x) !== without(s))) {
        return { field: inField, message: `concatenate on axis ${axis} needs every other dimension to match; it gets ${ins.map(fmt).join(' and ')}` };
      }
      const out = [...s];
      out[i] = ins.some((x) => x[i] === null) ? null : ins.reduce((sum, x) => sum + x[i]!, 0);
      return { shape: out, params: 0, trainable: 0 };
    }
    default:
      return assertNever(layer);
  }
}

function assertNever(value: never): never {
  throw new Error(`Unhandled layer ${JSON.stringify(value)}`);
}
