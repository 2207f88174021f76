/** The model catalog: what other domains may use. */
export { CatalogService, type ModelInput, type ModelPatch, type VersionRef } from './catalog.service.js';
export { Model, ModelVisibility } from './model.entity.js';
export { ModelVersion, ModelVersionStatus, type ModelSignature } from './model-version.entity.js';
export { loadTf } from './layers-model-check.js';
