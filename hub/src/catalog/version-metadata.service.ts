/**
 * The signature features, labels, metrics and lineage of a model version.
 *
 * An uploader states them for a draft (an externally trained model); the trainer records them
 * itself for the versions it makes. Once published they are as immutable as the files. Lineage
 * points at rows by id and is resolved per reader: a dataset version or parent model version the
 * reader may not read is null for them, never a name they should not learn.
 */
import type { VersionListeners } from './version-listeners.js';
import type { DataSource } from 'typeorm';
import type { Principal } from '../accounts/index.js';
import { checks, type Checks } from '../validation/checks.js';
import type { DatasetsService } from '../datasets/index.js';
import { AppError } from '../errors.js';
import type { CatalogService } from './catalog.service.js';
import { ModelVersion, ModelVersionStatus, type ModelSignature } from './model-version.entity.js';
import {
  FeatureType,
  PreprocessingKind,
  type FeatureSpecInput,
  type ModelLineage,
  type ModelSignatureType,
  type ModelVersionMetadataInput,
  type StoredFeature,
  type StoredLineage,
  type VersionRef,
} from './version-metadata.js';

const MAX_FEATURES = 10_000;
const MAX_VOCABULARY = 100_000;
const MAX_METRICS = 100;
const MAX_HYPERPARAMETERS_BYTES = 64 * 1024;

const NUMERIC = new Set([FeatureType.NUMBER, FeatureType.INTEGER]);
/** Which preprocessing fields each kind needs; the others must be absent. */
const NEEDS: Record<PreprocessingKind, (keyof NonNullable<FeatureSpecInput['preprocessing']>)[]> = {
  [PreprocessingKind.NONE]: [],
  [PreprocessingKind.STANDARDIZE]: ['mean', 'std'],
  [PreprocessingKind.MIN_MAX]: ['min', 'max'],
  [PreprocessingKind.ONE_HOT]: ['vocabulary'],
  [PreprocessingKind.INDEX]: ['vocabulary'],
};
const OPTIONAL_FIELDS = ['mean', 'std', 'min', 'max', 'vocabulary'] as const;

/** How many input values a feature takes after preprocessing. */
const width = (f: StoredFeature) => (f.preprocessing.kind === PreprocessingKind.ONE_HOT ? f.preprocessing.vocabulary!.length : 1);

/** The size of the last dimension of a single rank-2 tensor ([batch, k]), or undefined. */
function flatWidth(tensors: { shape: (number | null)[] }[] | undefined): number | undefined {
  if (tensors?.length !== 1) return undefined;
  const shape = tensors[0].shape;
  return shape.length === 2 && typeof shape[1] === 'number' ? shape[1] : undefined;
}

function checkFeatures(c: Checks, features: FeatureSpecInput[]): StoredFeature[] {
  if (features.length > MAX_FEATURES) c.add('features', `at most ${MAX_FEATURES} features`);
  const seen = new Set<string>();
  return features.slice(0, MAX_FEATURES).map((f, i) => {
    const at = `features.${i}`;
    c.text(`${at}.name`, f.name, { max: 200 });
    if (seen.has(f.name)) c.add(`${at}.name`, `"${f.name}" appears twice`);
    seen.add(f.name);
    const p = f.preprocessing ?? { kind: PreprocessingKind.NONE };
    const needs = NEEDS[p.kind];
    for (const field of OPTIONAL_FIELDS) {
      const given = p[field] != null;
      if (needs.includes(field) && !given) c.add(`${at}.preprocessing.${field}`, `${p.kind.toUpperCase()} needs ${field}`);
      if (!needs.includes(field) && given) c.add(`${at}.preprocessing.${field}`, `does not apply to ${p.kind.toUpperCase()}`);
    }
    for (const field of ['mean', 'std', 'min', 'max'] as const) {
      if (p[field] != null && !Number.isFinite(p[field])) c.add(`${at}.preprocessing.${field}`, 'must be a finite number');
    }
    if ((p.kind === PreprocessingKind.STANDARDIZE || p.kind === PreprocessingKind.MIN_MAX) && !NUMERIC.has(f.type)) {
      c.add(`${at}.preprocessing.kind`, `${p.kind.toUpperCase()} needs a NUMBER or INTEGER feature`);
    }
    if (p.kind === PreprocessingKind.STANDARDIZE && p.std != null && !(p.std > 0)) c.add(`${at}.preprocessing.std`, 'must be greater than 0');
    if (p.kind === PreprocessingKind.MIN_MAX && p.min != null && p.max != null && !(p.max > p.min)) c.add(`${at}.preprocessing.max`, 'must be greater than min');
    if (p.vocabulary != null) {
      if (p.vocabulary.length === 0 || p.vocabulary.length > MAX_VOCABULARY) c.add(`${at}.preprocessing.vocabulary`, `needs 1–${MAX_VOCABULARY} entries`);
      if (new Set(p.vocabulary).size !== p.vocabulary.length) c.add(`${at}.preprocessing.vocabulary`, 'has duplicate entries');
      if (p.vocabulary.some((v) => v.length > 200)) c.add(`${at}.preprocessing.vocabulary`, 'entries must be at most 200 characters');
    }
    const preprocessing = Object.fromEntries(Object.entries({ kind: p.kind, ...Object.fromEntries(OPTIONAL_FIELDS.map((k) => [k, p[k]])) }).filter(([, v]) => v != null));
    return { name: f.name, type: f.type, preprocessing: preprocessing as unknown as StoredFeature['preprocessing'] };
  });
}

