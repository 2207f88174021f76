/**
 * The verified-evaluation tests' fixture: a public benchmark "iris" made from 120 rows of three
 * numeric features and a species, and a public 3-class dense model (random weights, standardised
 * inputs) entered as `iris3`, loaded in the test process too so honest nodes can predict with it.
 */
import * as tf from '@tensorflow/tfjs';
import { expect } from 'vitest';
import { createModel, uploadFiles } from '../catalog-support.js';
import { createDataset, upload } from './datasets.js';
import type { TestHub } from './hub.js';
import { denseModelFiles } from './tf-model.js';
import type { SignedUp } from './users.js';

export const CLASSES = ['setosa', 'versicolor', 'virginica'];
export const flowers = Array.from({ length: 120 }, (_, i) => ({ a: (i * 7) % 10, b: (i * 3) % 10, c: (i * 5 + 2) % 10, species: CLASSES[(i * 7 + (i % 3)) % 3] }));
const csv = (rows: Record<string, unknown>[]) => [Object.keys(rows[0]).join(','), ...rows.map((r) => Object.values(r).join(','))].join('\n') + '\n';

/** The model's own probabilities for a served row (standardised as its metadata says). */
export function predictRow(model: tf.LayersModel, row: unknown[]): number[] {
  return tf.tidy(() => Array.from((model.predict(tf.tensor2d([row.map((v) => (Number(v) - 4.5) / 2.9)])) as tf.Tensor).dataSync()));
}

/** Creates the dataset, the benchmark and the model as `alice`; answers the benchmark's id and the model loaded here. */
export async function setUpIrisBenchmark(hub: TestHub, alice: SignedUp): Promise<{ benchmarkId: string; model: tf.LayersModel }> {
  await createDataset(hub, alice.token, { name: 'flowers', visibility: 'PUBLIC' });
  expect((await upload(hub, alice.token, alice.username, 'flowers', csv(flowers))).status).toBe(201);
  const created = await hub.graphql(
    `mutation($input: CreateBenchmarkInput!) { createBenchmark(input: $input) { id } }`,
    {
      input: {
        name: 'iris', dataset: `${alice.username}/flowers@1`, label: 'species', task: 'CLASSIFICATION', metric: 'ACCURACY', visibility: 'PUBLIC',
        split: { testFraction: 0.5, publicFraction: 0.5, seed: 3 }, rules: { submissionsPerDay: 50 },
      },
    },
    alice.token,
  );
  expect(created.errors).toBeUndefined();
  const files = await denseModelFiles(3, 'softmax');
  await createModel(hub, alice.token, { name: 'iris3', visibility: 'PUBLIC' });
  expect((await uploadFiles(hub, alice.token, alice.username, 'iris3', files)).status).toBe(201);
  const set = await hub.graphql(
    `mutation($o: String!, $n: String!, $input: ModelVersionMetadataInput!) { setModelVersionMetadata(owner: $o, name: $n, number: 1, input: $input) { number } }`,
    { o: alice.username, n: 'iris3', input: { labels: CLASSES, features: ['a', 'b', 'c'].map((name) => ({ name, type: 'NUMBER', preprocessing: { kind: 'STANDARDIZE', mean: 4.5, std: 2.9 } })) } },
    alice.token,
  );
  expect(set.errors).toBeUndefined();
  const json = JSON.parse(new TextDecoder().decode(files.get('model.json')!));
  const weights = files.get('weights.bin')!;
  const model = await tf.loadLayersModel(
    tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0].weights, weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength) as ArrayBuffer }),
  );
  return { benchmarkId: created.data.createBenchmark.id, model };
}
