/** Datasets (uploads, versions, profiles, the data market): what other domains may use. */
export { ColumnType, DatasetColumn, DatasetVersion, SQL_TYPES } from './dataset-version.entity.js';
export { Dataset } from './dataset.entity.js';
export type { DatasetsService } from './datasets.service.js';
export { SANDBOX_READ_POLICY, protectDatasetTable } from './sandbox-read-policy.js';
export { datasetsModule, datasetsResolvers, type DatasetsServices } from './datasets.module.js';

import type { DatasetsServices } from './datasets.module.js';
declare module '../module.js' {
  // Declaration merging: the services bag names this module's services (module.ts).
  interface Services extends DatasetsServices {}
}
