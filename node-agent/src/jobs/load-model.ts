/**
 * A model version's TF.js layers model, as the predict and serve jobs load and check it: model.json
 * and the weight shards it names (which must be files of the version), then the input and output
 * shapes the version's signature promises.
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { LoadedTf } from '../tf/load-backend.js';
import { PermanentJobError } from './job-handler.js';

type Tf = LoadedTf['tf'];

/** `read(path)` gives the bytes of one file of the version; `files` are its paths. */
export async function loadModel(tf: Tf, read: (path: string) => Promise<ArrayBuffer>, files: string[]): Promise<tfjs.LayersModel> {
  let json: { modelTopology?: object; weightsManifest?: { paths: string[]; weights: tfjs.io.WeightsManifestEntry[] }[] };
  try {
    json = JSON.parse(new TextDecoder().decode(await read('model.json')));
  } catch (error) {
    if (error instanceof SyntaxError) throw new PermanentJobError('the model.json of the version is not JSON');
    throw error;
  }
  if (!json.modelTopology || !Array.isArray(json.weightsManifest)) throw new PermanentJobError('the version’s model.json is not a TF.js layers model');
  const shards: ArrayBuffer[] = [];
  const specs: tfjs.io.WeightsManifestEntry[] = [];
  for (const group of json.weightsManifest) {
    for (const path of group.paths) {
      if (!files.includes(path)) throw new PermanentJobError(`model.json names the weight file ${path}, which the version does not have`);
      shards.push(await read(path));
    }
    specs.push(...group.weights);
  }
  const weightData = tf.io.concatenateArrayBuffers(shards);
  try {
    return await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: specs, weightData }));
  } catch (error) {
    throw new PermanentJobError(`TF.js could not load the model: ${(error as Error).message}`);
  }
}

/**
 * Refuses a model whose input is not `width` values per row, or whose output is not one value per
 * class (classifiers: `outputs` classes) or the predicted value.
 */
export function checkModelShapes(model: tfjs.LayersModel, width: number, outputs: number, classification: boolean): void {
  const shape = (model.inputs[0]?.shape ?? []) as (number | null)[];
  if (shape.length !== 2 || (shape[1] !== null && shape[1] !== width)) {
    throw new PermanentJobError(`the model reads inputs of shape ${JSON.stringify(shape)}, but its features make ${width} values per row`);
  }
  const outShape = (model.outputs[0]?.shape ?? []) as (number | null)[];
  if (outShape.length !== 2 || outShape[1] !== outputs) {
    throw new PermanentJobError(`the model gives outputs of shape ${JSON.stringify(outShape)}, not ${outputs} per row (${classification ? 'one per class' : 'the predicted value'})`);
  }
}
