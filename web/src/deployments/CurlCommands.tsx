/** The Try it call as curl for TF Serving's and KServe v2's REST shapes, each with a copy button. */
import { CodeSnippet } from '../components/CodeSnippet';
import { kserveCurl, KEY_NOTE, tfServingCurl } from './curl-commands';
import type { FeatureValue } from './feature-values';
import type { TryDeployment } from './types';

export function CurlCommands({ deployment, instance }: { deployment: TryDeployment; instance: Record<string, FeatureValue> }) {
  const origin = window.location.origin;
  return (
    <details className="try-curl" open data-testid="try-curl">
      <summary>The same call with curl</summary>
      <p className="muted small">{KEY_NOTE}</p>
      <CodeSnippet label="TF Serving REST" code={tfServingCurl(origin, deployment, instance)} testId="try-curl-tfserving" />
      <CodeSnippet label="KServe v2 (Open Inference Protocol)" code={kserveCurl(origin, deployment, instance)} testId="try-curl-kserve" />
    </details>
  );
}
