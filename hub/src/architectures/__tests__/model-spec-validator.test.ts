import 'reflect-metadata';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { loadTf } from '../../tf.js';
import { createLogger } from '../../logger.js';
import { ModelSpecValidator } from '../model-spec-validator.js';
import { inlineTfConfirmer } from '../tf-confirmer.js';

const log = createLogger({ logLevel: 'silent' });
const dense = (units: number, inputShape = [10]) => ({ kind: 'sequential', inputShape, layers: [{ type: 'dense', name: 'd', units }] });

describe('ModelSpecValidator (the hub: analysis, then TF.js in this thread)', () => {
  it('refuses a dense layer of 10^9 units in well under a second, without building or allocating anything', async () => {
    const validator = new ModelSpecValidator({ maxParams: 50_000_000 }, inlineTfConfirmer(), log);
    const rss = process.memoryUsage().rss;
    const start = performance.now();
    const result = await validator.validate(dense(1e9, [1000]));
    expect(performance.now() - start).toBeLessThan(250);
    expect(process.memoryUsage().rss - rss).toBeLessThan(30 * 1024 * 1024);
    expect(result).toMatchObject({ valid: false, totalParams: 1_001_000_000_000, errors: [{ layer: 'd', index: 0, path: 'layers[0].units' }] });
    expect(result).not.toHaveProperty('plan');
  });

  it('confirms a valid spec with TF.js and disposes every tensor it made', async () => {
    const tfjs = await loadTf();
    expect(tfjs).toBe(tf);
    const validator = new ModelSpecValidator({}, inlineTfConfirmer(), log);
    await validator.validate(dense(3)); // TF.js's first use creates a few tensors of its own
    const before = tf.memory().numTensors;
    const spec = {
      kind: 'functional',
      inputs: [{ name: 'seq', shape: [null, 6] }, { name: 'ids', shape: [5], dtype: 'int32' }],
      layers: [
        { name: 'rnn', type: 'lstm', inputs: ['seq'], units: 32 },
        { name: 'emb', type: 'embedding', inputs: ['ids'], inputDim: 100, outputDim: 8 },
        { name: 'flat', type: 'flatten', inputs: ['emb'] },
        { name: 'both', type: 'concatenate', inputs: ['rnn', 'flat'] },
        { name: 'out', type: 'dense', inputs: ['both'], units: 1, activation: 'sigmoid' },
      ],
      outputs: ['out'],
    };
    const result = await validator.validate(spec);
    expect(result.errors).toEqual([]);
    expect(result).toMatchObject({ valid: true, kind: 'functional', totalParams: 4 * 32 * (6 + 32 + 1) + 800 + 73, outputs: [{ name: 'out', shape: [null, 1] }] });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('applies its parameter limit, and builds specs one at a time when they come together', async () => {
    const validator = new ModelSpecValidator({ maxParams: 1_000 }, inlineTfConfirmer(), log);
    expect((await validator.validate(dense(90))).valid).toBe(true); // 990 parameters
    expect((await validator.validate(dense(91))).errors).toEqual([
      { layer: 'd', index: 0, path: 'layers[0].units', message: 'gives this layer 1,001 parameters; the limit for a whole model is 1,000' },
    ]);
    const before = tf.memory().numTensors;
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => validator.validate(dense(10 + i))));
    expect(results.map((r) => r.totalParams)).toEqual(Array.from({ length: 8 }, (_, i) => 11 * (10 + i)));
    expect(tf.memory().numTensors).toBe(before);
  });

  it('never throws, whatever it is given', async () => {
    const validator = new ModelSpecValidator({}, inlineTfConfirmer(), log);
    for (const spec of [undefined, null, '', '{"kind":"sequential"}', 1e308, [[[]]], { kind: 'functional', inputs: 'x', layers: {}, outputs: 3 }]) {
      const result = await validator.validate(spec);
      expect(result.valid).toBe(false);
      expect(result.errors.length).toBeGreaterThan(0);
    }
  });
});
