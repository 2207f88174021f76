/**
 * Bringing your own TF.js model, against PostgreSQL and the embedded PostgreSQL server: multipart upload checked by
 * loading it with TF.js, refusals that leave no version and no blob behind, the byte limit, and
 * the round trip `tf.loadLayersModel(hub URL)` → same predictions as the original.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildModel, chunkedUpload, createModel, declaredUpload, tfReady, uploadFiles } from './catalog-support.js';
import { BACKENDS, startTestHub, type TestHub } from './support/hub.js';
import { counter } from './support/metrics.js';
import { codeOf, signUp, uniqueName, type SignedUp } from './support/users.js';

const MAX_BYTES = 200_000;

/** Blob files in the hub's artifact store (Linux: the data directory comes from the hub's environment). */
function blobCount(hub: TestHub): number | undefined {
  if (process.platform !== 'linux') return undefined;
  const env = readFileSync(`/proc/${hub.process.pid}/environ`, 'utf8').split('\0');
  const dataDir = env.find((e) => e.startsWith('AIMASS_DATA_DIR='))!.slice('AIMASS_DATA_DIR='.length);
  const root = path.join(dataDir, 'artifacts');
  let n = 0;
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) walk(path.join(dir, entry.name));
      else n++;
    }
  };
  try {
    walk(root);
  } catch {
    return 0;
  }
  return n;
}

