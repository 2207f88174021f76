/** A dense TF.js layers model reading 3 numbers and giving `units` outputs, as the files a model version holds (model.json, weights.bin). */
import * as tf from '@tensorflow/tfjs';
import { tfReady } from '../catalog-support.js';

export async function denseModelFiles(units: number, activation: 'softmax' | 'linear'): Promise<Map<string, Uint8Array>> {
  await tfReady();
  const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [3], units, activation })] });
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(tf.io.withSaveHandler(async (artifacts) => ((saved = artifacts), { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } })));
  model.dispose();
  const data = saved!.weightData!;
  const weights = new Uint8Array(Array.isArray(data) ? Buffer.concat(data.map((d) => Buffer.from(d))) : Buffer.from(data as ArrayBuffer));
  const manifest = { format: 'layers-model', generatedBy: 'test', convertedBy: null, modelTopology: saved!.modelTopology, weightsManifest: [{ paths: ['weights.bin'], weights: saved!.weightSpecs }] };
  return new Map([['model.json', new TextEncoder().encode(JSON.stringify(manifest))], ['weights.bin', weights]]);
}
