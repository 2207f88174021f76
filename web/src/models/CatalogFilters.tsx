/**
 * The catalog's filters: task, tag, license, owner and framework, each a text field with common
 * values offered (the hub matches them case-insensitively), a benchmark (`owner/name`: only the
 * models ranked on it, best first), and a button to clear them all.
 */
import { FILTER_NAMES, type FilterName } from './catalog-params';

const LABELS: Record<FilterName, string> = { task: 'Task', tag: 'Tag', license: 'License', owner: 'Owner', framework: 'Framework', bestOn: 'Best on benchmark' };
const PLACEHOLDERS: Partial<Record<FilterName, string>> = { bestOn: 'owner/name' };

/** Suggestions only: any value may be typed. */
const SUGGESTIONS: Partial<Record<FilterName, string[]>> = {
  task: ['classification', 'regression', 'text-classification', 'image-classification', 'forecasting', 'anomaly-detection'],
  license: ['MIT', 'Apache-2.0', 'BSD-3-Clause', 'CC-BY-4.0', 'CC-BY-SA-4.0', 'CC0-1.0', 'GPL-3.0-only'],
  framework: ['tfjs-layers'],
};

export interface CatalogFiltersProps {
  values: Record<FilterName, string>;
  onChange(name: FilterName, value: string): void;
  onClear(): void;
}

export function CatalogFilters({ values, onChange, onClear }: CatalogFiltersProps) {
  const any = FILTER_NAMES.some((name) => values[name] !== '');
  return (
    <div className="form catalog-filters" role="search" aria-label="Filter models">
      <h2 className="small-heading">Filters</h2>
      {FILTER_NAMES.map((name) => (
        <div className="field" key={name}>
          <label htmlFor={`filter-${name}`}>{LABELS[name]}</label>
          <input
            id={`filter-${name}`}
            type="search"
            value={values[name]}
            onChange={(event) => onChange(name, event.target.value)}
            list={SUGGESTIONS[name] ? `filter-${name}-options` : undefined}
            placeholder={PLACEHOLDERS[name] ?? 'any'}
            autoComplete="off"
            data-testid={`models-filter-${name}`}
          />
          {SUGGESTIONS[name] && (
            <datalist id={`filter-${name}-options`}>
              {SUGGESTIONS[name].map((option) => (
                <option key={option} value={option} />
              ))}
            </datalist>
          )}
        </div>
      ))}
      <button type="button" className="button secondary small" onClick={onClear} disabled={!any} data-testid="models-filter-clear">
        Clear filters
      </button>
    </div>
  );
}
