/**
 * What the hub says the spec makes, like Keras's `model.summary()`: each layer's name, type,
 * output shape and parameter count, then the totals; or why it cannot. A layer with a problem is
 * highlighted and links to its place in the layer list; problems with the spec as a whole are
 * listed above the table.
 */
import { DataTable } from '../components/DataTable';
import { ErrorMessage } from '../components/ErrorMessage';
import type { GraphQLRequestError } from '../api/graphql-request-error';
import { LAYER_TYPE_LABELS, isLayerType } from './layer-fields';
import type { PlacedProblems } from './place-problems';
import type { SpecValidation } from './types';
import { formatShape } from './value-text';

export interface SpecSummaryProps {
  result: SpecValidation | undefined;
  problems: PlacedProblems;
  checking: boolean;
  error: GraphQLRequestError | undefined;
  /** The JSON does not parse: say so instead of judging an old spec. */
  parseError: string | null;
}

const count = (value: number | null) => (value === null ? '?' : value.toLocaleString());

export function SpecSummary({ result, problems, checking, error, parseError }: SpecSummaryProps) {
  const problemCount = result?.errors.length ?? 0;
  const overall = overallMessages(problems);
  return (
    <section className="card" aria-labelledby="summary-heading" aria-busy={checking} data-testid="spec-summary">
      <div className="toolbar">
        <h2 id="summary-heading">Summary</h2>
        <span className="small" role="status" data-testid="spec-status" data-valid={result && !parseError ? String(result.valid) : undefined}>
          {parseError ? (
            <span className="field-error">The JSON does not parse</span>
          ) : !result ? (
            <span className="muted">Checking…</span>
          ) : result.valid ? (
            <span className="badge status-succeeded">Valid</span>
          ) : (
            <span className="badge status-failed">
              {problemCount} problem{problemCount === 1 ? '' : 's'}
            </span>
          )}
          {checking && result && <span className="muted"> · checking…</span>}
        </span>
      </div>
      <ErrorMessage error={error} />
      {result && (
        <>
          {overall.length > 0 && (
            <ul className="spec-problems" data-testid="spec-problems">
              {overall.map((message) => (
                <li key={message} className="field-error">
                  {message}
                </li>
              ))}
            </ul>
          )}
          <DataTable
            rows={result.layers}
            rowKey={(layer) => String(layer.index)}
            rowAttributes={(layer) => ({
              'data-testid': 'summary-row',
              'data-index': String(layer.index),
              'data-invalid': problems.layers.has(layer.index) ? 'true' : undefined,
              className: problems.layers.has(layer.index) ? 'has-error' : undefined,
            })}
            caption="Layers, their output shapes and parameter counts"
            testId="summary-table"
            empty="No layers to summarize."
            columns={[
              { header: '#', className: 'number', cell: (layer) => layer.index + 1 },
              {
                header: 'Layer',
                cell: (layer) => (
                  <a href={`#layer-${layer.index}`} data-testid="summary-name">
                    {layer.name || `layer ${layer.index + 1}`}
                  </a>
                ),
              },
              { header: 'Type', cell: (layer) => (isLayerType(layer.type) ? LAYER_TYPE_LABELS[layer.type] : layer.type || '—') },
              { header: 'Output shape', className: 'nowrap', cell: (layer) => <code data-testid="summary-shape">{formatShape(layer.outputShape)}</code> },
              { header: 'Params', className: 'number', cell: (layer) => <span data-testid="summary-params">{count(layer.params)}</span> },
            ]}
          />
          <dl className="facts">
            <dt>Total parameters</dt>
            <dd data-testid="total-params">{count(result.totalParams)}</dd>
            <dt>Trainable</dt>
            <dd data-testid="trainable-params">{count(result.trainableParams)}</dd>
            {result.totalParams !== null && result.trainableParams !== null && (
              <>
                <dt>Non-trainable</dt>
                <dd>{count(result.totalParams - result.trainableParams)}</dd>
              </>
            )}
          </dl>
        </>
      )}
    </section>
  );
}

/** The problems that belong to no layer: the spec's, its top-level fields' and its inputs'. */
function overallMessages(problems: PlacedProblems): string[] {
  const top = Object.entries(problems.top).flatMap(([field, messages]) => messages.map((message) => `${field}: ${message}`));
  const inputs = [...problems.inputs].flatMap(([index, item]) =>
    [...item.general, ...Object.entries(item.fields).flatMap(([field, messages]) => messages.map((message) => `${field}: ${message}`))].map(
      (message) => `input ${index + 1}: ${message}`,
    ),
  );
  return [...problems.spec, ...top, ...inputs];
}
