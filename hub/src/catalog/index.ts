/** The model catalog: what other domains may use. */
export { CatalogService, type ModelInput, type ModelPatch, type VersionRef } from './catalog.service.js';
export { Model, ModelVisibility } from './model.entity.js';
export { ModelVersion, ModelVersionStatus, type ModelSignature } from './model-version.entity.js';
export { loadTf } from './layers-model-check.js';
export { ModelTooLargeError, type ReceivedFiles } from './multipart-files.js';
export type { StoredFeature, StoredLineage } from './version-metadata.js';
export type { FeatureSpecInput } from './version-metadata.js';
export type { VersionMetadataService } from './version-metadata.service.js';
