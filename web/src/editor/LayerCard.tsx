/**
 * One layer in the layer list: its type, its name (and, in a functional spec, what it reads
 * from), its fields, and buttons to move it up or down or remove it. A layer the hub found wrong
 * is highlighted, each message beside the field it is about, the others at the layer's foot.
 */
import { Field } from '../forms/Field';
import { DraftInput } from './DraftInput';
import { fieldsOf, isLayerType, LAYER_TYPE_LABELS, LAYER_TYPE_OPTIONS, type LayerType } from './layer-fields';
import { LayerFieldInput } from './LayerFieldInput';
import { unshownFieldMessages, type ItemProblems } from './place-problems';
import { changeLayerType, isObject, withField } from './spec-edits';
import type { LayerSummary } from './types';
import { formatShape, readNames, showNames } from './value-text';

export interface LayerCardProps {
  layer: unknown;
  index: number;
  count: number;
  functional: boolean;
  problems: ItemProblems | undefined;
  /** The hub's summary of this layer, when it has one (its generated name, its output shape). */
  summary: LayerSummary | undefined;
  onChange(layer: unknown): void;
  onMove(to: number): void;
  onRemove(): void;
}

const joined = (messages: string[] | undefined) => (messages && messages.length > 0 ? messages.join('; ') : undefined);

export function LayerCard({ layer, index, count, functional, problems, summary, onChange, onMove, onRemove }: LayerCardProps) {
  const position = index + 1;
  const object = isObject(layer) ? layer : null;
  const type = object && typeof object.type === 'string' ? object.type : '';
  const known = isLayerType(type) ? type : null;
  const fields = known ? fieldsOf(known) : [];
  const shown = ['type', 'name', ...(functional ? ['inputs'] : []), ...fields.map(([name]) => name)];
  const general = [...(problems?.general ?? []), ...unshownFieldMessages(problems, shown)];
  const invalid = Boolean(problems);
  const testId = (field: string) => `layer-${index}-${field}`;
  const title = `Layer ${position}${summary?.name ? ` (${summary.name})` : ''}`;

  return (
    <li
      className={invalid ? 'layer-card has-error' : 'layer-card'}
      id={`layer-${index}`}
      aria-label={title}
      data-testid="layer-card"
      data-index={index}
      data-type={type}
      data-invalid={invalid ? 'true' : undefined}
    >
      <div className="layer-head">
        <span className="layer-position" aria-hidden="true">
          {position}
        </span>
        <div className="layer-identity">
          <Field label="Type" error={joined(problems?.fields.type)} testId={testId('type')}>
            {(control) => (
              <select {...control} value={type} onChange={(event) => onChange(changeLayerType(layer, event.target.value as LayerType))}>
                {!known && <option value={type}>{type ? `${type} (not a layer type)` : 'Choose…'}</option>}
                {LAYER_TYPE_OPTIONS.map((option) => (
                  <option key={option} value={option}>
                    {LAYER_TYPE_LABELS[option]}
                  </option>
                ))}
              </select>
            )}
          </Field>
          {object && (
            <Field label={functional ? 'Name' : 'Name (optional)'} error={joined(problems?.fields.name)} testId={testId('name')}>
              {(control) => (
                <input
                  {...control}
                  type="text"
                  value={typeof object.name === 'string' ? object.name : showNames(object.name)}
                  placeholder={!functional && summary ? summary.name : undefined}
                  onChange={(event) => onChange(withField(object, 'name', event.target.value === '' ? undefined : event.target.value))}
                />
              )}
            </Field>
          )}
        </div>
        <div className="layer-buttons">
          <button type="button" className="button secondary small" onClick={() => onMove(index - 1)} disabled={index === 0} aria-label={`Move layer ${position} up`} data-testid={testId('up')}>
            ↑
          </button>
          <button
            type="button"
            className="button secondary small"
            onClick={() => onMove(index + 1)}
            disabled={index === count - 1}
            aria-label={`Move layer ${position} down`}
            data-testid={testId('down')}
          >
            ↓
          </button>
          <button type="button" className="button danger small" onClick={onRemove} aria-label={`Remove layer ${position}`} data-testid={testId('remove')}>
            Remove
          </button>
        </div>
      </div>

      {object ? (
        <div className="layer-fields">
          {functional && (
            <Field label="Inputs" hint="Names of model inputs or layers, comma-separated" error={joined(problems?.fields.inputs)} testId={testId('inputs')}>
              {(control) => <DraftInput {...control} type="text" value={object.inputs} read={(text) => (text.trim() ? readNames(text) : undefined)} show={showNames} onChange={(value) => onChange(withField(object, 'inputs', value))} />}
            </Field>
          )}
          {fields.map(([name, field]) => (
            <LayerFieldInput
              key={name}
              field={field}
              value={object[name]}
              onChange={(value) => onChange(withField(object, name, value))}
              error={joined(problems?.fields[name])}
              testId={testId(name)}
            />
          ))}
          {known && fields.length === 0 && !functional && <p className="muted small">No settings.</p>}
        </div>
      ) : (
        <p className="muted">This entry is not a layer object; edit or remove it in the JSON view.</p>
      )}

      <div className="layer-foot">
        {summary && (
          <span className="muted small" data-testid={testId('output')}>
            Output {formatShape(summary.outputShape)}
            {summary.params !== null && ` · ${summary.params.toLocaleString()} parameters`}
          </span>
        )}
        {general.length > 0 && (
          <ul className="layer-errors" data-testid={testId('errors')}>
            {general.map((message) => (
              <li key={message} className="field-error">
                {message}
              </li>
            ))}
          </ul>
        )}
      </div>
    </li>
  );
}
