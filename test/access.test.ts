/**
 * Who may read what (hub/src/access/, docs/ground-floor.md), as one table: every visibility ×
 * viewer role × resource kind (model, dataset, architecture, job, notification subject), against
 * the lookups, the lists and the searches a user reaches through GraphQL.
 *
 * One hub and one set of fixtures for the whole file: an `owner` user and an organization (with
 * an owner, an admin and a member) each own one model, dataset and architecture of each
 * visibility; a `collaborator` has read on the owner's models and datasets; an `admin` is a
 * platform administrator; a `stranger` has no role anywhere. Models and datasets start public so
 * that every signed-in role follows them, then get their visibility: what each role still hears
 * about is what it may still read.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { submitJob } from './support/compute.js';
import { startTestHub, type TestHub } from './support/hub.js';
import { codeOf, signUp, uniqueName, type SignedUp } from './support/users.js';

const ROLES = ['anonymous', 'stranger', 'owner', 'orgOwner', 'orgAdmin', 'orgMember', 'collaborator', 'admin'] as const;
type Role = (typeof ROLES)[number];
const SIGNED_IN = ROLES.filter((r) => r !== 'anonymous');
const VISIBILITIES = ['PUBLIC', 'UNLISTED', 'PRIVATE'] as const;
type Visibility = (typeof VISIBILITIES)[number];
type Kind = 'model' | 'dataset' | 'architecture';
const KINDS: Kind[] = ['model', 'dataset', 'architecture'];

interface Owned {
  kind: Kind;
  visibility: Visibility;
  ownedBy: 'user' | 'org';
  owner: string;
  name: string;
}

/** A role on the thing itself: owner, organization role, collaborator (models and datasets have them), platform admin. */
function hasRole(role: Role, thing: { kind: Kind | 'job'; ownedBy: 'user' | 'org' }): boolean {
  if (role === 'admin') return true;
  if (thing.ownedBy === 'user') return role === 'owner' || (role === 'collaborator' && (thing.kind === 'model' || thing.kind === 'dataset'));
  return role === 'orgOwner' || role === 'orgAdmin' || role === 'orgMember';
}
/** Readable (lookups, subscriptions, notifications): public and unlisted things by anyone; private ones by those with a role. */
const readable = (role: Role, thing: Owned) => thing.visibility !== 'PRIVATE' || hasRole(role, thing);
/** Listed (lists and searches): unlisted things only to those with a role. */
const listed = (role: Role, thing: Owned) => thing.visibility === 'PUBLIC' || hasRole(role, thing);

const SPEC = { kind: 'sequential', inputShape: [4], layers: [{ type: 'dense', name: 'out', units: 2, activation: 'softmax' }] };
/** In every model's and dataset's description, for the searches. */
const WORD = 'zebracrossing';

const LOOKUP: Record<Kind, string> = {
  model: `query($o: String!, $n: String!) { model(owner: $o, name: $n) { name } }`,
  dataset: `query($o: String!, $n: String!) { dataset(owner: $o, name: $n) { name } }`,
  architecture: `query($o: String!, $n: String!) { architecture(owner: $o, name: $n) { name } }`,
};
const LIST: Record<Kind, string> = {
  model: `{ models(first: 100) { totalCount edges { node { owner name } } } }`,
  dataset: `{ datasets(first: 100) { totalCount edges { node { owner name } } } }`,
  architecture: `{ architectures(first: 100) { totalCount edges { node { owner name } } } }`,
};
const SEARCH: Partial<Record<Kind, string>> = {
  model: `query($q: String!) { models(first: 100, search: $q) { totalCount edges { node { owner name } } } }`,
  dataset: `query($q: String!) { datasets(first: 100, search: $q) { totalCount edges { node { owner name } } } }`,
};

