/**
 * Per-owner storage quotas, against PostgreSQL and PGlite: dataset bytes (REST upload, GraphQL
 * inline version, CLI push) and model file bytes (REST upload, CLI push), refused before the body
 * when the declared length cannot fit, while streaming when the bytes cross it, and at commit when
 * concurrent uploads would together cross it — 413 / QUOTA_EXCEEDED naming the quota, used and
 * limit, nothing left behind. Usage shows in GraphQL to the owner only.
 */
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildModel, chunkedUpload, createModel, declaredUpload, tfReady, uploadFiles } from './catalog-support.js';
import { cli } from './support/cli.js';
import { waitFor } from './support/compute.js';
import { createDataset, streamUpload, upload } from './support/datasets.js';
import { BACKENDS, startTestHub, type TestHub } from './support/hub.js';
import { codeOf, signUp, uniqueName, type SignedUp } from './support/users.js';

const DATASET_QUOTA = 3000;
const ARTIFACT_QUOTA = 4000;

/** A CSV of exactly `bytes` bytes (ten rows, padded in a text column). */
function csvOf(bytes: number): string {
  const head = 'id,note\n';
  const rows = Array.from({ length: 10 }, (_, i) => `${i},`);
  const fixed = head.length + rows.reduce((n, r) => n + r.length + 1, 0);
  const pad = Math.floor((bytes - fixed) / rows.length);
  const extra = bytes - fixed - pad * rows.length;
  const text = head + rows.map((r, i) => `${r}${'x'.repeat(pad + (i === 0 ? extra : 0))}\n`).join('');
  expect(Buffer.byteLength(text)).toBe(bytes);
  return text;
}

const USAGE = `query($u: String!) { user(username: $u) { storageUsage { datasets { usedBytes limitBytes } artifacts { usedBytes limitBytes } } } }`;

