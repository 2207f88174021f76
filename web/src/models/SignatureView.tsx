/**
 * What a version takes and gives: its input and output tensors (from loading it with TF.js), the
 * named features it reads in input order with the preprocessing each expects, and its class
 * labels in output order.
 */
import { DataTable } from '../components/DataTable';
import { formatNumber } from '../components/format';
import type { FeatureSpec, ModelSignature, TensorSpec } from './types';

export function SignatureView({ signature }: { signature: ModelSignature | null }) {
  if (!signature) return <p className="muted">No signature recorded.</p>;
  return (
    <div data-testid="signature">
      <div className="json-grid">
        <div>
          <h4>Inputs</h4>
          <TensorTable tensors={signature.inputs} testId="signature-inputs" />
        </div>
        <div>
          <h4>Outputs</h4>
          <TensorTable tensors={signature.outputs} testId="signature-outputs" />
        </div>
      </div>
      <h4>Features</h4>
      <DataTable
        rows={signature.features}
        rowKey={(feature) => feature.name}
        rowAttributes={(feature) => ({ 'data-testid': 'feature-row', 'data-feature': feature.name })}
        caption="Features, in input order"
        testId="signature-features"
        empty="No named features stated."
        columns={[
          { header: 'Feature', cell: (feature) => <code>{feature.name}</code> },
          { header: 'Type', cell: (feature) => feature.type.toLowerCase() },
          { header: 'Preprocessing', cell: (feature) => <Preprocessing feature={feature} /> },
        ]}
      />
      <h4>Labels</h4>
      {signature.labels.length > 0 ? (
        <ol className="labels" start={0} data-testid="signature-labels">
          {signature.labels.map((label, index) => (
            <li key={index}>
              <code>{label}</code>
            </li>
          ))}
        </ol>
      ) : (
        <p className="muted">No class labels stated.</p>
      )}
    </div>
  );
}

function TensorTable({ tensors, testId }: { tensors: TensorSpec[]; testId: string }) {
  return (
    <DataTable
      rows={tensors}
      rowKey={(tensor) => tensor.name}
      caption="Tensors"
      testId={testId}
      empty="none"
      columns={[
        { header: 'Name', cell: (tensor) => <code>{tensor.name}</code> },
        { header: 'Shape', cell: (tensor) => <code>[{tensor.shape.map((d) => (d === null ? 'null' : String(d))).join(', ')}]</code> },
        { header: 'Type', cell: (tensor) => tensor.dtype },
      ]}
    />
  );
}

/** STANDARDIZE (x − 12.5) / 3.1, MIN_MAX over [0, 100], ONE_HOT or INDEX over a vocabulary. */
function Preprocessing({ feature }: { feature: FeatureSpec }) {
  const p = feature.preprocessing;
  const n = (value: number | null) => (value === null ? '?' : formatNumber(value));
  switch (p.kind) {
    case 'NONE':
      return <span className="muted">as is</span>;
    case 'STANDARDIZE':
      return (
        <span>
          standardize: (x − {n(p.mean)}) / {n(p.std)}
        </span>
      );
    case 'MIN_MAX':
      return (
        <span>
          min–max: (x − {n(p.min)}) / ({n(p.max)} − {n(p.min)})
        </span>
      );
    case 'ONE_HOT':
    case 'INDEX':
      return (
        <span>
          {p.kind === 'ONE_HOT' ? 'one-hot' : 'index'} over {p.vocabulary?.length ?? 0} values
          {p.vocabulary && p.vocabulary.length > 0 && (
            <span className="muted small block" title={p.vocabulary.join(', ')}>
              {p.vocabulary.slice(0, 8).join(', ')}
              {p.vocabulary.length > 8 ? ', …' : ''}
            </span>
          )}
        </span>
      );
    default:
      return <span>{String(p.kind).toLowerCase()}</span>;
  }
}
