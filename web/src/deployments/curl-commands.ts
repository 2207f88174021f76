/**
 * The Try it call as curl, for the two REST front doors: TF Serving's row format
 * (`{"instances": [{…}]}`) and KServe's Open Inference Protocol v2 (one input a feature, shape
 * [1]: FP32 for numbers, BOOL for yes/no, BYTES for categories and text).
 */
import { featureKind, type FeatureValue } from './feature-values';
import type { DeploymentFeature, TryDeployment } from './types';

const KEY_HINT = 'API_KEY';

function curl(url: string, body: unknown): string {
  return [
    `curl -X POST '${url}' \\`,
    `  -H "Authorization: Bearer $${KEY_HINT}" \\`,
    "  -H 'Content-Type: application/json' \\",
    `  -d '${shellQuoted(JSON.stringify(body))}'`,
  ].join('\n');
}

/** Inside single quotes a quote is closed, escaped and reopened. */
function shellQuoted(text: string): string {
  return text.replace(/'/g, `'\\''`);
}

export function tfServingCurl(origin: string, deployment: Pick<TryDeployment, 'endpoints'>, instance: Record<string, FeatureValue>): string {
  return curl(`${origin}${deployment.endpoints.tfServing}`, { instances: [instance] });
}

export function kserveDatatype(feature: DeploymentFeature): 'FP32' | 'BOOL' | 'BYTES' {
  const kind = featureKind(feature);
  return kind === 'number' ? 'FP32' : kind === 'boolean' ? 'BOOL' : 'BYTES';
}

export function kserveBody(features: readonly DeploymentFeature[], instance: Record<string, FeatureValue>) {
  return {
    inputs: features.map((feature) => ({
      name: feature.name,
      shape: [1],
      datatype: kserveDatatype(feature),
      data: [instance[feature.name] ?? null],
    })),
  };
}

export function kserveCurl(origin: string, deployment: Pick<TryDeployment, 'endpoints' | 'features'>, instance: Record<string, FeatureValue>): string {
  return curl(`${origin}${deployment.endpoints.kserve}`, kserveBody(deployment.features, instance));
}

/** Where to get a key, said beside the commands. */
export const KEY_NOTE = `Set ${KEY_HINT} to an API key with the inference scope (Account → API keys).`;
