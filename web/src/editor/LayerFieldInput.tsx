/**
 * One field of a layer, with the input its kind calls for (layer-fields.ts): a number input for
 * sizes, rates and axes, a select for activations, paddings and yes/no (with "default" for an
 * optional field, which leaves it out of the spec), a text input for a size pair or a shape. The
 * hub's message about the field is shown under it.
 */
import { Field, type ControlProps } from '../forms/Field';
import { DraftInput } from './DraftInput';
import { ACTIVATION_OPTIONS, PADDING_OPTIONS, type FieldSpec } from './layer-fields';
import { readList, readNumber, readSizeOrPair, showList, showNumber } from './value-text';

export interface LayerFieldInputProps {
  field: FieldSpec;
  value: unknown;
  onChange(value: unknown): void;
  error: string | undefined;
  testId: string;
}

const NUMBER_INPUT: Partial<Record<FieldSpec['kind'], { step: string; min?: number; max?: number }>> = {
  size: { step: '1', min: 1 },
  fraction: { step: '0.05', min: 0, max: 1 },
  positive: { step: 'any', min: 0 },
  axis: { step: '1' },
};

export function LayerFieldInput({ field, value, onChange, error, testId }: LayerFieldInputProps) {
  const hint = [field.hint, field.default !== undefined ? `Default: ${field.default}.` : null].filter(Boolean).join(' ') || undefined;
  return (
    <Field label={field.required ? field.label : `${field.label} (optional)`} error={error} hint={hint} testId={testId}>
      {(control) => {
        const numeric = NUMBER_INPUT[field.kind];
        if (numeric) {
          return <DraftInput {...control} type="number" inputMode="decimal" {...numeric} value={value} read={readNumber} show={showNumber} onChange={onChange} />;
        }
        switch (field.kind) {
          case 'flag':
            return (
              <ChoiceSelect
                control={control}
                value={value}
                onChange={onChange}
                required={field.required}
                fallback={field.default}
                options={[
                  [true, 'Yes'],
                  [false, 'No'],
                ]}
              />
            );
          case 'activation':
          case 'padding':
            return (
              <ChoiceSelect
                control={control}
                value={value}
                onChange={onChange}
                required={field.required}
                fallback={field.default}
                options={(field.kind === 'activation' ? ACTIVATION_OPTIONS : PADDING_OPTIONS).map((option) => [option, option])}
              />
            );
          case 'sizeOrPair':
            return <DraftInput {...control} type="text" value={value} read={readSizeOrPair} show={showList} onChange={onChange} />;
          default:
            return <DraftInput {...control} type="text" value={value} read={(text) => readList(text, false)} show={showList} onChange={onChange} />;
        }
      }}
    </Field>
  );
}

interface ChoiceSelectProps {
  control: ControlProps;
  value: unknown;
  onChange(value: unknown): void;
  required: boolean;
  fallback: string | undefined;
  options: readonly (readonly [string | boolean, string])[];
}

/**
 * A select over JSON values. An optional field offers "Default (…)", which leaves it out; a value
 * the editor does not know (typed in the JSON view) is kept and shown as such.
 */
function ChoiceSelect({ control, value, onChange, required, fallback, options }: ChoiceSelectProps) {
  const index = options.findIndex(([option]) => option === value);
  const selected = value === undefined ? '' : index >= 0 ? String(index) : 'other';
  return (
    <select
      {...control}
      value={selected}
      onChange={(event) => {
        const choice = event.target.value;
        if (choice === '') onChange(undefined);
        else if (choice !== 'other') onChange(options[Number(choice)][0]);
      }}
    >
      {(!required || value === undefined) && <option value="">{required ? 'Choose…' : `Default${fallback ? ` (${fallback})` : ''}`}</option>}
      {options.map(([option, label], i) => (
        <option key={String(option)} value={String(i)}>
          {label}
        </option>
      ))}
      {selected === 'other' && <option value="other">{JSON.stringify(value)} (not known)</option>}
    </select>
  );
}
