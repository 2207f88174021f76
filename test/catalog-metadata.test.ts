/**
 * What a version says about itself: features with their preprocessing, labels, metrics and
 * lineage — stated for a draft, frozen once published, and lineage shown to each reader only as
 * far as they may read (a private dataset behind a public model is null to strangers).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildModel, createModel, uploadFiles } from './catalog-support.js';
import { createDataset, upload } from './support/datasets.js';
import { startTestHub, type TestHub } from './support/hub.js';
import { codeOf, signUp, type SignedUp } from './support/users.js';

const SET = `mutation($o: String!, $n: String!, $v: Int!, $input: ModelVersionMetadataInput!) {
  setModelVersionMetadata(owner: $o, name: $n, number: $v, input: $input) { number metrics } }`;
const READ = `query($o: String!, $n: String!, $v: Int) { modelVersion(owner: $o, name: $n, number: $v) {
  metrics
  signature { inputs { shape } features { name type preprocessing { kind mean std min max vocabulary } } labels }
  lineage { dataset { owner name number } parent { owner name number } hyperparameters declared sql trainingJobId } } }`;

describe('Model version metadata', () => {
  let hub: TestHub;
  let alice: SignedUp;
  let bob: SignedUp;
  const features = [
    { name: 'age', type: 'NUMBER', preprocessing: { kind: 'STANDARDIZE', mean: 40, std: 12.5 } },
    { name: 'colour', type: 'CATEGORY', preprocessing: { kind: 'ONE_HOT', vocabulary: ['red', 'green'] } },
  ];
  beforeAll(async () => {
    hub = await startTestHub();
    [alice, bob] = [await signUp(hub), await signUp(hub)];
    const { files } = await buildModel(); // input [null, 3], output [null, 2]
    for (const name of ['base', 'tuned']) {
      await createModel(hub, alice.token, { name, license: 'MIT' });
      expect((await uploadFiles(hub, alice.token, alice.username, name, files)).status).toBe(201);
    }
    await createDataset(hub, alice.token, { name: 'secret-data', visibility: 'PRIVATE' });
    expect((await upload(hub, alice.token, alice.username, 'secret-data', 'age,colour,label\n30,red,yes\n')).status).toBe(201);
  });
  afterAll(() => hub?.close());

  it('states features with preprocessing, labels, metrics and lineage on a draft, and reads them back', async () => {
    const input = {
      features,
      labels: ['no', 'yes'],
      metrics: { accuracy: 0.93, loss: 0.21 },
      lineage: { dataset: { owner: alice.username, name: 'secret-data', number: 1 }, parent: { owner: alice.username, name: 'base', number: 1 }, hyperparameters: { epochs: 10, learningRate: 0.001 } },
    };
    const set = await hub.graphql(SET, { o: alice.username, n: 'tuned', v: 1, input }, alice.token);
    expect(set.errors).toBeUndefined();
    const read = await hub.graphql(READ, { o: alice.username, n: 'tuned', v: 1 }, alice.token);
    const v = read.data.modelVersion;
    expect(v.metrics).toEqual({ accuracy: 0.93, loss: 0.21 });
    expect(v.signature.inputs[0].shape).toEqual([null, 3]);
    expect(v.signature.features).toEqual([
      { name: 'age', type: 'NUMBER', preprocessing: { kind: 'STANDARDIZE', mean: 40, std: 12.5, min: null, max: null, vocabulary: null } },
      { name: 'colour', type: 'CATEGORY', preprocessing: { kind: 'ONE_HOT', mean: null, std: null, min: null, max: null, vocabulary: ['red', 'green'] } },
    ]);
    expect(v.signature.labels).toEqual(['no', 'yes']);
    expect(v.lineage).toEqual({
      dataset: { owner: alice.username, name: 'secret-data', number: 1 },
      parent: { owner: alice.username, name: 'base', number: 1 },
      hyperparameters: { epochs: 10, learningRate: 0.001 },
      declared: true,
      sql: null,
      trainingJobId: null,
    });
    // Bob reads the public model, but the private dataset it names is not his to learn of.
    const asBob = await hub.graphql(READ, { o: alice.username, n: 'tuned', v: 1 }, bob.token);
    expect(asBob.data.modelVersion.lineage.dataset).toBeNull();
    expect(asBob.data.modelVersion.lineage.parent).toEqual({ owner: alice.username, name: 'base', number: 1 });
  });

  it('shows the training query and the private dataset it read only to readers of that dataset', async () => {
    // What training by SQL records for a version it makes: the dataset versions read and the statement.
    const sql = `CREATE MODEL ${alice.username}.tuned AS SELECT age, colour, label FROM ${alice.username}.secret-data`;
    await hub.sql(
      `UPDATE model_versions v SET lineage = v.lineage || jsonb_build_object('sql', $1::text, 'datasetVersionIds', jsonb_build_array(v.lineage->>'datasetVersionId'))
       FROM models m WHERE m.id = v.model_id AND m.name = 'tuned' AND v.number = 1`,
      [sql],
    );
    const LINEAGE = `query($o: String!, $n: String!, $v: Int) { modelVersion(owner: $o, name: $n, number: $v) { lineage { dataset { name } datasets { name } hiddenDatasets sql } } }`;
    const asAlice = (await hub.graphql(LINEAGE, { o: alice.username, n: 'tuned', v: 1 }, alice.token)).data.modelVersion.lineage;
    expect(asAlice).toEqual({ dataset: { name: 'secret-data' }, datasets: [{ name: 'secret-data' }], hiddenDatasets: 0, sql });

    // Bob learns that a dataset was used, not which, nor what was read of it.
    const asBob = (await hub.graphql(LINEAGE, { o: alice.username, n: 'tuned', v: 1 }, bob.token)).data.modelVersion.lineage;
    expect(asBob).toEqual({ dataset: null, datasets: [], hiddenDatasets: 1, sql: null });
    expect(JSON.stringify(asBob)).not.toContain('secret');

    // Once he may read the dataset, he sees both.
    const grant = await hub.graphql(`mutation($o: String!, $u: String!) { setDatasetCollaborator(owner: $o, name: "secret-data", username: $u, role: READ) }`, { o: alice.username, u: bob.username }, alice.token);
    expect(grant.errors).toBeUndefined();
    expect((await hub.graphql(LINEAGE, { o: alice.username, n: 'tuned', v: 1 }, bob.token)).data.modelVersion.lineage).toEqual(asAlice);
    await hub.graphql(`mutation($o: String!, $u: String!) { setDatasetCollaborator(owner: $o, name: "secret-data", username: $u, role: null) }`, { o: alice.username, u: bob.username }, alice.token);
  });

  it('refuses metadata that does not fit the model, naming each field', async () => {
    const bad = await hub.graphql(
      SET,
      {
        o: alice.username,
        n: 'base',
        v: 1,
        input: {
          features: [
            { name: 'a', type: 'TEXT', preprocessing: { kind: 'STANDARDIZE', mean: 1, std: 0 } },
            { name: 'a', type: 'NUMBER', preprocessing: { kind: 'MIN_MAX', min: 5, max: 1, vocabulary: ['x'] } },
          ],
          labels: ['only-one'],
          metrics: { accuracy: 'high', '': 1 },
        },
      },
      alice.token,
    );
    expect(codeOf(bad)).toBe('BAD_USER_INPUT');
    expect(bad.errors![0].extensions!.fields!.map((f) => f.field).sort()).toEqual([
      'features',
      'features.0.preprocessing.kind',
      'features.0.preprocessing.std',
      'features.1.name',
      'features.1.preprocessing.max',
      'features.1.preprocessing.vocabulary',
      'labels',
      'metrics.',
      'metrics.accuracy',
    ]);
    // Nothing was half-applied.
    expect((await hub.graphql(READ, { o: alice.username, n: 'base', v: 1 }, alice.token)).data.modelVersion).toMatchObject({ metrics: null, lineage: null, signature: { features: [], labels: [] } });

    // Lineage naming something the uploader cannot read is NOT_FOUND, like everywhere.
    const hidden = await hub.graphql(SET, { o: bob.username, n: 'x', v: 1, input: {} }, bob.token);
    expect(codeOf(hidden)).toBe('NOT_FOUND');
    await createModel(hub, bob.token, { name: 'bobs' });
    expect((await uploadFiles(hub, bob.token, bob.username, 'bobs', (await buildModel()).files)).status).toBe(201);
    const foreign = await hub.graphql(SET, { o: bob.username, n: 'bobs', v: 1, input: { lineage: { dataset: { owner: alice.username, name: 'secret-data', number: 1 } } } }, bob.token);
    expect(codeOf(foreign)).toBe('NOT_FOUND');
    // Bob may not write Alice's model.
    expect(codeOf(await hub.graphql(SET, { o: alice.username, n: 'base', v: 1, input: { metrics: { a: 1 } } }, bob.token))).toBe('FORBIDDEN');
  });

  it('freezes metadata once the version is published', async () => {
    await hub.graphql(`mutation($o: String!) { setModelCard(owner: $o, name: "tuned", number: 1, card: "# Tuned") { number } }`, { o: alice.username }, alice.token);
    const published = await hub.graphql(`mutation($o: String!) { publishModelVersion(owner: $o, name: "tuned", number: 1) { status } }`, { o: alice.username }, alice.token);
    expect(published.data.publishModelVersion.status).toBe('PUBLISHED');
    expect(codeOf(await hub.graphql(SET, { o: alice.username, n: 'tuned', v: 1, input: { metrics: { accuracy: 1 } } }, alice.token))).toBe('CONFLICT');
  });
});