describe.each(BACKENDS)('Model upload and download on %s', (backend) => {
  let hub: TestHub;
  let alice: SignedUp;
  let bob: SignedUp;

  beforeAll(async () => {
    hub = await startTestHub({ backend, env: { AIMASS_MODEL_MAX_BYTES: String(MAX_BYTES) } });
    [alice, bob] = await Promise.all([signUp(hub), signUp(hub), tfReady()]);
  });
  afterAll(() => hub?.close());

  const versions = async (name: string) =>
    (await hub.sql(`SELECT v.number FROM model_versions v JOIN models m ON m.id = v.model_id WHERE m.name = $1`, [name])).length;

  it('round trip: upload a model in two shards, load it from the hub with tf.loadLayersModel and get the same predictions', async () => {
    const name = uniqueName('rt');
    await createModel(hub, alice.token, { name, visibility: 'PRIVATE' });
    const { model, files } = await buildModel(2);
    const res = await uploadFiles(hub, alice.token, alice.username, name, files);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({ number: 1, status: 'draft' });
    expect(res.body.signature.inputs[0]).toMatchObject({ shape: [null, 3], dtype: 'float32' });
    expect(res.body.files.map((f: any) => f.path).sort()).toEqual(['group1-shard1of2.bin', 'group1-shard2of2.bin', 'model.json']);

    const input = tf.tensor2d([[0.1, -0.2, 0.3], [1, 2, 3], [-1, 0.5, 0]]);
    const expected = (model.predict(input) as tf.Tensor).arraySync();
    const authorization = `Bearer ${alice.token}`;
    for (const url of [`${hub.url}/api/models/${alice.username}/${name}/versions/1/model.json`, `${hub.url}/api/models/${alice.username}/${name}/aliases/production/model.json`]) {
      if (url.includes('aliases')) {
        const set = await hub.graphql(`mutation($o: String!, $n: String!) { setModelAlias(owner: $o, name: $n, alias: "production", number: 1) { number } }`, { o: alice.username, n: name }, alice.token);
        expect(set.errors).toBeUndefined();
      }
      const loaded = await tf.loadLayersModel(url, { requestInit: { headers: { authorization } } });
      const got = (loaded.predict(input) as tf.Tensor).arraySync() as number[][];
      got.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo((expected as number[][])[i][j], 6)));
      loaded.dispose();
    }
    const model2 = await hub.graphql(`query($o: String!, $n: String!) { model(owner: $o, name: $n) { downloads } }`, { o: alice.username, n: name }, alice.token);
    expect(model2.data.model.downloads).toBe(2);

    // Private: without a token or with a stranger's, every download URL is 404.
    for (const p of ['versions/1/model.json', 'versions/1/group1-shard1of2.bin', 'aliases/production/model.json']) {
      const url = `${hub.url}/api/models/${alice.username}/${name}/${p}`;
      expect((await fetch(url)).status).toBe(404);
      expect((await fetch(url, { headers: { authorization: `Bearer ${bob.token}` } })).status).toBe(404);
      const ok = await fetch(url, { headers: { authorization } });
      expect(ok.status).toBe(200);
      await ok.arrayBuffer();
    }
    // ... and so is uploading.
    expect((await uploadFiles(hub, bob.token, alice.username, name, files)).status).toBe(404);
    expect((await uploadFiles(hub, undefined, alice.username, name, files)).status).toBe(401);
    input.dispose();
  });

  it('serves public models without a token, the shards byte for byte, and 404 for unknown versions and paths', async () => {
    const name = uniqueName('pub');
    await createModel(hub, alice.token, { name });
    const { files } = await buildModel();
    expect((await uploadFiles(hub, alice.token, alice.username, name, files)).status).toBe(201);
    const base = `${hub.url}/api/models/${alice.username}/${name}`;
    const shard = await fetch(`${base}/versions/1/group1-shard1of1.bin`);
    expect(shard.status).toBe(200);
    expect(new Uint8Array(await shard.arrayBuffer())).toEqual(files.get('group1-shard1of1.bin'));
    expect((await fetch(`${base}/versions/2/model.json`)).status).toBe(404);
    expect((await fetch(`${base}/versions/1/nope.bin`)).status).toBe(404);
    expect((await fetch(`${base}/versions/1/..%2F..%2Fmodel.json`)).status).toBe(404);
    expect((await fetch(`${base}/aliases/none/model.json`)).status).toBe(404);
    expect((await fetch(`${base}/versions/x/model.json`)).status).toBe(400);
  });

  it('refuses file sets that do not load, naming the problem, and leaves no version and no blob behind', async () => {
    const name = uniqueName('bad');
    await createModel(hub, alice.token, { name });
    const { files } = await buildModel();
    const json = JSON.parse(new TextDecoder().decode(files.get('model.json')));
    const shard = files.get('group1-shard1of1.bin')!;
    const before = blobCount(hub);
    const cases: [string, Map<string, Uint8Array | string>, RegExp][] = [
      ['garbage model.json', new Map<string, Uint8Array | string>([['model.json', 'this is not json']]), /model\.json.*not valid JSON/],
      ['no model.json', new Map<string, Uint8Array | string>([['group1-shard1of1.bin', shard]]), /model\.json.*missing/],
      ['model.json without its shard', new Map<string, Uint8Array | string>([['model.json', files.get('model.json')!]]), /group1-shard1of1\.bin.*not uploaded/],
      ['a truncated shard', new Map<string, Uint8Array | string>([['model.json', files.get('model.json')!], ['group1-shard1of1.bin', shard.slice(0, shard.length - 4)]]), /bytes, but its weights need/],
      ['an extra file', new Map<string, Uint8Array | string>([...files, ['extra.bin', new Uint8Array(8)]]), /extra\.bin.*not named/],
      ['a shard path escaping the folder', new Map<string, Uint8Array | string>([['model.json', JSON.stringify({ ...json, weightsManifest: [{ ...json.weightsManifest[0], paths: ['../x.bin'] }] })]]), /bad shard path/],
      ['a topology TF.js cannot build', new Map<string, Uint8Array | string>([['model.json', JSON.stringify({ ...json, modelTopology: { class_name: 'NoSuchModel', config: {} } })], ['group1-shard1of1.bin', shard]]), /TF\.js could not load/],
      ['a graph model', new Map<string, Uint8Array | string>([['model.json', JSON.stringify({ ...json, format: 'graph-model' })], ['group1-shard1of1.bin', shard]]), /only "layers-model"/],
    ];
    for (const [what, set, message] of cases) {
      const res = await uploadFiles(hub, alice.token, alice.username, name, set);
      expect(res.status, what).toBe(400);
      expect(res.body.error.code, what).toBe('BAD_USER_INPUT');
      expect(res.body.error.message, what).toMatch(message);
    }
    const twice = new FormData();
    twice.append('files', new Blob([files.get('model.json')! as BlobPart]), 'model.json');
    twice.append('files', new Blob([files.get('model.json')! as BlobPart]), 'model.json');
    twice.append('files', new Blob([shard as BlobPart]), 'group1-shard1of1.bin');
    const dup = await fetch(`${hub.url}/api/models/${alice.username}/${name}/versions`, { method: 'POST', headers: { authorization: `Bearer ${alice.token}` }, body: twice });
    expect(dup.status).toBe(400);
    expect((await dup.json()).error.message).toMatch(/model\.json.*uploaded twice/);
    const notMultipart = await fetch(`${hub.url}/api/models/${alice.username}/${name}/versions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${alice.token}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(notMultipart.status).toBe(400);
    expect(await versions(name)).toBe(0);
    if (before !== undefined) expect(blobCount(hub)).toBe(before);
  });

  it('refuses uploads over AIMASS_MODEL_MAX_BYTES with 413, by Content-Length and while streaming', async () => {
    const name = uniqueName('big');
    await createModel(hub, alice.token, { name });
    const { files } = await buildModel();
    const before = blobCount(hub);
    // Refused on its Content-Length alone, before a byte of the body is read.
    const res = await declaredUpload(hub, alice.token, alice.username, name, MAX_BYTES + 1_100_000);
    expect(res.status).toBe(413);
    expect(res.body.error).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ field: 'body', message: 'too large' }] });
    // A whole oversized form: 413, or the connection closed while the client was still sending.
    const big = new Map<string, Uint8Array | string>([...files, ['huge.bin', new Uint8Array(MAX_BYTES + 1_100_000)]]);
    const whole = await uploadFiles(hub, alice.token, alice.username, name, big).catch(() => ({ status: 'reset' as const }));
    expect([413, 'reset']).toContain(whole.status);
    expect(await chunkedUpload(hub, alice.token, alice.username, name, 'huge.bin', Buffer.alloc(MAX_BYTES + 50_000))).toSatisfy((s) => s === 413 || s === 'reset');
    // A part the hub skips (no filename) is still counted against the limit.
    expect(await chunkedUpload(hub, alice.token, alice.username, name, '', Buffer.alloc(MAX_BYTES + 1_200_000))).toSatisfy((s) => s === 413 || s === 'reset');
    expect(await versions(name)).toBe(0);
    if (before !== undefined) expect(blobCount(hub)).toBe(before);
    // The hub still serves uploads.
    expect((await uploadFiles(hub, alice.token, alice.username, name, files)).status).toBe(201);
  });

  it('leaves no version and no file behind when the client goes away mid-upload', async () => {
    const name = uniqueName('cut');
    await createModel(hub, alice.token, { name });
    const before = blobCount(hub);
    const uploads = await counter(hub, 'aimass_uploads_total', { kind: 'model' });
    expect(await chunkedUpload(hub, alice.token, alice.username, name, 'model.json', Buffer.alloc(100_000, 32), { abortAfter: 3 })).toBe('aborted');
    await uploads.grown(); // the hub is done with it: no version made, its files removed
    expect(await versions(name)).toBe(0);
    if (before !== undefined) expect(blobCount(hub)).toBe(before);
    const { files } = await buildModel();
    expect((await uploadFiles(hub, alice.token, alice.username, name, files)).status).toBe(201);
  });

  it('needs models:write on an API key to upload, models:read to download', async () => {
    const name = uniqueName('key');
    await createModel(hub, alice.token, { name, visibility: 'PRIVATE' });
    const key = async (scopes: string[]) =>
      (await hub.graphql(`mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret } }`, { input: { name: uniqueName('k'), scopes } }, alice.token)).data.createApiKey.secret as string;
    const [readKey, writeKey] = await Promise.all([key(['MODELS_READ']), key(['MODELS_WRITE'])]);
    const { files } = await buildModel();
    const refused = await uploadFiles(hub, readKey, alice.username, name, files);
    expect(refused.status).toBe(403);
    expect((await uploadFiles(hub, writeKey, alice.username, name, files)).status).toBe(201);
    const url = `${hub.url}/api/models/${alice.username}/${name}/versions/1/model.json`;
    expect((await fetch(url, { headers: { authorization: `Bearer ${readKey}` } })).status).toBe(200);
    expect((await fetch(url, { headers: { authorization: `Bearer ${writeKey}` } })).status).toBe(403);
    expect((await fetch(url, { headers: { authorization: 'Bearer amk_nonsense' } })).status).toBe(401);
    expect(codeOf(await hub.graphql(`{ models { totalCount } }`, {}, writeKey))).toBe('FORBIDDEN');
  });
});
