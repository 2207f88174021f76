/**
 * Who will own something new (a dataset, a model, a fork): the signed-in user or one of their
 * organizations. The value is a handle; empty means the user.
 */
import { useMyOrganizations } from '../api/use-my-organizations';
import { useSession } from '../auth/session-context';
import { Field } from './Field';

export interface OwnerSelectProps {
  value: string;
  onChange(handle: string): void;
  error?: string;
  testId: string;
  label?: string;
}

export function OwnerSelect({ value, onChange, error, testId, label = 'Owner' }: OwnerSelectProps) {
  const me = useMe();
  const { organizations } = useMyOrganizations();
  return (
    <Field label={label} error={error} testId={testId}>
      {(control) => (
        <select {...control} name="owner" value={value || me} onChange={(event) => onChange(event.target.value)}>
          <option value={me}>{me} (you)</option>
          {organizations?.map((organization) => (
            <option key={organization.id} value={organization.handle}>
              {organization.handle}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

/** The signed-in user's handle, or '' when no one is signed in. */
export function useMe(): string {
  const { state } = useSession();
  return state.status === 'signed-in' ? state.user.username : '';
}
