/**
 * One organization: who it is, and for its members the member list with roles. Admins and owners
 * add members by username, change roles and remove members; anyone may leave (the hub keeps the
 * last owner). Only owners grant or change the owner role, so admins are offered the roles below
 * it. The hub decides in the end and says why it refused.
 */
import { Link, useNavigate, useParams } from 'react-router';
import {
  ADD_ORGANIZATION_MEMBER,
  ORGANIZATION,
  ORGANIZATION_MEMBERS,
  REMOVE_ORGANIZATION_MEMBER,
  SET_ORGANIZATION_MEMBER_ROLE,
} from '../api/account-operations';
import { request } from '../api/graphql-client';
import { ORG_ROLES, type Organization, type OrgRole } from '../api/types';
import { useQuery } from '../api/use-query';
import { useSession } from '../auth/session-context';
import { DataTable } from '../components/DataTable';
import { DateTime } from '../components/DateTime';
import { ErrorMessage } from '../components/ErrorMessage';
import { statusWord } from '../components/format';
import { ItemPlaceholder } from '../components/ItemPlaceholder';
import { RowActionButton } from '../components/RowActionButton';
import { usePageTitle } from '../components/use-page-title';
import { useRowAction } from '../components/use-row-action';
import { Field } from '../forms/Field';
import { Form, SubmitButton } from '../forms/Form';
import { TextField } from '../forms/TextField';
import { useForm } from '../forms/use-form';

export function OrganizationPage() {
  const { handle = '' } = useParams();
  usePageTitle(handle);
  const { data, error, reload } = useQuery(ORGANIZATION, { handle });
  const organization = data?.organization.handle.toLowerCase() === handle.toLowerCase() ? data.organization : undefined;
  if (!organization) {
    return (
      <div className="page">
        <p>
          <Link to="/account">← Your account</Link>
        </p>
        <ItemPlaceholder error={error} what="Organization" slug={handle} notFoundTestId="organization-not-found" />
      </div>
    );
  }
  return <OrganizationDetails key={organization.id} organization={organization} onLeft={reload} />;
}

function OrganizationDetails({ organization, onLeft }: { organization: Organization; onLeft(): void }) {
  const role = organization.viewerRole;
  return (
    <div className="page">
      <p>
        <Link to="/account">← Your account</Link>
      </p>
      <div className="page-heading">
        <h1 data-testid="organization-title">
          {organization.displayName || organization.handle} <code className="muted">@{organization.handle}</code>
        </h1>
        {organization.description && <p>{organization.description}</p>}
        <p className="muted">
          {role ? (
            <>
              You are <span data-testid="organization-viewer-role">{statusWord(role).toLowerCase()}</span> here.
            </>
          ) : (
            'You are not a member: its members are listed to members only.'
          )}{' '}
          Since <DateTime value={organization.createdAt} />.
        </p>
      </div>
      {role && <Members organization={organization} role={role} onLeft={onLeft} />}
    </div>
  );
}

