/** The `aimass` command-line client against a real hub. */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildModel } from './catalog-support.js';
import { createDataset } from './support/datasets.js';
import { startTestHub, type TestHub } from './support/hub.js';
import { cli } from './support/cli.js';
import { signUp, type SignedUp } from './support/users.js';

// One hub for every command: each test uses its own names.
let hub: TestHub;
let user: SignedUp;
let dir: string;
beforeAll(async () => {
  hub = await startTestHub();
  user = await signUp(hub);
  dir = await mkdtemp(path.join(os.tmpdir(), 'aimass-cli-'));
});
afterAll(() => hub?.close());

describe('aimass datasets push', () => {
  it('uploads a file as a new version with a progress bar and prints the ingest report', async () => {
    await createDataset(hub, user.token, { name: 'pushed' });
    const file = path.join(dir, 'data.csv');
    await writeFile(file, ['a,b', ...Array.from({ length: 5000 }, (_, i) => `${i},x${i % 7}`)].join('\n'));
    const run = await cli(['datasets', 'push', file, '--name', `${user.username}/pushed`, '--hub', hub.url], { AIMASS_TOKEN: user.token });
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/\[#{30}\] 100%/);
    expect(run.stderr).toContain(`Version 1 of ${user.username}/pushed: 5000 rows, 2 columns`);
    const report = JSON.parse(run.stdout);
    expect(report).toMatchObject({ number: 1, rowCount: 5000, ingestReport: { format: 'csv' } });
    const version = await hub.graphql(`query($o: String!) { datasetVersion(owner: $o, name: "pushed") { number rowCount } }`, { o: user.username }, user.token);
    expect(version.data.datasetVersion).toEqual({ number: 1, rowCount: 5000 });
  });

  it('reports what the hub refused, and explains bad usage', async () => {
    const file = path.join(dir, 'x.csv');
    await writeFile(file, 'a\n1\n');
    const missing = await cli(['datasets', 'push', file, '--name', `${user.username}/nope`, '--hub', hub.url, '--token', user.token]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/The hub refused the upload \(404\): NOT_FOUND: Dataset not found/);
    const usage = await cli(['datasets', 'push', file]);
    expect(usage.code).toBe(64);
    expect(usage.stderr).toMatch(/--name OWNER\/NAME is required[\s\S]*--token \(or AIMASS_TOKEN\) is required[\s\S]*Usage: npm run aimass/);
  });
});

describe('aimass models push', () => {
  async function writeModel(into: string, shards: number) {
    const { model, files } = await buildModel(shards);
    await mkdir(into, { recursive: true });
    for (const [p, bytes] of files) await writeFile(path.join(into, p), bytes);
    return model;
  }

  it('creates the model, uploads model.json and its shards with a progress bar, sets the card and publishes; the hub serves it back', async () => {
    const modelDir = path.join(dir, 'two-shards');
    const original = await writeModel(modelDir, 2);
    await writeFile(path.join(dir, 'card.md'), '# Pushed\n\nA tiny classifier.');
    await hub.graphql(`mutation { createModel(input: { name: "pushed", license: "MIT" }) { id } }`, {}, user.token);
    const run = await cli(['models', 'push', modelDir, '--name', `${user.username}/pushed`, '--create', '--card', path.join(dir, 'card.md'), '--publish', '--hub', hub.url], {
      AIMASS_TOKEN: user.token,
    });
    expect(run.stderr).toMatch(/\[#{30}\] 100%/);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(`Version 1 of ${user.username}/pushed (draft): 3 files`);
    const printed = JSON.parse(run.stdout);
    expect(printed).toMatchObject({ number: 1, status: 'published' });
    expect(printed.files.map((f: { path: string }) => f.path).sort()).toEqual(['group1-shard1of2.bin', 'group1-shard2of2.bin', 'model.json']);
    const version = await hub.graphql(`query($o: String!) { modelVersion(owner: $o, name: "pushed", number: 1) { status card } }`, { o: user.username }, user.token);
    expect(version.data.modelVersion).toEqual({ status: 'PUBLISHED', card: '# Pushed\n\nA tiny classifier.' });
    const loaded = await tf.loadLayersModel(`${hub.url}/api/models/${user.username}/pushed/versions/1/model.json`);
    const x = tf.tensor2d([[0.1, -0.4, 2]]);
    expect(Array.from((loaded.predict(x) as tf.Tensor).dataSync())).toEqual(Array.from((original.predict(x) as tf.Tensor).dataSync()));
  });

  it('--create makes a missing model; a missing shard is reported before anything is sent; the hub’s refusals are printed', async () => {
    const modelDir = path.join(dir, 'fresh');
    await writeModel(modelDir, 1);
    const created = await cli(['models', 'push', modelDir, '--name', `${user.username}/fresh`, '--create', '--hub', hub.url, '--token', user.token]);
    expect(created.code).toBe(0);
    expect(created.stderr).toContain(`Created the model ${user.username}/fresh`);
    expect(JSON.parse(created.stdout)).toMatchObject({ number: 1, status: 'draft' });

    const broken = path.join(dir, 'broken');
    await writeModel(broken, 2);
    await rm(path.join(broken, 'group1-shard2of2.bin'));
    const missing = await cli(['models', 'push', broken, '--name', `${user.username}/fresh`, '--hub', hub.url, '--token', user.token]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('model.json names group1-shard2of2.bin, which is not in');
    const versions = await hub.graphql(`query($o: String!) { model(owner: $o, name: "fresh") { versions { number } } }`, { o: user.username }, user.token);
    expect(versions.data.model.versions).toEqual([{ number: 1 }]);

    // A shard that does not match the manifest is refused by the hub, with the reason.
    await writeFile(path.join(broken, 'group1-shard2of2.bin'), Buffer.alloc(3));
    const mismatch = await cli(['models', 'push', broken, '--name', `${user.username}/fresh`, '--hub', hub.url, '--token', user.token]);
    expect(mismatch.code).toBe(1);
    expect(mismatch.stderr).toMatch(/The hub refused the upload \(400\): BAD_USER_INPUT/);

    const noModel = await cli(['models', 'push', modelDir, '--name', `${user.username}/absent`, '--hub', hub.url, '--token', user.token]);
    expect(noModel.code).toBe(1);
    expect(noModel.stderr).toMatch(/\(404\): NOT_FOUND: Model not found/);
    const usage = await cli(['models', 'push']);
    expect(usage.code).toBe(64);
    expect(usage.stderr).toMatch(/DIR is required[\s\S]*--name OWNER\/NAME is required[\s\S]*models push DIR/);
  });
});
