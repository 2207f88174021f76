/** Organizations and roles (owner > admin > member), against PostgreSQL and the embedded PostgreSQL server. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, startTestHub, type TestHub } from './support/hub.js';
import { codeOf, signUp, uniqueName, type SignedUp } from './support/users.js';

const CREATE = `mutation($handle: String!) { createOrganization(input: { handle: $handle }) { id handle viewerRole } }`;
const ADD = `mutation($org: String!, $user: String!, $role: OrgRole) { addOrganizationMember(input: { organization: $org, username: $user, role: $role }) { role user { username } } }`;
const SET_ROLE = `mutation($org: String!, $user: String!, $role: OrgRole) { setOrganizationMemberRole(input: { organization: $org, username: $user, role: $role }) { role } }`;
const REMOVE = `mutation($org: String!, $user: String!) { removeOrganizationMember(organization: $org, username: $user) }`;
const UPDATE = `mutation($org: String!, $d: String) { updateOrganization(handle: $org, input: { description: $d }) { description } }`;
const MEMBERS = `query($org: String!) { organization(handle: $org) { members { totalCount edges { node { role user { username } } } } } }`;

describe.each(BACKENDS)('Organizations on %s', (backend) => {
  let hub: TestHub;
  let owner: SignedUp, admin: SignedUp, member: SignedUp, outsider: SignedUp;
  let org: string;

  beforeAll(async () => {
    hub = await startTestHub({ backend });
    [owner, admin, member, outsider] = await Promise.all([signUp(hub), signUp(hub), signUp(hub), signUp(hub)]);
    org = uniqueName('org');
    const created = await hub.graphql(CREATE, { handle: org }, owner.token);
    expect(created.data.createOrganization).toMatchObject({ handle: org, viewerRole: 'OWNER' });
    expect((await hub.graphql(ADD, { org, user: admin.username, role: 'ADMIN' }, owner.token)).data.addOrganizationMember.role).toBe('ADMIN');
    expect((await hub.graphql(ADD, { org, user: member.username }, admin.token)).data.addOrganizationMember.role).toBe('MEMBER');
  });
  afterAll(() => hub?.close());

  it('lists members to members, with their roles', async () => {
    const res = await hub.graphql(MEMBERS, { org }, member.token);
    const roles = Object.fromEntries(res.data.organization.members.edges.map((e: any) => [e.node.user.username, e.node.role]));
    expect(roles).toEqual({ [owner.username]: 'OWNER', [admin.username]: 'ADMIN', [member.username]: 'MEMBER' });
    expect(codeOf(await hub.graphql(MEMBERS, { org }, outsider.token))).toBe('FORBIDDEN');
  });

  it("refuses a member an admin's action", async () => {
    expect(codeOf(await hub.graphql(ADD, { org, user: outsider.username }, member.token))).toBe('FORBIDDEN');
    expect(codeOf(await hub.graphql(UPDATE, { org, d: 'hijacked' }, member.token))).toBe('FORBIDDEN');
    expect(codeOf(await hub.graphql(REMOVE, { org, user: admin.username }, member.token))).toBe('FORBIDDEN');
    expect((await hub.graphql(UPDATE, { org, d: 'by the admin' }, admin.token)).data.updateOrganization.description).toBe('by the admin');
  });

  it('lets only owners grant, change or remove the owner role', async () => {
    expect(codeOf(await hub.graphql(SET_ROLE, { org, user: member.username, role: 'OWNER' }, admin.token))).toBe('FORBIDDEN');
    expect(codeOf(await hub.graphql(SET_ROLE, { org, user: owner.username, role: 'MEMBER' }, admin.token))).toBe('FORBIDDEN');
    expect(codeOf(await hub.graphql(REMOVE, { org, user: owner.username }, admin.token))).toBe('FORBIDDEN');
    expect(codeOf(await hub.graphql(`mutation($h: String!) { deleteOrganization(handle: $h) }`, { h: org }, admin.token))).toBe('FORBIDDEN');
  });

  it('never leaves an organization without an owner', async () => {
    const res = await hub.graphql(REMOVE, { org, user: owner.username }, owner.token);
    expect(codeOf(res)).toBe('CONFLICT');
    expect(codeOf(await hub.graphql(SET_ROLE, { org, user: owner.username, role: 'ADMIN' }, owner.token))).toBe('CONFLICT');
  });

  it('lets anyone leave and an admin remove a member', async () => {
    const temp = await signUp(hub);
    await hub.graphql(ADD, { org, user: temp.username }, admin.token);
    expect((await hub.graphql(REMOVE, { org, user: temp.username }, temp.token)).data.removeOrganizationMember).toBe(true);
    const again = await signUp(hub);
    await hub.graphql(ADD, { org, user: again.username }, admin.token);
    expect((await hub.graphql(REMOVE, { org, user: again.username }, admin.token)).data.removeOrganizationMember).toBe(true);
    expect((await hub.graphql(MEMBERS, { org }, owner.token)).data.organization.members.totalCount).toBe(3);
  });

  it('shares one namespace between users and organizations', async () => {
    expect(codeOf(await hub.graphql(CREATE, { handle: owner.username.toUpperCase() }, owner.token))).toBe('CONFLICT');
    const signUpAsOrg = await hub.graphql(`mutation($i: SignUpInput!) { signUp(input: $i) { token } }`, {
      i: { username: org, email: `${org}@example.com`, password: 'long enough password' },
    });
    expect(codeOf(signUpAsOrg)).toBe('CONFLICT');
  });

  it('refuses organization management with an API key', async () => {
    const key = (await hub.graphql(`mutation { createApiKey(input: { name: "k", scopes: [NODES_MANAGE] }) { secret } }`, {}, owner.token)).data.createApiKey.secret;
    expect(codeOf(await hub.graphql(ADD, { org, user: outsider.username }, key))).toBe('FORBIDDEN');
  });

  it('frees the name when the owner deletes the organization', async () => {
    const handle = uniqueName('tmp');
    await hub.graphql(CREATE, { handle }, owner.token);
    expect((await hub.graphql(`mutation($h: String!) { deleteOrganization(handle: $h) }`, { h: handle }, owner.token)).data.deleteOrganization).toBe(true);
    expect(codeOf(await hub.graphql(`query($h: String!) { organization(handle: $h) { id } }`, { h: handle }))).toBe('NOT_FOUND');
    expect((await hub.graphql(CREATE, { handle }, outsider.token)).data.createOrganization.handle).toBe(handle);
  });
});