describe('Access: every visibility × role × kind', () => {
  let hub: TestHub;
  const users = {} as Record<Exclude<Role, 'anonymous'>, SignedUp>;
  let org: string;
  const owned: Owned[] = [];
  const jobs: { id: string; kind: 'job'; ownedBy: 'user' | 'org' }[] = [];
  const token = (role: Role) => (role === 'anonymous' ? undefined : users[role].token);
  const key = (t: { owner: string; name: string }) => `${t.owner}/${t.name}`;

  async function ok<T = any>(query: string, variables: object, as: string | undefined): Promise<T> {
    const res = await hub.graphql<T>(query, variables, as);
    if (res.errors) throw new Error(`${query.slice(0, 60)}… ${JSON.stringify(res.errors)}`);
    return res.data as T;
  }

  beforeAll(async () => {
    hub = await startTestHub();
    for (const role of SIGNED_IN) users[role] = await signUp(hub, uniqueName(role.toLowerCase().slice(0, 8)));
    await hub.sql(`UPDATE users SET is_admin = true WHERE id = $1`, [users.admin.id]);
    org = uniqueName('org');
    await ok(`mutation($h: String!) { createOrganization(input: { handle: $h }) { id } }`, { h: org }, users.orgOwner.token);
    const member = `mutation($o: String!, $u: String!, $r: OrgRole) { addOrganizationMember(input: { organization: $o, username: $u, role: $r }) { role } }`;
    await ok(member, { o: org, u: users.orgAdmin.username, r: 'ADMIN' }, users.orgOwner.token);
    await ok(member, { o: org, u: users.orgMember.username, r: 'MEMBER' }, users.orgOwner.token);

    // Models and datasets are made public (so everyone can follow them) and get their visibility after.
    for (const kind of KINDS) {
      for (const ownedBy of ['user', 'org'] as const) {
        for (const visibility of VISIBILITIES) {
          const thing: Owned = { kind, visibility, ownedBy, owner: ownedBy === 'user' ? users.owner.username : org, name: `${kind}-${ownedBy}-${visibility.toLowerCase()}` };
          const as = ownedBy === 'user' ? users.owner.token : users.orgOwner.token;
          const input = { name: thing.name, owner: thing.owner, description: `${WORD} ${thing.name}` };
          if (kind === 'model') await ok(`mutation($i: CreateModelInput!) { createModel(input: $i) { id } }`, { i: { ...input, visibility: 'PUBLIC' } }, as);
          if (kind === 'dataset') await ok(`mutation($i: CreateDatasetInput!) { createDataset(input: $i) { id } }`, { i: { ...input, visibility: 'PUBLIC' } }, as);
          if (kind === 'architecture') await ok(`mutation($i: CreateArchitectureInput!) { createArchitecture(input: $i) { id } }`, { i: { ...input, visibility, spec: SPEC } }, as);
          if (ownedBy === 'user' && kind === 'model') {
            await ok(`mutation($o: String!, $n: String!, $u: String!) { setModelCollaborator(owner: $o, name: $n, username: $u, role: READ) }`, { o: thing.owner, n: thing.name, u: users.collaborator.username }, as);
          }
          if (ownedBy === 'user' && kind === 'dataset') {
            await ok(`mutation($o: String!, $n: String!, $u: String!) { setDatasetCollaborator(owner: $o, name: $n, username: $u, role: READ) }`, { o: thing.owner, n: thing.name, u: users.collaborator.username }, as);
          }
          owned.push(thing);
        }
      }
    }
    const subjects = owned.filter((t) => t.kind !== 'architecture');
    for (const role of SIGNED_IN) {
      for (const t of subjects) {
        await ok(`mutation($i: SubscribeInput!) { subscribe(input: $i) { subscription { id } } }`, { i: { kind: t.kind.toUpperCase(), owner: t.owner, name: t.name } }, users[role].token);
      }
    }
    for (const t of subjects) {
      const as = t.ownedBy === 'user' ? users.owner.token : users.orgOwner.token;
      const update = t.kind === 'model' ? 'updateModel(owner: $o, name: $n, input: { visibility: $v })' : 'updateDataset(owner: $o, name: $n, input: { visibility: $v })';
      await ok(`mutation($o: String!, $n: String!, $v: Visibility!) { ${update} { visibility } }`, { o: t.owner, n: t.name, v: t.visibility }, as);
    }
    // A new version of each dataset: the fan-out writes a notification for each follower who may read it.
    for (const t of subjects.filter((s) => s.kind === 'dataset')) {
      const as = t.ownedBy === 'user' ? users.owner.token : users.orgOwner.token;
      await ok(`mutation($o: String!, $n: String!) { addDatasetVersion(owner: $o, name: $n, input: { data: "a,b\\n1,2\\n", format: "csv" }) { number } }`, { o: t.owner, n: t.name }, as);
    }
    // Jobs: one of the owner's own, one of the organization's (submitted by its member). No node runs them.
    jobs.push({ id: (await submitJob(hub, users.owner.token, { kind: 'echo', payload: {} })).id, kind: 'job', ownedBy: 'user' });
    jobs.push({ id: (await submitJob(hub, users.orgMember.token, { kind: 'echo', payload: {}, organization: org })).id, kind: 'job', ownedBy: 'org' });
  }, 600_000);
  afterAll(() => hub?.close());

  it.each(ROLES)('%s: a model, dataset or architecture lookup answers the readable ones and NOT_FOUND for the rest', async (role) => {
    for (const t of owned) {
      const res = await hub.graphql(LOOKUP[t.kind], { o: t.owner, n: t.name }, token(role));
      if (role === 'anonymous' && t.kind === 'architecture') {
        expect(codeOf(res), `${role} ${key(t)}`).toBe('UNAUTHENTICATED');
      } else if (readable(role, t)) {
        expect(res.errors, `${role} reads ${t.kind} ${key(t)}`).toBeUndefined();
        expect(res.data![t.kind].name).toBe(t.name);
      } else {
        expect(codeOf(res), `${role} must not see ${t.kind} ${key(t)}`).toBe('NOT_FOUND');
      }
    }
  });

  it.each(ROLES)('%s: lists and searches of models, datasets and architectures hold exactly the listed ones', async (role) => {
    for (const kind of KINDS) {
      const expected = owned.filter((t) => t.kind === kind && listed(role, t)).map(key).sort();
      const queries: [string, object][] = [[LIST[kind], {}]];
      if (SEARCH[kind]) queries.push([SEARCH[kind]!, { q: WORD }]);
      for (const [query, variables] of queries) {
        const res = await hub.graphql(query, variables, token(role));
        if (role === 'anonymous' && kind === 'architecture') {
          expect(codeOf(res)).toBe('UNAUTHENTICATED');
          continue;
        }
        expect(res.errors, `${role} ${query}`).toBeUndefined();
        const connection = Object.values(res.data as object)[0] as { totalCount: number; edges: { node: { owner: string; name: string } }[] };
        expect(connection.edges.map((e) => key(e.node)).sort(), `${role} ${kind} ${query.includes('search') ? 'search' : 'list'}`).toEqual(expected);
        expect(connection.totalCount).toBe(expected.length);
      }
    }
  });

  it.each(ROLES)('%s: jobs are read by their owner, their organization’s members and admins; NOT_FOUND to others', async (role) => {
    const list = await hub.graphql(`{ jobs(first: 100) { totalCount edges { node { id } } } }`, {}, token(role));
    if (role === 'anonymous') {
      expect(codeOf(list)).toBe('UNAUTHENTICATED');
      expect(codeOf(await hub.graphql(`query($id: ID!) { job(id: $id) { id } }`, { id: jobs[0].id }))).toBe('UNAUTHENTICATED');
      return;
    }
    const expected = jobs.filter((j) => hasRole(role, j)).map((j) => j.id).sort();
    expect(list.errors).toBeUndefined();
    expect(list.data.jobs.edges.map((e: { node: { id: string } }) => e.node.id).sort(), `${role} jobs`).toEqual(expected);
    for (const job of jobs) {
      const res = await hub.graphql(`query($id: ID!) { job(id: $id) { id } }`, { id: job.id }, token(role));
      if (hasRole(role, job)) expect(res.data?.job?.id, `${role} reads the ${job.ownedBy} job`).toBe(job.id);
      else expect(codeOf(res), `${role} must not see the ${job.ownedBy} job`).toBe('NOT_FOUND');
    }
  });

  it.each(SIGNED_IN)('%s: follows, and hears about, exactly the models and datasets it may still read', async (role) => {
    const subjects = owned.filter((t) => t.kind !== 'architecture');
    const expected = subjects.filter((t) => readable(role, t)).map((t) => `${t.kind}:${key(t)}`).sort();
    const mine = await hub.graphql(`{ mySubscriptions(first: 100) { totalCount edges { node { id subject { kind owner name } } } } }`, {}, token(role));
    expect(mine.errors).toBeUndefined();
    const followed = mine.data.mySubscriptions.edges.map((e: any) => `${e.node.subject.kind.toLowerCase()}:${e.node.subject.owner}/${e.node.subject.name}`).sort();
    expect(followed, `${role} subscriptions`).toEqual(expected);
    expect(mine.data.mySubscriptions.totalCount).toBe(expected.length);

    for (const t of subjects) {
      const to = await hub.graphql(`query($k: SubjectKind!, $o: String!, $n: String!) { subscriptionTo(kind: $k, owner: $o, name: $n) { id } }`, { k: t.kind.toUpperCase(), o: t.owner, n: t.name }, token(role));
      if (readable(role, t)) expect(to.data?.subscriptionTo?.id, `${role} follows ${t.kind} ${key(t)}`).toBeTruthy();
      else expect(codeOf(to), `${role} must not see ${t.kind} ${key(t)}`).toBe('NOT_FOUND');
    }

    const inbox = await hub.graphql(`{ notifications(first: 100) { totalCount edges { node { subject { kind owner name } } } } }`, {}, token(role));
    expect(inbox.errors).toBeUndefined();
    const heard = inbox.data.notifications.edges.map((e: any) => `${e.node.subject.kind.toLowerCase()}:${e.node.subject.owner}/${e.node.subject.name}`).sort();
    expect(heard, `${role} inbox`).toEqual(subjects.filter((t) => t.kind === 'dataset' && readable(role, t)).map((t) => `${t.kind}:${key(t)}`).sort());
  });
});
