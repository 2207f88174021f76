/**
 * The answer to one Try it call: for a classifier the predicted label and a bar a class (its
 * probability, highest first); for a regressor the value; then which version and node answered
 * and how long it took.
 */
import { formatNumber } from '../components/format';
import type { PredictionResult } from './types';

export function PredictionView({ result, labelName }: { result: PredictionResult; labelName: string }) {
  const prediction = result.predictions[0];
  if (!prediction) return <p className="muted">The deployment answered no prediction.</p>;
  const probabilities = [...(prediction.probabilities ?? [])].sort((a, b) => b.probability - a.probability);
  return (
    <div className="try-answer" data-testid="try-answer" role="status" aria-live="polite">
      {prediction.label != null ? (
        <p className="try-headline">
          {labelName || 'label'}: <strong data-testid="try-label">{prediction.label}</strong>
        </p>
      ) : prediction.value != null ? (
        <p className="try-headline">
          {labelName || 'value'}: <strong data-testid="try-value">{formatNumber(prediction.value)}</strong>
        </p>
      ) : (
        <p className="try-headline" data-testid="try-outputs">
          outputs: <code>[{(prediction.outputs ?? []).map((v) => (v === null ? 'null' : formatNumber(v))).join(', ')}]</code>
        </p>
      )}
      {probabilities.length > 0 && (
        <ul className="try-probabilities" aria-label="Class probabilities" data-testid="try-probabilities">
          {probabilities.map((p) => (
            <li key={p.label} data-testid="try-probability" data-label={p.label} data-probability={p.probability}>
              <span className="try-class">{p.label}</span>
              <span className="try-bar" aria-hidden="true">
                <span className="try-bar-fill" style={{ width: `${Math.max(0, Math.min(1, p.probability)) * 100}%` }} />
              </span>
              <span className="try-percent">{(p.probability * 100).toFixed(1)} %</span>
            </li>
          ))}
        </ul>
      )}
      <p className="muted small" data-testid="try-served-by">
        Version {result.versionNumber}
        {result.nodeName && <> on {result.nodeName}</>} · {formatNumber(result.latencyMs)} ms
      </p>
    </div>
  );
}
