/**
 * A visitor without an account browses public models and datasets through GraphQL and REST, as
 * on Hugging Face or Kaggle: the catalog and market, a model's versions, card and files, a
 * dataset's rows, profile, ANOVA and CSV export. Private things stay NOT_FOUND (the same answer a
 * signed-in stranger gets); writing and anything about "me" needs an account (UNAUTHENTICATED).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildModel, createModel, uploadFiles } from './catalog-support.js';
import { createDataset, upload } from './support/datasets.js';
import { startTestHub, type TestHub } from './support/hub.js';
import { codeOf, signUp, type SignedUp } from './support/users.js';

const CSV = ['species,petal,sepal', 'a,1.0,5.1', 'a,1.2,4.9', 'a,0.9,5.0', 'b,3.1,6.2', 'b,3.4,6.0', 'b,2.9,6.1', 'c,5.0,7.0', 'c,5.3,6.8', 'c,5.1,7.1'].join('\n');

const MODEL = `query($o: String!, $n: String!) { model(owner: $o, name: $n) {
  name visibility stars viewerHasStarred viewerPermission latestVersion { number card }
  versions { number status card files { path size } signature { inputs { name shape } } lineage { declared } trainingCurve { epoch } }
} }`;
const MODEL_VERSION = `query($o: String!, $n: String!, $v: Int) { modelVersion(owner: $o, name: $n, number: $v) { number card files { path } } }`;
const MODELS = `query($s: String) { models(first: 50, search: $s) { totalCount edges { node { owner name } } } }`;
const DATASET = `query($o: String!, $n: String!) { dataset(owner: $o, name: $n) { name visibility stars viewerHasStarred viewerPermission versions { number rowCount } } }`;
const DATASETS = `query($s: String) { datasets(first: 50, search: $s) { totalCount edges { node { owner name } } } }`;
const VERSION = `query($o: String!, $n: String!) { datasetVersion(owner: $o, name: $n, number: 1) {
  number rowCount columns { name type } profile
  rows(first: 5, orderBy: "petal", direction: DESC) { columns rows totalCount }
  anova(groupBy: "species")
} }`;

describe('Public browsing without an account', () => {
  let hub: TestHub;
  let owner: SignedUp;
  let stranger: SignedUp;
  const anonymous = undefined;

  beforeAll(async () => {
    hub = await startTestHub();
    owner = await signUp(hub);
    stranger = await signUp(hub);
    const { files } = await buildModel();
    for (const [name, visibility] of [
      ['open-iris', 'PUBLIC'],
      ['hidden-iris', 'UNLISTED'],
      ['secret-iris', 'PRIVATE'],
    ] as const) {
      await createModel(hub, owner.token, { name, visibility, task: 'classification', license: 'MIT', tags: ['flowers'], description: `Petal classifier ${name}` });
      expect((await uploadFiles(hub, owner.token, owner.username, name, files)).status).toBe(201);
      const card = await hub.graphql(`mutation($o: String!, $n: String!) { setModelCard(owner: $o, name: $n, number: 1, card: "# Iris\\nIt sorts petals.") { id } }`, { o: owner.username, n: name }, owner.token);
      expect(card.errors).toBeUndefined();
      const published = await hub.graphql(`mutation($o: String!, $n: String!) { publishModelVersion(owner: $o, name: $n, number: 1) { status } }`, { o: owner.username, n: name }, owner.token);
      expect(published.errors).toBeUndefined();

      await createDataset(hub, owner.token, { name, visibility, description: `Petal measurements ${name}`, tags: ['flowers'] });
      expect((await upload(hub, owner.token, owner.username, name, CSV)).status).toBe(201);
    }
  }, 120_000);
  afterAll(() => hub?.close());

  it('answers a public model, its versions, card, files and signature', async () => {
    const res = await hub.graphql(MODEL, { o: owner.username, n: 'open-iris' }, anonymous);
    expect(res.errors).toBeUndefined();
    const model = res.data.model;
    expect(model).toMatchObject({ name: 'open-iris', visibility: 'PUBLIC', stars: 0, viewerHasStarred: false, viewerPermission: 'READ' });
    expect(model.latestVersion).toEqual({ number: 1, card: '# Iris\nIt sorts petals.' });
    expect(model.versions[0].files.map((f: any) => f.path).sort()).toEqual(['group1-shard1of1.bin', 'model.json']);
    expect(model.versions[0].signature.inputs[0].shape).toEqual([null, 3]);
    const version = await hub.graphql(MODEL_VERSION, { o: owner.username, n: 'open-iris', v: 1 }, anonymous);
    expect(version.data.modelVersion).toMatchObject({ number: 1, card: '# Iris\nIt sorts petals.' });
  });

  it('searches the catalog and the market: public items only, as listed to a signed-in stranger', async () => {
    const models = await hub.graphql(MODELS, { s: 'petal classifier' }, anonymous);
    expect(models.data.models.edges.map((e: any) => e.node.name)).toEqual(['open-iris']);
    const strangers = await hub.graphql(MODELS, { s: 'petal classifier' }, stranger.token);
    expect(strangers.data.models.edges.map((e: any) => e.node.name)).toEqual(['open-iris']);
    const datasets = await hub.graphql(DATASETS, { s: 'petal measurements' }, anonymous);
    expect(datasets.data.datasets.edges.map((e: any) => e.node.name)).toEqual(['open-iris']);
    expect((await hub.graphql(DATASETS, {}, anonymous)).data.datasets.edges.every((e: any) => e.node.name !== 'secret-iris')).toBe(true);
    const ownersView = await hub.graphql(DATASETS, { s: 'petal measurements' }, owner.token);
    expect(ownersView.data.datasets.totalCount).toBe(3);
  });

  it('answers a public dataset: its versions, rows, profile and ANOVA', async () => {
    const dataset = await hub.graphql(DATASET, { o: owner.username, n: 'open-iris' }, anonymous);
    expect(dataset.errors).toBeUndefined();
    expect(dataset.data.dataset).toEqual({ name: 'open-iris', visibility: 'PUBLIC', stars: 0, viewerHasStarred: false, viewerPermission: 'READ', versions: [{ number: 1, rowCount: 9 }] });
    const res = await hub.graphql(VERSION, { o: owner.username, n: 'open-iris' }, anonymous);
    expect(res.errors).toBeUndefined();
    const version = res.data.datasetVersion;
    expect(version.rows).toEqual({ columns: ['species', 'petal', 'sepal'], totalCount: 9, rows: [['c', 5.3, 6.8], ['c', 5.1, 7.1], ['c', 5, 7], ['b', 3.4, 6], ['b', 3.1, 6.2]] });
    expect(version.profile.rowCount).toBe(9);
    const petal = version.anova.find((row: any) => row.column === 'petal');
    expect(petal).toMatchObject({ groups: 3, n: 9, dfBetween: 2, dfWithin: 6 });
    expect(petal.pValue).toBeLessThan(0.001);
  });

  it('reads an unlisted item by its name, without listing it', async () => {
    expect((await hub.graphql(DATASET, { o: owner.username, n: 'hidden-iris' }, anonymous)).data.dataset.name).toBe('hidden-iris');
    expect((await hub.graphql(MODEL, { o: owner.username, n: 'hidden-iris' }, anonymous)).data.model.name).toBe('hidden-iris');
  });

  it('answers NOT_FOUND for private items, exactly as for a signed-in stranger and for nothing at all', async () => {
    const asks: [string, Record<string, unknown>][] = [
      [MODEL, { o: owner.username, n: 'secret-iris' }],
      [MODEL_VERSION, { o: owner.username, n: 'secret-iris', v: 1 }],
      [DATASET, { o: owner.username, n: 'secret-iris' }],
      [VERSION, { o: owner.username, n: 'secret-iris' }],
    ];
    for (const [query, variables] of asks) {
      const asAnonymous = await hub.graphql(query, variables, anonymous);
      const asStranger = await hub.graphql(query, variables, stranger.token);
      const asNothing = await hub.graphql(query, { ...variables, n: 'no-such-iris' }, anonymous);
      expect(codeOf(asAnonymous)).toBe('NOT_FOUND');
      expect(asAnonymous.data).toBeNull();
      expect(asAnonymous.errors![0].message).toBe(asStranger.errors![0].message);
      expect(asAnonymous.errors![0].message).toBe(asNothing.errors![0].message);
    }
  });

  it('serves the CSV export and model files of public items without a token, and 404 for private ones', async () => {
    const csv = await fetch(`${hub.url}/api/datasets/${owner.username}/open-iris/versions/1/export.csv`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect((await csv.text()).trim().split('\n')).toHaveLength(10);
    const secretCsv = await fetch(`${hub.url}/api/datasets/${owner.username}/secret-iris/versions/1/export.csv`);
    expect(secretCsv.status).toBe(404);
    expect((await secretCsv.json()).error.code).toBe('NOT_FOUND');
    const strangersCsv = await fetch(`${hub.url}/api/datasets/${owner.username}/secret-iris/versions/1/export.csv`, { headers: { authorization: `Bearer ${stranger.token}` } });
    expect(strangersCsv.status).toBe(404);

    const modelJson = await fetch(`${hub.url}/api/models/${owner.username}/open-iris/versions/1/model.json`);
    expect(modelJson.status).toBe(200);
    expect((await modelJson.json()).format).toBe('layers-model');
    expect((await fetch(`${hub.url}/api/models/${owner.username}/open-iris/versions/1/group1-shard1of1.bin`)).status).toBe(200);
    expect((await fetch(`${hub.url}/api/models/${owner.username}/secret-iris/versions/1/model.json`)).status).toBe(404);
    expect((await fetch(`${hub.url}/api/models/${owner.username}/secret-iris/versions/1/group1-shard1of1.bin`)).status).toBe(404);
  });

  it('keeps collaborators and access requests of a public item from visitors, as from strangers', async () => {
    await hub.graphql(`mutation($o: String!, $n: String!, $u: String!) { setDatasetCollaborator(owner: $o, name: $n, username: $u, role: WRITE) }`, { o: owner.username, n: 'open-iris', u: stranger.username }, owner.token);
    for (const [field, query] of [
      ['dataset', `query($o: String!, $n: String!) { dataset(owner: $o, name: $n) { name collaborators { user { username } } } }`],
      ['dataset', `query($o: String!, $n: String!) { dataset(owner: $o, name: $n) { name accessRequests { id } } }`],
      ['model', `query($o: String!, $n: String!) { model(owner: $o, name: $n) { name collaborators { user { username } } } }`],
      ['model', `query($o: String!, $n: String!) { model(owner: $o, name: $n) { name accessRequests { id } } }`],
    ] as const) {
      const res = await hub.graphql(query, { o: owner.username, n: 'open-iris' }, anonymous);
      expect(codeOf(res)).toBe('UNAUTHENTICATED');
      // The non-null field takes its parent with it: no partial list leaks.
      expect(res.data?.[field] ?? null).toBeNull();
      expect(JSON.stringify(res)).not.toContain(stranger.username);
    }
  });

  it('refuses every write and everything about "me" without an account', async () => {
    const o = owner.username;
    const writes = [
      `mutation { createDataset(input: { name: "mine" }) { id } }`,
      `mutation { createModel(input: { name: "mine" }) { id } }`,
      `mutation { starDataset(owner: "${o}", name: "open-iris") { stars } }`,
      `mutation { starModel(owner: "${o}", name: "open-iris") { stars } }`,
      `mutation { requestDatasetAccess(owner: "${o}", name: "secret-iris") }`,
      `mutation { requestModelAccess(owner: "${o}", name: "secret-iris") }`,
      `mutation { setDatasetCollaborator(owner: "${o}", name: "open-iris", username: "${o}", role: READ) }`,
      `mutation { setModelCollaborator(owner: "${o}", name: "open-iris", username: "${o}", role: READ) }`,
      `mutation { updateDataset(owner: "${o}", name: "open-iris", input: { description: "vandalised" }) { id } }`,
      `mutation { forkModel(owner: "${o}", name: "open-iris") { id } }`,
      `mutation { runSql(query: "SELECT 1") { totalCount } }`,
      `mutation { addOrganizationMember(input: { organization: "acme", username: "${o}" }) { role } }`,
      `query { me { id } }`,
      `query { myOrganizations(first: 5) { totalCount } }`,
      `query { notifications(first: 5) { totalCount } }`,
      `query { subscriptionTo(kind: MODEL, owner: "${o}", name: "open-iris") { id } }`,
      `query { jobs(first: 5) { totalCount } }`,
    ];
    for (const query of writes) {
      const res = await hub.graphql(query, {}, anonymous);
      expect({ query, code: codeOf(res) }).toEqual({ query, code: 'UNAUTHENTICATED' });
    }
    expect((await hub.graphql(DATASET, { o, n: 'open-iris' }, anonymous)).data.dataset.stars).toBe(0);
    const upload = await fetch(`${hub.url}/api/datasets/${o}/open-iris/versions`, { method: 'POST', headers: { 'content-type': 'text/csv' }, body: 'a\n1\n' });
    expect(upload.status).toBe(401);
  });

  it('does not treat a refused token as a visitor, and still holds an API key to its scopes', async () => {
    const refused = await hub.graphql(DATASET, { o: owner.username, n: 'open-iris' }, 'not-a-real-token');
    expect(codeOf(refused)).toBe('UNAUTHENTICATED');
    const key = await hub.graphql(`mutation { createApiKey(input: { name: "models only", scopes: [MODELS_READ] }) { secret } }`, {}, stranger.token);
    const secret = key.data.createApiKey.secret;
    expect(codeOf(await hub.graphql(DATASET, { o: owner.username, n: 'open-iris' }, secret))).toBe('FORBIDDEN');
    expect((await hub.graphql(MODEL, { o: owner.username, n: 'open-iris' }, secret)).data.model.name).toBe('open-iris');
  });
});
