/**
 * The spec in two views over one document: "Layers" (forms, LayerEditor.tsx) and "JSON"
 * (CodeMirror). Both show the hub's problems: the layer view beside each field, the JSON view
 * as a list under the text.
 */
import { lazy, Suspense, useId, useState } from 'react';
import { LayerEditor } from './LayerEditor';
import type { PlacedProblems } from './place-problems';
import { isObject } from './spec-edits';
import type { LayerSummary, SpecProblem } from './types';
import type { SpecDocument } from './use-spec-document';

// CodeMirror is most of the editor's weight: loaded when the JSON view is first opened.
const JsonEditor = lazy(() => import('./JsonEditor').then((module) => ({ default: module.JsonEditor })));

type View = 'layers' | 'json';

export interface SpecEditorProps {
  document: SpecDocument;
  problems: PlacedProblems;
  errors: readonly SpecProblem[];
  summaries: readonly LayerSummary[];
}

export function SpecEditor({ document, problems, errors, summaries }: SpecEditorProps) {
  const [view, setView] = useState<View>('layers');
  const id = useId();
  const parseErrorId = `${id}-parse-error`;
  const { spec, parseError } = document;

  return (
    <section className="card spec-editor" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`} className="visually-hidden">
        Spec
      </h2>
      <div className="tabs" role="tablist" aria-label="Spec views">
        {(['layers', 'json'] as const).map((name) => (
          <button
            key={name}
            type="button"
            role="tab"
            id={`${id}-tab-${name}`}
            aria-selected={view === name}
            aria-controls={`${id}-panel`}
            className={view === name ? 'tab selected' : 'tab'}
            onClick={() => setView(name)}
            data-testid={`view-${name}`}
          >
            {name === 'layers' ? 'Layers' : 'JSON'}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`${id}-panel`} aria-labelledby={`${id}-tab-${view}`} className="tab-body">
        {view === 'layers' ? (
          parseError ? (
            <p className="alert" role="alert">
              The JSON does not parse ({parseError}). Fix it in the JSON view to edit the layers here.
            </p>
          ) : isObject(spec) ? (
            <LayerEditor spec={spec} onChange={document.setSpec} problems={problems} summaries={summaries} />
          ) : (
            <p className="alert" role="alert">
              A spec is a JSON object like {'{ "kind": "sequential", "inputShape": [4], "layers": [...] }'}; edit it in the JSON view.
            </p>
          )
        ) : (
          <>
            <Suspense fallback={<p className="muted">Loading the JSON editor…</p>}>
              <JsonEditor
                value={document.text}
                onChange={document.setText}
                label="Model spec as JSON"
                describedBy={parseError ? parseErrorId : undefined}
                invalid={parseError !== null}
                testId="spec-json"
              />
            </Suspense>
            <div className="button-row json-actions">
              <button type="button" className="button secondary small" disabled={parseError !== null} onClick={() => document.setSpec(spec)} data-testid="format-json">
                Format
              </button>
            </div>
            {parseError && (
              <p id={parseErrorId} className="field-error" data-testid="spec-json-error">
                {parseError}
              </p>
            )}
            {!parseError && errors.length > 0 && (
              <ul className="spec-problems" data-testid="spec-json-problems">
                {errors.map((error, index) => (
                  <li key={index} className="field-error">
                    <code>{error.path || 'spec'}</code> {error.message}
                  </li>
                ))}
              </ul>
            )}
          </>
        )}
      </div>
    </section>
  );
}