describe.each(BACKENDS)('Storage quotas on %s', (backend) => {
  let hub: TestHub;
  let alice: SignedUp;
  let bob: SignedUp;
  let dir: string;
  beforeAll(async () => {
    hub = await startTestHub({ backend, env: { AIMASS_QUOTA_DATASET_BYTES: String(DATASET_QUOTA), AIMASS_QUOTA_ARTIFACT_BYTES: String(ARTIFACT_QUOTA) } });
    [alice, bob] = await Promise.all([signUp(hub), signUp(hub), tfReady()]);
    dir = await mkdtemp(path.join(os.tmpdir(), 'aimass-quota-'));
  });
  afterAll(async () => {
    await hub?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const usage = async (who: SignedUp, viewer = who) => (await hub.graphql(USAGE, { u: who.username }, viewer.token)).data.user.storageUsage;
  const datasetTables = async () => (await hub.sql(`SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = 'datasets'`))[0].n as number;
  const uploadTemp = async () => (await readdir(path.join(hub.dataDir, 'uploads')).catch(() => [] as string[])).length;
  const artifactTemp = async () => (await readdir(path.join(hub.dataDir, 'artifacts', 'tmp')).catch(() => [] as string[])).length;

  it('datasets: counts uploaded bytes per owner and refuses REST, GraphQL inline and CLI uploads past the quota, leaving nothing behind', async () => {
    const name = uniqueName('q');
    await createDataset(hub, alice.token, { name });
    expect(await usage(alice)).toEqual({ datasets: { usedBytes: 0, limitBytes: DATASET_QUOTA }, artifacts: { usedBytes: 0, limitBytes: ARTIFACT_QUOTA } });

    expect((await upload(hub, alice.token, alice.username, name, csvOf(1000))).status).toBe(201);
    const inline = `mutation($o: String!, $n: String!, $d: String!) { addDatasetVersion(owner: $o, name: $n, input: { data: $d }) { number } }`;
    const ok = await hub.graphql(inline, { o: alice.username, n: name, d: csvOf(1500) }, alice.token);
    expect(ok.errors).toBeUndefined();
    expect((await usage(alice)).datasets).toEqual({ usedBytes: 2500, limitBytes: DATASET_QUOTA });
    const tables = await datasetTables();

    // GraphQL: the declared size does not fit.
    const refused = await hub.graphql(inline, { o: alice.username, n: name, d: csvOf(600) }, alice.token);
    expect(codeOf(refused)).toBe('QUOTA_EXCEEDED');
    expect(refused.errors![0].extensions).toMatchObject({ quota: 'datasets', owner: alice.username, used: 2500, limit: DATASET_QUOTA, adding: 600 });
    expect(refused.errors![0].message).toMatch(/quota for datasets exceeded.*2500 of 3000 bytes/);

    // REST with a Content-Length: refused before the body, 413 with the same facts.
    const rest = await upload(hub, alice.token, alice.username, name, csvOf(600));
    expect(rest.status).toBe(413);
    expect(rest.body.error).toMatchObject({ code: 'QUOTA_EXCEEDED', quota: 'datasets', used: 2500, limit: DATASET_QUOTA, adding: 600 });

    // REST streamed without a length: stopped once the bytes cross the quota.
    const chunks = Array.from({ length: 20 }, () => Buffer.from(`1,${'y'.repeat(98)}\n`));
    chunks.unshift(Buffer.from('id,note\n'));
    expect(await streamUpload(hub, alice.token, `/api/datasets/${alice.username}/${name}/versions`, chunks)).toSatisfy((s) => s === 413 || s === 'reset');

    // The CLI says what the hub refused.
    const file = path.join(dir, 'more.csv');
    await writeFile(file, csvOf(800));
    const pushed = await cli(['datasets', 'push', file, '--name', `${alice.username}/${name}`, '--hub', hub.url, '--token', alice.token]);
    expect(pushed.code).toBe(1);
    expect(pushed.stderr).toMatch(/refused the upload \(413\): QUOTA_EXCEEDED: Storage quota for datasets exceeded/);

    const versions = await hub.graphql(`query($o: String!, $n: String!) { dataset(owner: $o, name: $n) { versions { number } } }`, { o: alice.username, n: name }, alice.token);
    expect(versions.data.dataset.versions.map((v: any) => v.number)).toEqual([2, 1]);
    expect(await datasetTables()).toBe(tables);
    expect(await uploadTemp()).toBe(0);
    expect((await usage(alice)).datasets.usedBytes).toBe(2500);

    // Each owner has a quota of their own, and sees only their own usage.
    const bobs = uniqueName('b');
    await createDataset(hub, bob.token, { name: bobs });
    expect((await upload(hub, bob.token, bob.username, bobs, csvOf(2000))).status).toBe(201);
    expect((await usage(bob)).datasets.usedBytes).toBe(2000);
    expect(await usage(alice, bob)).toBeNull();
    expect((await hub.graphql(USAGE, { u: alice.username })).data.user.storageUsage).toBeNull();
  });

  it('datasets: two concurrent uploads that each fit but not together — one is refused', async () => {
    const carol = await signUp(hub);
    const name = uniqueName('race');
    await createDataset(hub, carol.token, { name });
    const answers = await Promise.all([upload(hub, carol.token, carol.username, name, csvOf(2000)), upload(hub, carol.token, carol.username, name, csvOf(2000))]);
    expect(answers.map((a) => a.status).sort()).toEqual([201, 413]);
    expect((await usage(carol)).datasets.usedBytes).toBe(2000);
  });

  it('organizations: usage counts against the organization, visible to its members', async () => {
    const handle = uniqueName('org');
    const org = await hub.graphql(`mutation($h: String!) { createOrganization(input: { handle: $h }) { id } }`, { h: handle }, alice.token);
    expect(org.errors).toBeUndefined();
    const name = uniqueName('od');
    await createDataset(hub, alice.token, { name, owner: handle });
    expect((await upload(hub, alice.token, handle, name, csvOf(2900))).status).toBe(201);
    const q = `query($h: String!) { organization(handle: $h) { storageUsage { datasets { usedBytes limitBytes } } } }`;
    expect((await hub.graphql(q, { h: handle }, alice.token)).data.organization.storageUsage.datasets).toEqual({ usedBytes: 2900, limitBytes: DATASET_QUOTA });
    expect((await hub.graphql(q, { h: handle }, bob.token)).data.organization.storageUsage).toBeNull();
    const over = await upload(hub, alice.token, handle, name, csvOf(200));
    expect(over.status).toBe(413);
    expect(over.body.error).toMatchObject({ code: 'QUOTA_EXCEEDED', owner: handle, used: 2900 });
  });

  it('models: counts each distinct file once per owner, refuses by declared length, while streaming, and at commit; the CLI push too', async () => {
    const dave = await signUp(hub);
    const [a, b, c] = await Promise.all([buildModel(), buildModel(), buildModel()]);
    const sizeOf = (files: Map<string, Uint8Array>) => [...files.values()].reduce((n, f) => n + f.length, 0);
    const names = [uniqueName('m'), uniqueName('m'), uniqueName('m'), uniqueName('m')];
    for (const name of names) await createModel(hub, dave.token, { name });

    expect((await uploadFiles(hub, dave.token, dave.username, names[0], a.files)).status).toBe(201);
    expect((await usage(dave)).artifacts).toEqual({ usedBytes: sizeOf(a.files), limitBytes: ARTIFACT_QUOTA });
    // The same files again (another model of the same owner): stored once, counted once.
    expect((await uploadFiles(hub, dave.token, dave.username, names[1], a.files)).status).toBe(201);
    expect((await usage(dave)).artifacts.usedBytes).toBe(sizeOf(a.files));

    // Two different models at once: each fits the room left, both together do not.
    expect(sizeOf(a.files) + sizeOf(b.files) + sizeOf(c.files)).toBeGreaterThan(ARTIFACT_QUOTA);
    expect(sizeOf(a.files) + sizeOf(b.files)).toBeLessThanOrEqual(ARTIFACT_QUOTA);
    const both = await Promise.all([uploadFiles(hub, dave.token, dave.username, names[2], b.files), uploadFiles(hub, dave.token, dave.username, names[3], c.files)]);
    expect(both.map((r) => r.status).sort()).toEqual([201, 413]);
    const late = both.find((r) => r.status === 413)!;
    expect(late.body.error).toMatchObject({ code: 'QUOTA_EXCEEDED', quota: 'artifacts', owner: dave.username, limit: ARTIFACT_QUOTA });
    const used = (await usage(dave)).artifacts.usedBytes;
    expect(used).toBeLessThanOrEqual(ARTIFACT_QUOTA);
    const blobs = await hub.sql(`SELECT count(*)::int AS n FROM model_versions`);

    // Declared length over the room: refused before the body.
    const declared = await declaredUpload(hub, dave.token, dave.username, names[3], ARTIFACT_QUOTA + 2 * 1024 * 1024);
    expect(declared.status).toBe(413);
    expect((await fetch(`${hub.url}/readyz`)).status).toBe(200);
    expect(declared.body.error).toMatchObject({ code: 'QUOTA_EXCEEDED', used, limit: ARTIFACT_QUOTA });
    // Streamed without a length: stopped once the file bytes cross the room.
    expect(await chunkedUpload(hub, dave.token, dave.username, names[3], 'model.json', Buffer.alloc(ARTIFACT_QUOTA, 32))).toSatisfy((s) => s === 413 || s === 'reset');
    // ... and the hub lives on (a refusal of a part it had whole once ended it).
    expect((await fetch(`${hub.url}/readyz`)).status).toBe(200);

    // The CLI push of a model directory.
    const modelDir = path.join(dir, 'model');
    await mkdir(modelDir, { recursive: true });
    for (const [p, bytes] of c.files) await writeFile(path.join(modelDir, p), bytes);
    const pushed = await cli(['models', 'push', modelDir, '--name', `${dave.username}/${names[3]}`, '--hub', hub.url, '--token', dave.token]);
    expect(pushed.code).toBe(1);
    expect(pushed.stderr).toMatch(/\(413\): QUOTA_EXCEEDED: Storage quota for artifacts exceeded/);

    expect(await hub.sql(`SELECT count(*)::int AS n FROM model_versions`)).toEqual(blobs);
    expect((await usage(dave)).artifacts.usedBytes).toBe(used);
    // A refused upload's temporary file is removed as its stream closes, which can come a moment
    // after the 413 (the connection is cut mid-body): nothing may be left once it has.
    await waitFor('the refused uploads’ temporary files removed', async () => (await artifactTemp()) === 0, 30_000);
  });
});
