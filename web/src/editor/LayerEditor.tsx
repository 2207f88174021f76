/**
 * The spec as forms: its kind, what goes in (a sequential spec's input shape, a functional spec's
 * named inputs) and out (a functional spec's outputs), and the layer list, where layers are
 * added, retyped, edited, reordered and removed. Every change makes a new spec for `onChange`.
 */
import { useState } from 'react';
import { Field } from '../forms/Field';
import { DraftInput } from './DraftInput';
import { DTYPE_OPTIONS, LAYER_TYPE_LABELS, LAYER_TYPE_OPTIONS, type LayerType } from './layer-fields';
import { LayerCard } from './LayerCard';
import type { ItemProblems, PlacedProblems } from './place-problems';
import { unshownFieldMessages } from './place-problems';
import { addLayer, isFunctional, isObject, layersOf, moveLayer, removeLayer, toFunctional, toSequential, uniqueName, withField, withLayer, type JsonObject } from './spec-edits';
import type { LayerSummary } from './types';
import { readList, readNames, showList, showNames } from './value-text';

export interface LayerEditorProps {
  spec: JsonObject;
  onChange(spec: JsonObject): void;
  problems: PlacedProblems;
  summaries: readonly LayerSummary[];
}

const joined = (messages: string[] | undefined) => (messages && messages.length > 0 ? messages.join('; ') : undefined);

export function LayerEditor({ spec, onChange, problems, summaries }: LayerEditorProps) {
  const functional = isFunctional(spec);
  const layers = layersOf(spec);
  const [newType, setNewType] = useState<LayerType>('dense');

  return (
    <div className="layer-editor">
      <div className="inline-fields">
        <Field label="Kind" error={joined(problems.top.kind)} testId="spec-kind" hint={functional ? 'Named inputs and layers, any graph.' : 'One input, each layer feeding the next.'}>
          {(control) => (
            <select
              {...control}
              value={functional ? 'functional' : 'sequential'}
              onChange={(event) => {
                if (event.target.value === 'functional') onChange(toFunctional(spec));
                else if (window.confirm('Make this spec sequential? Each layer will feed the next; branches, inputs after the first and outputs are dropped.')) {
                  onChange(toSequential(spec));
                }
              }}
            >
              <option value="sequential">Sequential</option>
              <option value="functional">Functional</option>
            </select>
          )}
        </Field>
        {!functional && (
          <>
            <Field label="Input shape" hint="Without the batch, e.g. 28, 28, 1; ? for any size" error={joined(problems.top.inputShape)} testId="spec-input-shape">
              {(control) => <DraftInput {...control} type="text" value={spec.inputShape} read={(text) => readList(text, true)} show={showList} onChange={(value) => onChange(withField(spec, 'inputShape', value))} />}
            </Field>
            <DtypeField value={spec.inputDtype} error={joined(problems.top.inputDtype)} testId="spec-input-dtype" onChange={(value) => onChange(withField(spec, 'inputDtype', value))} />
          </>
        )}
      </div>

      {functional && <ModelInputs spec={spec} onChange={onChange} problems={problems} />}

      <h3 id="layers-heading">Layers</h3>
      {joined(problems.top.layers) && <p className="field-error" data-testid="spec-layers-error">{joined(problems.top.layers)}</p>}
      {layers ? (
        <ol className="layer-list" aria-labelledby="layers-heading" data-testid="layer-list">
          {layers.map((layer, index) => (
            <LayerCard
              // Layers have no ids; index keys keep each input's focus while typing, and a move re-renders both rows.
              key={index}
              layer={layer}
              index={index}
              count={layers.length}
              functional={functional}
              problems={problems.layers.get(index)}
              summary={summaries.find((summary) => summary.index === index)}
              onChange={(next) => onChange(withLayer(spec, index, next))}
              onMove={(to) => onChange(moveLayer(spec, index, to))}
              onRemove={() => onChange(removeLayer(spec, index))}
            />
          ))}
        </ol>
      ) : (
        <p className="muted">The spec has no list of layers; add one below or fix it in the JSON view.</p>
      )}
      <div className="inline-fields add-layer">
        <Field label="New layer" testId="new-layer-type">
          {(control) => (
            <select {...control} value={newType} onChange={(event) => setNewType(event.target.value as LayerType)}>
              {LAYER_TYPE_OPTIONS.map((option) => (
                <option key={option} value={option}>
                  {LAYER_TYPE_LABELS[option]}
                </option>
              ))}
            </select>
          )}
        </Field>
        <button type="button" className="button secondary" onClick={() => onChange(addLayer(spec, newType))} data-testid="add-layer">
          Add layer
        </button>
      </div>

      {functional && (
        <Field label="Outputs" hint="Names of the layers the model outputs, comma-separated" error={joined(problems.top.outputs)} testId="spec-outputs">
          {(control) => <DraftInput {...control} type="text" value={spec.outputs} read={(text) => (text.trim() ? readNames(text) : undefined)} show={showNames} onChange={(value) => onChange(withField(spec, 'outputs', value))} />}
        </Field>
      )}
    </div>
  );
}