function checkMetrics(c: Checks, metrics: Record<string, unknown>): Record<string, number> {
  if (typeof metrics !== 'object' || Array.isArray(metrics)) {
    c.add('metrics', 'must be an object of { name: number }');
    return {};
  }
  const entries = Object.entries(metrics);
  if (entries.length > MAX_METRICS) c.add('metrics', `at most ${MAX_METRICS} metrics`);
  for (const [name, value] of entries) {
    c.text(`metrics.${name}`, name, { max: 100 });
    if (typeof value !== 'number' || !Number.isFinite(value)) c.add(`metrics.${name}`, 'must be a finite number');
  }
  return Object.fromEntries(entries) as Record<string, number>;
}

/** The signature with the given features and labels, each checked against the model's input and output widths. */
function withFeaturesAndLabels(
  c: Checks,
  stored: ModelSignature | null,
  input: { features?: FeatureSpecInput[] | null; labels?: string[] | null },
): ModelSignature & { features?: StoredFeature[]; labels?: string[] } {
  const signature = { ...(stored ?? { inputs: [], outputs: [] }) } as ModelSignature & { features?: StoredFeature[]; labels?: string[] };
  if (input.features != null) {
    const features = checkFeatures(c, input.features);
    const expected = flatWidth(signature.inputs);
    const given = features.reduce((n, f) => n + width(f), 0);
    if (expected !== undefined && features.length > 0 && given !== expected) {
      c.add('features', `the model's input takes ${expected} values per example, these features give ${given} (ONE_HOT counts one per vocabulary entry)`);
    }
    signature.features = features;
  }
  if (input.labels != null) {
    if (input.labels.length > MAX_FEATURES) c.add('labels', `at most ${MAX_FEATURES} labels`);
    input.labels.slice(0, MAX_FEATURES).forEach((l, i) => c.text(`labels.${i}`, l, { max: 200 }));
    const outputs = flatWidth(signature.outputs);
    if (outputs !== undefined && input.labels.length > 0 && input.labels.length !== outputs) c.add('labels', `the model has ${outputs} outputs, ${input.labels.length} labels were given`);
    signature.labels = input.labels;
  }
  return signature;
}

export class VersionMetadataService {
  constructor(
    private readonly db: DataSource,
    private readonly catalog: CatalogService,
    private readonly datasets: DatasetsService,
    /** Told of each draft whose metadata was set, after the save. */
    private readonly versionListeners?: VersionListeners,
  ) {}

  /** Replaces the given parts of a draft's metadata. Needs write access; CONFLICT once published. */
  async set(principal: Principal, owner: string, name: string, number: number, input: ModelVersionMetadataInput): Promise<ModelVersion> {
    await this.catalog.get(principal, owner, name, 'write');
    const version = await this.catalog.version(principal, owner, name, { number });
    if (version.status !== ModelVersionStatus.DRAFT) throw new AppError('CONFLICT', 'Only a draft’s metadata can change; unpublish the version first');
    const c = checks();
    const signature = withFeaturesAndLabels(c, version.signature, input);
    const metrics = input.metrics != null ? checkMetrics(c, input.metrics) : version.metrics;
    let lineage = version.lineage as StoredLineage | null;
    if (input.lineage != null) {
      const l = input.lineage;
      if (l.hyperparameters != null && (typeof l.hyperparameters !== 'object' || Array.isArray(l.hyperparameters))) c.add('lineage.hyperparameters', 'must be an object');
      else if (l.hyperparameters != null && Buffer.byteLength(JSON.stringify(l.hyperparameters)) > MAX_HYPERPARAMETERS_BYTES) c.add('lineage.hyperparameters', `must be at most ${MAX_HYPERPARAMETERS_BYTES} bytes of JSON`);
      c.throwIfAny();
      // A reference the uploader may not read is NOT_FOUND, as everywhere.
      const dataset = l.dataset ? await this.datasets.version(principal, l.dataset.owner, l.dataset.name, l.dataset.number) : undefined;
      const parent = l.parent ? await this.catalog.version(principal, l.parent.owner, l.parent.name, { number: l.parent.number }) : undefined;
      if (parent?.id === version.id) c.add('lineage.parent', 'a version cannot be its own parent');
      lineage = {
        declared: true,
        ...(dataset ? { datasetVersionId: dataset.id } : {}),
        ...(parent ? { parentVersionId: parent.id } : {}),
        ...(l.hyperparameters ? { hyperparameters: l.hyperparameters } : {}),
      };
    }
    c.throwIfAny();
    version.signature = signature;
    version.metrics = metrics;
    version.lineage = lineage as Record<string, unknown> | null;
    const saved = await this.db.getRepository(ModelVersion).save(version);
    void this.versionListeners?.emit({ modelId: saved.modelId, number: saved.number });
    return saved;
  }

