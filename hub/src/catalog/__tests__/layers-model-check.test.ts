import { describe, expect, it } from 'vitest';
import { checkManifest, SAFE_PATH } from '../layers-model-check.js';

const manifest = (paths: string[], weights = [{ name: 'w', shape: [2, 3], dtype: 'float32' }, { name: 'b', shape: [3], dtype: 'float32' }]) =>
  JSON.stringify({ format: 'layers-model', modelTopology: { class_name: 'Sequential' }, weightsManifest: [{ paths, weights }] });

describe('checkManifest (TF.js layers model.json against the uploaded files)', () => {
  it('accepts shards whose sizes add up to what the weights need', () => {
    expect(() => checkManifest(manifest(['a.bin', 'b.bin']), new Map([['model.json', 1], ['a.bin', 20], ['b.bin', 16]]))).not.toThrow();
  });

  it('counts quantized weights by their quantized dtype', () => {
    const text = manifest(['a.bin'], [{ name: 'w', shape: [4], dtype: 'float32', quantization: { dtype: 'uint8' } } as never]);
    expect(() => checkManifest(text, new Map([['a.bin', 4]]))).not.toThrow();
  });

  it.each([
    ['not JSON', 'nope', new Map(), /not valid JSON/],
    ['an array', '[]', new Map(), /must be a JSON object/],
    ['a graph model', JSON.stringify({ format: 'graph-model', modelTopology: {}, weightsManifest: [] }), new Map(), /only "layers-model"/],
    ['no topology', JSON.stringify({ weightsManifest: [] }), new Map(), /no modelTopology/],
    ['a missing shard', manifest(['a.bin']), new Map(), /a\.bin: shard named in model\.json was not uploaded/],
    ['a short shard', manifest(['a.bin']), new Map([['a.bin', 35]]), /has 35 bytes, but its weights need 36 bytes/],
    ['an extra file', manifest(['a.bin']), new Map([['a.bin', 36], ['x.bin', 1]]), /x\.bin: file is not named/],
    ['a path escaping the folder', manifest(['../a.bin']), new Map([['../a.bin', 36]]), /bad shard path/],
    ['an unknown dtype', manifest(['a.bin'], [{ name: 'w', shape: [1], dtype: 'float64' }]), new Map([['a.bin', 8]]), /unsupported dtype float64/],
  ])('refuses %s, saying why', (_what, text, sizes, message) => {
    expect(() => checkManifest(text as string, sizes as Map<string, number>)).toThrow(message as RegExp);
  });

  it('allows plain relative shard paths only', () => {
    for (const ok of ['group1-shard1of1.bin', 'weights/part.1.bin']) expect(SAFE_PATH.test(ok)).toBe(true);
    for (const bad of ['../x', 'a/../../x', '/abs', 'http://x/y', 'a//b', '.', 'a/./b', 'a\\b', 'a?b']) expect(SAFE_PATH.test(bad)).toBe(false);
  });
});
