/** Publishing model versions: draft → published → deprecated, with the checks and events it promises. */
import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { buildModel, createModel, uploadFiles } from './catalog-support.js';
import { waitFor } from './support/compute.js';
import { listeners } from './support/live-subscriptions.js';
import { BACKENDS, startTestHub, type TestHub } from './support/hub.js';
import { codeOf, signUp, type SignedUp } from './support/users.js';

const FIELDS = `number status publishedAt deprecationMessage card`;
const PUBLISH = `mutation($o: String!, $n: String!, $v: Int!) { publishModelVersion(owner: $o, name: $n, number: $v) { ${FIELDS} } }`;
const CARD = `mutation($o: String!, $n: String!, $v: Int!, $card: String!) { setModelCard(owner: $o, name: $n, number: $v, card: $card) { ${FIELDS} } }`;
const DEPRECATE = `mutation($o: String!, $n: String!, $v: Int!, $message: String!) { deprecateModelVersion(owner: $o, name: $n, number: $v, message: $message) { ${FIELDS} } }`;
const UNPUBLISH = `mutation($o: String!, $n: String!, $v: Int!) { unpublishModelVersion(owner: $o, name: $n, number: $v) { ${FIELDS} } }`;

describe.each(BACKENDS)('Publishing models on %s', (backend) => {
  let hub: TestHub;
  let owner: SignedUp;
  beforeAll(async () => {
    hub = await startTestHub({ backend });
    owner = await signUp(hub);
    const { files } = await buildModel();
    for (const [name, visibility] of [['classifier', 'PUBLIC'], ['hidden', 'PRIVATE']] as const) {
      await createModel(hub, owner.token, { name, visibility });
      expect((await uploadFiles(hub, owner.token, owner.username, name, files)).status).toBe(201);
    }
  });
  afterAll(() => hub?.close());

  it('publishes a draft only with a model card and a license, and tells subscribers', async () => {
    const v = { o: owner.username, n: 'classifier', v: 1 };
    const refused = await hub.graphql(PUBLISH, v, owner.token);
    expect(codeOf(refused)).toBe('BAD_USER_INPUT');
    expect(refused.errors![0].extensions!.fields!.map((f) => f.field).sort()).toEqual(['card', 'license']);

    const client = createClient({ url: `${hub.url.replace('http', 'ws')}/graphql`, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${owner.token}` }, lazy: true });
    const events: any[] = [];
    const modelEvents = await listeners(hub, 'MODEL_EVENT');
    const dispose = client.subscribe(
      { query: `subscription($o: String!, $n: String!) { modelEvents(owner: $o, name: $n) { kind version message } }`, variables: { o: owner.username, n: 'classifier' } },
      { next: ({ data }) => events.push(data!.modelEvents), error: () => undefined, complete: () => undefined },
    );
    await modelEvents.listening();

    expect((await hub.graphql(CARD, { ...v, card: '# Classifier\nSorts three features into two classes.' }, owner.token)).data.setModelCard.card).toContain('Classifier');
    await hub.graphql(`mutation($o: String!, $n: String!) { updateModel(owner: $o, name: $n, input: { license: "MIT" }) { license } }`, { o: owner.username, n: 'classifier' }, owner.token);
    const published = (await hub.graphql(PUBLISH, v, owner.token)).data.publishModelVersion;
    expect(published).toMatchObject({ status: 'PUBLISHED', publishedAt: expect.any(String) });
    expect(codeOf(await hub.graphql(PUBLISH, v, owner.token))).toBe('CONFLICT');
    expect(codeOf(await hub.graphql(CARD, { ...v, card: 'rewritten' }, owner.token))).toBe('CONFLICT'); // a published card is fixed

    const deprecated = (await hub.graphql(DEPRECATE, { ...v, message: 'Use version 2: better accuracy' }, owner.token)).data.deprecateModelVersion;
    expect(deprecated).toMatchObject({ status: 'DEPRECATED', deprecationMessage: 'Use version 2: better accuracy' });
    expect((await hub.graphql(UNPUBLISH, v, owner.token)).data.unpublishModelVersion).toMatchObject({ status: 'DRAFT', publishedAt: null, deprecationMessage: null });

    await waitFor('three events', async () => events.length >= 3, 5000);
    dispose();
    await client.dispose();
    expect(events).toEqual([
      { kind: 'VERSION_PUBLISHED', version: 1, message: `Version 1 of ${owner.username}/classifier was published` },
      { kind: 'VERSION_DEPRECATED', version: 1, message: 'Use version 2: better accuracy' },
      { kind: 'VERSION_UNPUBLISHED', version: 1, message: `Version 1 of ${owner.username}/classifier was unpublished` },
    ]);
  });

  it('lets only writers publish: FORBIDDEN on a public model, NOT_FOUND on a private one', async () => {
    const stranger = await signUp(hub);
    expect(codeOf(await hub.graphql(PUBLISH, { o: owner.username, n: 'classifier', v: 1 }, stranger.token))).toBe('FORBIDDEN');
    expect(codeOf(await hub.graphql(PUBLISH, { o: owner.username, n: 'hidden', v: 1 }, stranger.token))).toBe('NOT_FOUND');
    const client = createClient({ url: `${hub.url.replace('http', 'ws')}/graphql`, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${stranger.token}` }, lazy: true });
    const outcome = await new Promise<unknown>((resolve) => {
      client.subscribe(
        { query: `subscription { modelEvents(owner: "${owner.username}", name: "hidden") { kind } }` },
        { next: (value) => resolve(value), error: (error) => resolve(error), complete: () => resolve('complete') },
      );
    });
    await client.dispose();
    expect(JSON.stringify(outcome)).toContain('NOT_FOUND');
  });
});
