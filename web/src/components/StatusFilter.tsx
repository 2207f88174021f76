/** A select that narrows a list to one status (or shows all of them). */
import { statusWord } from './format';

export interface StatusFilterProps<S extends string> {
  label: string;
  statuses: readonly S[];
  value: S | null;
  onChange(value: S | null): void;
  testId: string;
}

export function StatusFilter<S extends string>({ label, statuses, value, onChange, testId }: StatusFilterProps<S>) {
  return (
    <label className="filter">
      <span>{label}</span>
      <select
        value={value ?? ''}
        onChange={(event) => onChange((statuses as readonly string[]).includes(event.target.value) ? (event.target.value as S) : null)}
        data-testid={testId}
      >
        <option value="">All</option>
        {statuses.map((status) => (
          <option key={status} value={status}>
            {statusWord(status)}
          </option>
        ))}
      </select>
    </label>
  );
}

/** The status in the URL's `?status=`, if it is one of `statuses`. */
export function parseStatus<S extends string>(statuses: readonly S[], value: string | null): S | null {
  return value !== null && (statuses as readonly string[]).includes(value) ? (value as S) : null;
}
