/**
 * Who else works on a dataset or a model, and how: READ (see and download, even when private),
 * WRITE (also upload new versions; on models cards, publishing, aliases), ADMIN (also visibility,
 * collaborators, access requests). Writers see the list; admins add people by username, change
 * their role and remove them. `setRole(username, null)` removes.
 */
import { DataTable } from '../components/DataTable';
import { DateTime } from '../components/DateTime';
import { ErrorMessage } from '../components/ErrorMessage';
import { statusWord } from '../components/format';
import { RowActionButton } from '../components/RowActionButton';
import { useRowAction } from '../components/use-row-action';
import { Field } from '../forms/Field';
import { Form, SubmitButton } from '../forms/Form';
import { TextField } from '../forms/TextField';
import { useForm } from '../forms/use-form';
import { ROLES, type Collaborator, type Role } from './types';

export interface CollaboratorsPanelProps {
  collaborators: Collaborator[];
  canAdmin: boolean;
  /** Who works on it besides the collaborators, said when there are none. */
  empty: string;
  setRole(username: string, role: Role | null): Promise<unknown>;
  onChanged(): void;
}

export function CollaboratorsPanel({ collaborators, canAdmin, empty, setRole, onChanged }: CollaboratorsPanelProps) {
  const rowAction = useRowAction();
  return (
    <div data-testid="collaborators">
      <h3>Collaborators</h3>
      <ErrorMessage error={rowAction.error} />
      <DataTable
        rows={collaborators}
        rowKey={(collaborator) => collaborator.user.id}
        rowAttributes={(collaborator) => ({ 'data-testid': 'collaborator-row', 'data-username': collaborator.user.username })}
        caption="Collaborators"
        testId="collaborators-table"
        empty={empty}
        emptyTestId="collaborators-empty"
        columns={[
          { header: 'User', cell: (collaborator) => collaborator.user.username },
          {
            header: 'Role',
            cell: (collaborator) =>
              canAdmin ? (
                <select
                  aria-label={`Role of ${collaborator.user.username}`}
                  value={collaborator.role}
                  disabled={rowAction.pending?.row === collaborator.user.id}
                  onChange={(event) => {
                    const role = event.target.value as Role;
                    void rowAction.run(collaborator.user.id, 'role', () => setRole(collaborator.user.username, role)).then((done) => done && onChanged());
                  }}
                  data-testid="collaborator-role"
                >
                  {ROLES.map((role) => (
                    <option key={role} value={role}>
                      {statusWord(role)}
                    </option>
                  ))}
                </select>
              ) : (
                statusWord(collaborator.role)
              ),
          },
          { header: 'Since', cell: (collaborator) => <DateTime value={collaborator.createdAt} /> },
          canAdmin && {
            header: 'Actions',
            hideHeader: true,
            className: 'actions',
            cell: (collaborator) => (
              <RowActionButton
                rowAction={rowAction}
                row={collaborator.user.id}
                name="remove"
                label="Remove"
                busyLabel="Removing…"
                action={() => setRole(collaborator.user.username, null)}
                onDone={onChanged}
                ariaLabel={`Remove ${collaborator.user.username}`}
                testId="collaborator-remove"
              />
            ),
          },
        ]}
      />
      {canAdmin && <AddCollaboratorForm onAdd={setRole} onAdded={onChanged} />}
    </div>
  );
}

function AddCollaboratorForm({ onAdd, onAdded }: { onAdd(username: string, role: Role): Promise<unknown>; onAdded(): void }) {
  const form = useForm({ username: '', role: 'READ' });
  async function submit() {
    if (await form.run(() => onAdd(form.values.username.trim(), form.values.role as Role))) {
      form.reset();
      onAdded();
    }
  }
  return (
    <Form form={form} onSubmit={submit} className="form inset" alertTestId="collaborator-alert">
      <div className="inline-fields">
        <TextField label="Username" autoComplete="off" testId="collaborator-username" {...form.field('username')} />
        <Field label="Role" error={form.problems.fields.role} testId="collaborator-new-role">
          {(control) => (
            <select {...control} value={form.values.role} onChange={(event) => form.set('role', event.target.value)}>
              {ROLES.map((role) => (
                <option key={role} value={role}>
                  {statusWord(role)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <SubmitButton busy={form.busy} busyLabel="Adding…" testId="collaborator-add">
          Add
        </SubmitButton>
      </div>
    </Form>
  );
}
