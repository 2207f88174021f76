/** Sharing datasets: collaborators with roles, and access requests the owner approves or denies. */
import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { waitFor } from './support/compute.js';
import { createDataset, upload } from './support/datasets.js';
import { BACKENDS, startTestHub, type TestHub } from './support/hub.js';
import { codeOf, signUp, type SignedUp } from './support/users.js';
import { listeners } from './support/live-subscriptions.js';

const READ = `query($o: String!, $n: String!) { dataset(owner: $o, name: $n) { name } }`;
const REQUEST = `mutation($o: String!, $n: String!, $m: String) { requestDatasetAccess(owner: $o, name: $n, message: $m) }`;
const PENDING = `query($o: String!, $n: String!) { dataset(owner: $o, name: $n) { accessRequests { id message requester { username } } collaborators { role user { username } } } }`;
const DECIDE = `mutation($id: ID!, $ok: Boolean!) { decideDatasetAccessRequest(id: $id, approve: $ok) }`;
const SET = `mutation($o: String!, $n: String!, $u: String!, $r: DatasetRole) { setDatasetCollaborator(owner: $o, name: $n, username: $u, role: $r) }`;

describe.each(BACKENDS)('Dataset sharing on %s', (backend) => {
  let hub: TestHub;
  let owner: SignedUp;
  beforeAll(async () => {
    hub = await startTestHub({ backend });
    owner = await signUp(hub);
    await createDataset(hub, owner.token, { name: 'vault', visibility: 'PRIVATE' });
    expect((await upload(hub, owner.token, owner.username, 'vault', 'a,b\n1,2\n')).status).toBe(201);
  });
  afterAll(() => hub?.close());

  it('answers an access request the same whether the dataset exists or not', async () => {
    const stranger = await signUp(hub);
    const real = await hub.graphql(REQUEST, { o: owner.username, n: 'vault', m: 'for my thesis' }, stranger.token);
    const fake = await hub.graphql(REQUEST, { o: owner.username, n: 'no-such-thing' }, stranger.token);
    expect(real).toEqual({ data: { requestDatasetAccess: true } });
    expect(fake).toEqual({ data: { requestDatasetAccess: true } });
    expect(codeOf(await hub.graphql(READ, { o: owner.username, n: 'vault' }, stranger.token))).toBe('NOT_FOUND');
  });

  it('lets the owner approve a request: the requester is told and can read and export', async () => {
    const requester = await signUp(hub);
    const client = createClient({ url: `${hub.url.replace('http', 'ws')}/graphql`, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${requester.token}` }, lazy: true });
    const events: any[] = [];
    const accountEvents = await listeners(hub, 'ACCOUNT_EVENT');
    const dispose = client.subscribe({ query: `subscription { accountEvents { kind message } }` }, { next: ({ data }) => events.push(data!.accountEvents), error: () => undefined, complete: () => undefined });
    await accountEvents.listening();

    await hub.graphql(REQUEST, { o: owner.username, n: 'vault', m: 'please' }, requester.token);
    await hub.graphql(REQUEST, { o: owner.username, n: 'vault', m: 'please again' }, requester.token); // one pending request each
    const pending = (await hub.graphql(PENDING, { o: owner.username, n: 'vault' }, owner.token)).data.dataset.accessRequests;
    const mine = pending.filter((r: any) => r.requester.username === requester.username);
    expect(mine).toEqual([{ id: expect.any(String), message: 'please', requester: { username: requester.username } }]);
    // Someone else cannot decide it (nor learn it exists).
    expect(codeOf(await hub.graphql(DECIDE, { id: mine[0].id, ok: true }, requester.token))).toBe('NOT_FOUND');

    expect((await hub.graphql(DECIDE, { id: mine[0].id, ok: true }, owner.token)).data.decideDatasetAccessRequest).toBe(true);
    expect(codeOf(await hub.graphql(DECIDE, { id: mine[0].id, ok: false }, owner.token))).toBe('CONFLICT');
    await waitFor('the approval event', async () => events.some((e) => e.kind === 'DATASET_ACCESS_APPROVED'), 5000);
    dispose();
    await client.dispose();

    expect((await hub.graphql(READ, { o: owner.username, n: 'vault' }, requester.token)).data.dataset.name).toBe('vault');
    const csv = await fetch(`${hub.url}/api/datasets/${owner.username}/vault/versions/1/export.csv`, { headers: { authorization: `Bearer ${requester.token}` } });
    expect(csv.status).toBe(200);
    // A reader cannot upload.
    expect((await upload(hub, requester.token, owner.username, 'vault', 'a,b\n3,4\n')).status).toBe(403);
    const collaborators = (await hub.graphql(PENDING, { o: owner.username, n: 'vault' }, owner.token)).data.dataset.collaborators;
    expect(collaborators).toContainEqual({ role: 'READ', user: { username: requester.username } });
  });

  it('keeps a denied requester out, and tells them', async () => {
    const requester = await signUp(hub);
    await hub.graphql(REQUEST, { o: owner.username, n: 'vault' }, requester.token);
    const pending = (await hub.graphql(PENDING, { o: owner.username, n: 'vault' }, owner.token)).data.dataset.accessRequests;
    const id = pending.find((r: any) => r.requester.username === requester.username).id;
    expect((await hub.graphql(DECIDE, { id, ok: false }, owner.token)).data.decideDatasetAccessRequest).toBe(true);
    expect(codeOf(await hub.graphql(READ, { o: owner.username, n: 'vault' }, requester.token))).toBe('NOT_FOUND');
  });

  it('gives and takes roles: a writer may upload, a removed collaborator sees nothing', async () => {
    const writer = await signUp(hub);
    expect((await hub.graphql(SET, { o: owner.username, n: 'vault', u: writer.username, r: 'WRITE' }, owner.token)).data.setDatasetCollaborator).toBe(true);
    expect((await upload(hub, writer.token, owner.username, 'vault', 'a,b\n5,6\n')).status).toBe(201);
    // A writer cannot hand out roles.
    expect(codeOf(await hub.graphql(SET, { o: owner.username, n: 'vault', u: writer.username, r: 'ADMIN' }, writer.token))).toBe('FORBIDDEN');
    await hub.graphql(SET, { o: owner.username, n: 'vault', u: writer.username, r: null }, owner.token);
    expect(codeOf(await hub.graphql(READ, { o: owner.username, n: 'vault' }, writer.token))).toBe('NOT_FOUND');
    // Collaborators find shared datasets in the market too.
    const reader = await signUp(hub);
    await hub.graphql(SET, { o: owner.username, n: 'vault', u: reader.username, r: 'READ' }, owner.token);
    const list = await hub.graphql(`query($o: String) { datasets(owner: $o) { edges { node { name } } } }`, { o: owner.username }, reader.token);
    expect(list.data.datasets.edges.map((e: any) => e.node.name)).toEqual(['vault']);
  });
});
