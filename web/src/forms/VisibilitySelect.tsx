/** Who may see a dataset or a model: a select of the three visibilities, the chosen one explained under it. */
import { VISIBILITIES, type Visibility } from '../api/types';
import { statusWord } from '../components/format';
import { Field } from './Field';

const HINTS: Record<Visibility, string> = {
  PUBLIC: 'Listed for everyone.',
  UNLISTED: 'Not listed; anyone with its name can read it.',
  PRIVATE: 'Only the owner, the organization’s members and collaborators can see it.',
};

export interface VisibilitySelectProps {
  value: Visibility;
  onChange(value: Visibility): void;
  error?: string;
  testId: string;
  disabled?: boolean;
}

export function VisibilitySelect({ value, onChange, error, testId, disabled }: VisibilitySelectProps) {
  return (
    <Field label="Visibility" hint={HINTS[value]} error={error} testId={testId}>
      {(control) => (
        <select {...control} name="visibility" value={value} disabled={disabled} onChange={(event) => onChange(event.target.value as Visibility)}>
          {VISIBILITIES.map((option) => (
            <option key={option} value={option}>
              {statusWord(option)}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}