function DtypeField({ value, onChange, error, testId }: { value: unknown; onChange(value: unknown): void; error: string | undefined; testId: string }) {
  const known = (DTYPE_OPTIONS as readonly unknown[]).includes(value);
  return (
    <Field label="Input type" hint="int32 for token ids that feed an embedding" error={error} testId={testId}>
      {(control) => (
        <select {...control} value={value === undefined ? '' : known ? String(value) : 'other'} onChange={(event) => event.target.value !== 'other' && onChange(event.target.value || undefined)}>
          <option value="">Default (float32)</option>
          {DTYPE_OPTIONS.map((dtype) => (
            <option key={dtype} value={dtype}>
              {dtype}
            </option>
          ))}
          {value !== undefined && !known && <option value="other">{JSON.stringify(value)} (not known)</option>}
        </select>
      )}
    </Field>
  );
}

/** A functional spec's inputs: each a name, a shape and a type. */
function ModelInputs({ spec, onChange, problems }: { spec: JsonObject; onChange(spec: JsonObject): void; problems: PlacedProblems }) {
  const inputs = Array.isArray(spec.inputs) ? spec.inputs : [];
  const setInput = (index: number, input: unknown) => {
    const next = [...inputs];
    next[index] = input;
    onChange({ ...spec, inputs: next });
  };
  return (
    <>
      <h3 id="inputs-heading">Inputs</h3>
      {joined(problems.top.inputs) && <p className="field-error">{joined(problems.top.inputs)}</p>}
      <ol className="input-list" aria-labelledby="inputs-heading">
        {inputs.map((input, index) => {
          const object = isObject(input) ? input : {};
          const itemProblems: ItemProblems | undefined = problems.inputs.get(index);
          const general = [...(itemProblems?.general ?? []), ...unshownFieldMessages(itemProblems, ['name', 'shape', 'dtype'])];
          return (
            <li key={index} className={itemProblems ? 'input-row has-error' : 'input-row'} data-testid="model-input" data-invalid={itemProblems ? 'true' : undefined}>
              <div className="inline-fields">
                <Field label="Name" error={joined(itemProblems?.fields.name)} testId={`input-${index}-name`}>
                  {(control) => (
                    <input {...control} type="text" value={typeof object.name === 'string' ? object.name : ''} onChange={(event) => setInput(index, withField(object, 'name', event.target.value || undefined))} />
                  )}
                </Field>
                <Field label="Shape" hint="Without the batch; ? for any size" error={joined(itemProblems?.fields.shape)} testId={`input-${index}-shape`}>
                  {(control) => <DraftInput {...control} type="text" value={object.shape} read={(text) => readList(text, true)} show={showList} onChange={(value) => setInput(index, withField(object, 'shape', value))} />}
                </Field>
                <DtypeField value={object.dtype} error={joined(itemProblems?.fields.dtype)} testId={`input-${index}-dtype`} onChange={(value) => setInput(index, withField(object, 'dtype', value))} />
                <button
                  type="button"
                  className="button danger small"
                  onClick={() => onChange({ ...spec, inputs: inputs.filter((_, i) => i !== index) })}
                  aria-label={`Remove input ${index + 1}`}
                  data-testid={`input-${index}-remove`}
                >
                  Remove
                </button>
              </div>
              {general.length > 0 && <p className="field-error">{general.join('; ')}</p>}
            </li>
          );
        })}
      </ol>
      <button
        type="button"
        className="button secondary small"
        onClick={() => onChange({ ...spec, inputs: [...inputs, { name: uniqueName(spec, 'input'), shape: [4] }] })}
        data-testid="add-input"
      >
        Add input
      </button>
    </>
  );
}