  /**
   * A trained version's features, labels and metrics (reported by an untrusted agent), checked by
   * the same rules as an uploader's: answers the signature to store and the metrics, or throws
   * BAD_USER_INPUT naming each problem.
   */
  checkTrainedMetadata(
    signature: ModelSignature,
    input: { features: FeatureSpecInput[]; labels: string[]; metrics: Record<string, unknown> },
  ): { signature: ModelSignature; metrics: Record<string, number> } {
    const c = checks();
    const checked = withFeaturesAndLabels(c, signature, input);
    const metrics = checkMetrics(c, input.metrics);
    c.throwIfAny();
    return { signature: checked, metrics };
  }

  signatureOf(version: ModelVersion): ModelSignatureType | null {
    const s = version.signature as (ModelVersion['signature'] & { features?: StoredFeature[]; labels?: string[] }) | null;
    if (!s) return null;
    return { inputs: s.inputs, outputs: s.outputs, features: s.features ?? [], labels: s.labels ?? [] };
  }

  /**
   * The lineage as this reader may see it: a dataset version they may not read is counted in
   * `hiddenDatasets` but not named (a deleted one neither), and the training query is withheld
   * unless they may read every dataset version it read.
   */
  async lineageOf(principal: Principal | null, version: ModelVersion): Promise<ModelLineage | null> {
    const l = version.lineage as StoredLineage | null;
    if (!l) return null;
    const datasets: VersionRef[] = [];
    let hidden = 0;
    for (const id of l.datasetVersionIds ?? (l.datasetVersionId ? [l.datasetVersionId] : [])) {
      const ref = await this.datasetRef(principal, id);
      if (ref) datasets.push(ref);
      else hidden++;
    }
    return {
      dataset: l.datasetVersionId ? await this.datasetRef(principal, l.datasetVersionId) : null,
      datasets,
      hiddenDatasets: hidden,
      nodeId: l.nodeId ?? null,
      trainingJobId: l.trainingJobId ?? null,
      // The training query names its datasets and what it read of them: only for readers of all of them.
      sql: hidden === 0 ? (l.sql ?? null) : null,
      spec: l.spec ?? null,
      hyperparameters: l.hyperparameters ?? null,
      parent: l.parentVersionId ? await this.modelRef(principal, l.parentVersionId) : null,
      declared: l.declared ?? false,
    };
  }

  private async datasetRef(principal: Principal | null, versionId: string): Promise<VersionRef | null> {
    return this.readableRef(
      `SELECT d.name, v.number, coalesce(u.username, o.handle) AS owner FROM dataset_versions v JOIN datasets d ON d.id = v.dataset_id
       LEFT JOIN users u ON u.id = d.owner_id LEFT JOIN organizations o ON o.id = d.owner_id WHERE v.id = $1`,
      versionId,
      (ref) => this.datasets.get(principal, ref.owner, ref.name),
    );
  }

  private async modelRef(principal: Principal | null, versionId: string): Promise<VersionRef | null> {
    return this.readableRef(
      `SELECT m.name, v.number, coalesce(u.username, o.handle) AS owner FROM model_versions v JOIN models m ON m.id = v.model_id
       LEFT JOIN users u ON u.id = m.owner_id LEFT JOIN organizations o ON o.id = m.owner_id WHERE v.id = $1`,
      versionId,
      (ref) => this.catalog.get(principal, ref.owner, ref.name),
    );
  }

  /** The row as owner/name/number if it still exists and the reader may read it; otherwise null. */
  private async readableRef(sql: string, id: string, canRead: (ref: VersionRef) => Promise<unknown>): Promise<VersionRef | null> {
    const [row] = await this.db.query(sql, [id]);
    if (!row) return null;
    const ref = { owner: row.owner, name: row.name, number: Number(row.number) };
    try {
      await canRead(ref);
      return ref;
    } catch (error) {
      if (error instanceof AppError && error.code === 'NOT_FOUND') return null;
      throw error;
    }
  }
}