function Members({ organization, role, onLeft }: { organization: Organization; role: OrgRole; onLeft(): void }) {
  const { state } = useSession();
  const navigate = useNavigate();
  const me = state.status === 'signed-in' ? state.user.username : '';
  const { data, error, reload } = useQuery(ORGANIZATION_MEMBERS, { handle: organization.handle });
  const rowAction = useRowAction();
  const canManage = role === 'OWNER' || role === 'ADMIN';
  // Admins hand out the roles below owner; owners any.
  const grantable = ORG_ROLES.filter((r) => role === 'OWNER' || r !== 'OWNER');
  const members = data?.organization.members.edges.map((edge) => edge.node);
  const total = data?.organization.members.totalCount ?? 0;
  const setRole = (username: string, next: OrgRole) => request(SET_ORGANIZATION_MEMBER_ROLE, { input: { organization: organization.handle, username, role: next } });
  const remove = (username: string) => request(REMOVE_ORGANIZATION_MEMBER, { organization: organization.handle, username });

  return (
    <section className="card" aria-labelledby="members-heading" data-testid="organization-members">
      <h2 id="members-heading">Members {members && <span className="muted small">{total}</span>}</h2>
      {members && total > members.length && <p className="muted small">The first {members.length} are listed.</p>}
      <ErrorMessage error={error ?? rowAction.error} />
      {members ? (
        <DataTable
          rows={members}
          rowKey={(member) => member.user.id}
          rowAttributes={(member) => ({ 'data-testid': 'member-row', 'data-username': member.user.username })}
          caption="Members"
          testId="members-table"
          empty="No members."
          columns={[
            {
              header: 'User',
              cell: (member) => (
                <>
                  {member.user.username}
                  {member.user.displayName && member.user.displayName !== member.user.username && <span className="muted"> ({member.user.displayName})</span>}
                </>
              ),
            },
            {
              header: 'Role',
              cell: (member) =>
                canManage && (role === 'OWNER' || member.role !== 'OWNER') ? (
                  <select
                    aria-label={`Role of ${member.user.username}`}
                    value={member.role}
                    disabled={rowAction.pending?.row === member.user.id}
                    onChange={(event) => {
                      const next = event.target.value as OrgRole;
                      void rowAction.run(member.user.id, 'role', () => setRole(member.user.username, next)).then((done) => done && reload());
                    }}
                    data-testid="member-role"
                  >
                    {grantable.map((r) => (
                      <option key={r} value={r}>
                        {statusWord(r)}
                      </option>
                    ))}
                  </select>
                ) : (
                  <span data-testid="member-role-text">{statusWord(member.role)}</span>
                ),
            },
            { header: 'Since', cell: (member) => <DateTime value={member.createdAt} /> },
            {
              header: 'Actions',
              hideHeader: true,
              className: 'actions',
              cell: (member) => {
                const self = member.user.username === me;
                if (!self && !(canManage && (role === 'OWNER' || member.role !== 'OWNER'))) return null;
                return (
                  <RowActionButton
                    rowAction={rowAction}
                    row={member.user.id}
                    name="remove"
                    label={self ? 'Leave' : 'Remove'}
                    busyLabel={self ? 'Leaving…' : 'Removing…'}
                    confirm={self ? `Leave ${organization.handle}?` : undefined}
                    action={() => remove(member.user.username)}
                    onDone={() => {
                      if (self) {
                        onLeft();
                        navigate('/account');
                      } else reload();
                    }}
                    danger
                    ariaLabel={self ? `Leave ${organization.handle}` : `Remove ${member.user.username}`}
                    testId="member-remove"
                  />
                );
              },
            },
          ]}
        />
      ) : (
        !error && <p className="muted">Loading members…</p>
      )}
      {canManage && <AddMemberForm organization={organization.handle} roles={grantable} onAdded={reload} />}
    </section>
  );
}

function AddMemberForm({ organization, roles, onAdded }: { organization: string; roles: readonly OrgRole[]; onAdded(): void }) {
  const form = useForm({ username: '', role: 'MEMBER' });
  async function submit() {
    const input = { organization, username: form.values.username.trim(), role: form.values.role as OrgRole };
    if (await form.run(() => request(ADD_ORGANIZATION_MEMBER, { input }))) {
      form.reset();
      onAdded();
    }
  }
  return (
    <Form form={form} onSubmit={submit} heading="Add a member" className="form inset" alertTestId="member-alert">
      <div className="inline-fields">
        <TextField label="Username" autoComplete="off" testId="member-username" {...form.field('username')} />
        <Field label="Role" error={form.problems.fields.role} testId="member-new-role">
          {(control) => (
            <select {...control} value={form.values.role} onChange={(event) => form.set('role', event.target.value)}>
              {roles.map((r) => (
                <option key={r} value={r}>
                  {statusWord(r)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <SubmitButton busy={form.busy} busyLabel="Adding…" testId="member-add">
          Add
        </SubmitButton>
      </div>
    </Form>
  );
}
