/**
 * Model uploads under load: the files stream to disk (the artifact store's temporary files, hashed
 * while written) and TF.js checks run one at a time (AIMASS_MODEL_CHECK_CONCURRENCY=1), so the
 * hub's memory does not grow with the number of uploads in flight. A cut-off upload leaves no
 * temporary file.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chunkedUpload, createModel, tfReady, uploadFiles } from './catalog-support.js';
import { startTestHub, type TestHub } from './support/hub.js';
import { MB, peakGrowth } from './support/memory.js';
import { signUp, uniqueName, type SignedUp } from './support/users.js';

// Enough uploads that their bodies (UPLOADS × 4 MB) stand well above the garbage V8 leaves
// uncollected for a while (up to 93 MB seen on a loaded machine with 24), which does not grow with them.
const UPLOADS = 32;

/** A 1000 → 1000 dense model: about 4 MB of float32 weights in one shard. */
async function fourMegabyteModel(): Promise<Map<string, Uint8Array>> {
  await tfReady();
  const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [1000], units: 1000 })] });
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(tf.io.withSaveHandler(async (artifacts) => ((saved = artifacts), { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } })));
  model.dispose();
  const weights = new Uint8Array(saved!.weightData as ArrayBuffer);
  const manifest = { format: 'layers-model', modelTopology: saved!.modelTopology, weightsManifest: [{ paths: ['weights.bin'], weights: saved!.weightSpecs }] };
  return new Map([
    ['model.json', new TextEncoder().encode(JSON.stringify(manifest))],
    ['weights.bin', weights],
  ]);
}

/** Temporary files of the artifact store (uploads being written). */
const tempFiles = (hub: TestHub) => readdirSync(path.join(hub.dataDir, 'artifacts', 'tmp'), { withFileTypes: true }).filter((e) => e.isFile()).map((e) => e.name);

async function until(check: () => boolean, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('Model uploads keep memory bounded', () => {
  let hub: TestHub;
  let alice: SignedUp;
  let files: Map<string, Uint8Array>;
  beforeAll(async () => {
    hub = await startTestHub({ env: { AIMASS_MODEL_CHECK_CONCURRENCY: '1' } });
    [alice, files] = await Promise.all([signUp(hub), fourMegabyteModel()]);
  });
  afterAll(() => hub?.close());

  it(`checks ${UPLOADS} concurrent uploads of a 4 MB model, all succeed, with the hub's peak memory growing by less than uploads × size`, async () => {
    const size = [...files.values()].reduce((sum, f) => sum + f.length, 0);
    expect(size).toBeGreaterThan(3.9 * 1000 * 1000);
    const names = Array.from({ length: UPLOADS }, () => uniqueName('mem'));
    for (const name of names) await createModel(hub, alice.token, { name });
    // The first check loads TF.js into the hub: not what is measured.
    const warm = await uploadFiles(hub, alice.token, alice.username, names[0], files);
    expect(warm.status, JSON.stringify(warm.body)).toBe(201);

    const { result, growth } = await peakGrowth(hub.process.pid!, () => Promise.all(names.map((name) => uploadFiles(hub, alice.token, alice.username, name, files))));
    for (const res of result) expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(result.map((r) => r.body.signature.inputs[0].shape)).toEqual(Array(UPLOADS).fill([null, 1000]));
    // Buffered bodies alone would be uploads × size (128 MB), checked all at once about three times
    // that (weights, their decoded copy, the tensors). One check at a time holds one model's worth;
    // the rest of the growth is garbage V8 has not collected yet (it lets external buffers reach
    // tens of MB before a full collection), which does not grow with the number of uploads.
    expect(growth, `peak grew by ${(growth / MB).toFixed(1)} MB`).toBeLessThan(UPLOADS * size);
    expect(tempFiles(hub)).toEqual([]);
  });

  it('leaves no temporary file when the client goes away mid-upload', async () => {
    const name = uniqueName('cut');
    await createModel(hub, alice.token, { name });
    const sent = await chunkedUpload(hub, alice.token, alice.username, name, 'weights.bin', Buffer.alloc(2 * MB, 7), { abortAfter: 20 });
    expect(sent).toBe('aborted');
    await until(() => tempFiles(hub).length === 0, 'the temporary file to go');
    const versions = await hub.sql(`SELECT v.number FROM model_versions v JOIN models m ON m.id = v.model_id WHERE m.name = $1`, [name]);
    expect(versions).toEqual([]);
  });
});
