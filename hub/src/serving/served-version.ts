/**
 * Whether a model version can be served, and what its replicas need to know of it: the same checks
 * ML.PREDICT makes (ml/ml-plan.ts trainedVersion): its signature names features whose preprocessing
 * the agent applies (STANDARDIZE, ONE_HOT, none: schema/preprocessing.ts, the trainer's own code)
 * and it has model.json (a TF.js layers model).
 */
import { featureSpec, type FeatureSpec, type ServeFile } from '../../../schema/index.js';
import type { ModelVersion, StoredFeature, StoredLineage } from '../catalog/index.js';

export interface ServedVersion {
  versionId: string;
  versionNumber: number;
  task: 'classification' | 'regression';
  features: FeatureSpec[];
  labels: string[];
  labelName: string;
  /** model.json first, then the weight shards. */
  files: ServeFile[];
}

/** The version as served, or why it cannot be (a sentence naming the version as `shown`). */
export function servedVersion(version: Pick<ModelVersion, 'id' | 'number' | 'signature' | 'files' | 'lineage'>, shown: string): ServedVersion | string {
  const signature = (version.signature ?? {}) as { features?: StoredFeature[]; labels?: string[] };
  if (!signature.features || signature.features.length === 0) {
    return `${shown} is not a trained model that can be served: its signature names no features (train it with CREATE MODEL, or state its features and preprocessing)`;
  }
  const files = version.files ?? {};
  if (!Object.prototype.hasOwnProperty.call(files, 'model.json')) return `${shown} has no model.json (a TF.js layers model)`;
  const features: FeatureSpec[] = [];
  for (const f of signature.features) {
    const p = f.preprocessing ?? { kind: 'none' };
    const plain = p.kind === 'standardize' ? { kind: p.kind, mean: p.mean, std: p.std } : p.kind === 'one_hot' ? { kind: p.kind, vocabulary: p.vocabulary } : { kind: p.kind };
    const parsed = featureSpec.safeParse({ name: f.name, type: f.type, preprocessing: plain });
    if (!parsed.success) {
      return `${shown}: feature "${f.name}" has preprocessing ${String(p.kind).toUpperCase()}, which serving does not apply (it applies STANDARDIZE and ONE_HOT, as the trainer stores them)`;
    }
    features.push(parsed.data);
  }
  const labels = signature.labels ?? [];
  const lineage = (version.lineage ?? {}) as StoredLineage;
  const trainedLabel = lineage.hyperparameters?.label;
  const paths = ['model.json', ...Object.keys(files).filter((p) => p !== 'model.json')];
  return {
    versionId: version.id,
    versionNumber: version.number,
    task: labels.length > 0 ? 'classification' : 'regression',
    features,
    labels,
    labelName: typeof trainedLabel === 'string' && trainedLabel ? trainedLabel : 'label',
    files: paths.map((path) => ({ path, sha256: files[path].sha256, size: files[path].size })),
  };
}
