/** The model catalog: what other domains may use. */
export { CatalogService, type ModelInput, type ModelPatch, type VersionRef } from './catalog.service.js';
export { Model, ModelVisibility } from './model.entity.js';
export { ModelAlias } from './model-alias.entity.js';
export { ModelVersion, ModelVersionStatus, type ModelSignature } from './model-version.entity.js';
export { ModelTooLargeError, type ReceivedFiles } from './multipart-files.js';
export type { StoredFeature, StoredLineage } from './version-metadata.js';
export type { FeatureSpecInput } from './version-metadata.js';
export type { VersionMetadataService } from './version-metadata.service.js';
export type { PublishingService } from './publishing.service.js';
export { catalogModule, catalogResolvers, type CatalogServices } from './catalog.module.js';
export { modelBlobReferences } from './model-blob-references.js';
export type { ModelRanking } from './search.js';
export type { VersionChange, VersionListeners } from './version-listeners.js';

import type { CatalogServices } from './catalog.module.js';
declare module '../module.js' {
  // Declaration merging: the services bag names this module's services (module.ts).
  interface Services extends CatalogServices {}
}
