/**
 * Checks a TF.js layers model (model.json + weight shards, format of
 * https://www.tensorflow.org/js/guide/save_load) before it becomes a version: the manifest names
 * only uploaded files, each weight group's shards hold exactly the bytes its weight specs need,
 * and the model really loads with TF.js. Returns its input/output signature.
 *
 * TF.js is imported lazily (only when an upload is checked) with the plain CPU backend, so hub
 * start-up never pays for it.
 */
import { badInput } from '../errors.js';
import { loadTf } from '../tf.js';
import type { ModelSignature } from './model-version.entity.js';

const BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, uint16: 2, float16: 2, complex64: 8 };

interface WeightSpec {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: { dtype: string };
}
interface WeightGroup {
  paths: string[];
  weights: WeightSpec[];
}
export interface ModelJson {
  format?: string;
  modelTopology: object;
  weightsManifest: WeightGroup[];
  [key: string]: unknown;
}

/** A shard path as model.json may name it: relative, no `..`, no scheme, no query. */
export const SAFE_PATH = /^(?!.*(?:^|\/)\.\.?(?:\/|$))[A-Za-z0-9._-]+(?:\/[A-Za-z0-9._-]+)*$/;

/** Parses and checks model.json against the uploaded file sizes (path → bytes). */
export function checkManifest(text: string, sizes: ReadonlyMap<string, number>): ModelJson {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw badInput('model.json', `is not valid JSON (${(error as Error).message})`);
  }
  const m = json as Partial<ModelJson>;
  if (!m || typeof m !== 'object' || Array.isArray(m)) throw badInput('model.json', 'must be a JSON object');
  if (m.format !== undefined && m.format !== 'layers-model') throw badInput('model.json', `format is "${String(m.format)}"; only "layers-model" is supported`);
  if (!m.modelTopology || typeof m.modelTopology !== 'object') throw badInput('model.json', 'has no modelTopology');
  if (!Array.isArray(m.weightsManifest)) throw badInput('model.json', 'has no weightsManifest');
  const referenced = new Set<string>();
  m.weightsManifest.forEach((group, g) => {
    if (!group || !Array.isArray(group.paths) || !Array.isArray(group.weights)) throw badInput(`weightsManifest.${g}`, 'needs paths and weights');
    let expected = 0;
    for (const w of group.weights) {
      if (!w || typeof w.name !== 'string' || !Array.isArray(w.shape) || !w.shape.every((d) => Number.isInteger(d) && d >= 0)) {
        throw badInput(`weightsManifest.${g}`, 'has a weight without a name or with a bad shape');
      }
      const dtype = w.quantization?.dtype ?? w.dtype;
      const bytes = BYTES[dtype];
      if (!bytes) throw badInput(`weightsManifest.${g}`, `weight ${w.name} has unsupported dtype ${String(dtype)}`);
      expected += w.shape.reduce((a, b) => a * b, 1) * bytes;
    }
    let actual = 0;
    for (const p of group.paths) {
      if (typeof p !== 'string' || !SAFE_PATH.test(p) || p === 'model.json') throw badInput(`weightsManifest.${g}`, `bad shard path "${String(p)}"`);
      const size = sizes.get(p);
      if (size === undefined) throw badInput(p, `shard named in model.json was not uploaded`);
      referenced.add(p);
      actual += size;
    }
    if (actual !== expected) {
      throw badInput(group.paths.join(', '), `weight group ${g} has ${actual} bytes, but its weights need ${expected} bytes`);
    }
  });
  for (const p of sizes.keys()) {
    if (p !== 'model.json' && !referenced.has(p)) throw badInput(p, 'file is not named in the weightsManifest of model.json');
  }
  return m as ModelJson;
}

/** Loads the model with TF.js from memory; throws BAD_USER_INPUT saying why it does not load. */
export async function loadAndSign(manifest: ModelJson, weightData: ArrayBuffer): Promise<ModelSignature> {
  const tf = await loadTf();
  const weightSpecs = manifest.weightsManifest.flatMap((g) => g.weights) as Parameters<typeof tf.io.fromMemory>[1];
  let model: import('@tensorflow/tfjs').LayersModel;
  try {
    model = await tf.loadLayersModel(tf.io.fromMemory(manifest.modelTopology, weightSpecs, weightData));
  } catch (error) {
    throw badInput('model.json', `TF.js could not load the model: ${(error as Error).message}`);
  }
  try {
    const sig = (t: { name: string; shape: (number | null)[]; dtype: string }) => ({ name: t.name, shape: [...t.shape], dtype: t.dtype });
    return { inputs: model.inputs.map(sig), outputs: model.outputs.map(sig) };
  } finally {
    model.dispose();
  }
}
