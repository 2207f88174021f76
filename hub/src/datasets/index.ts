/** Datasets (uploads, versions, profiles, the data market): what other domains may use. */
export type { DatasetVersion } from './dataset-version.entity.js';
export type { DatasetsService } from './datasets.service.js';
export { SANDBOX_READ_POLICY, protectDatasetTable } from './sandbox-read-policy.js';
