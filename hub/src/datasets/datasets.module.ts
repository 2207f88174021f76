/** The datasets module: uploads, versions, profiles, exports, the data market and dataset sharing. */
import type { AccountsServices } from '../accounts/index.js';
import type { HubModule, HubFloor } from '../module.js';
import { SubjectKind, type NotificationsServices } from '../notifications/index.js';
import { ResourceSharing } from '../sharing/index.js';
import { DatasetSharingResolver } from './dataset-sharing.resolver.js';
import { DATASET_SHARING, DatasetSharingService } from './dataset-sharing.service.js';
import { DatasetVersionResolver } from './dataset-version.resolver.js';
import { DatasetResolver } from './dataset.resolver.js';
import { datasetsRouter } from './datasets.routes.js';
import { DatasetsService } from './datasets.service.js';

/** Its GraphQL resolvers (static: `npm run schema` prints the SDL without a hub). */
export const datasetsResolvers = [DatasetResolver, DatasetVersionResolver, DatasetSharingResolver] as const;

export interface DatasetsServices {
  datasets: DatasetsService;
  datasetSharing: DatasetSharingService;
}

export function datasetsModule(
  { db, config, events, metrics }: HubFloor,
  /** The hub database's kind: the SQL sandbox's read policy differs on PGlite. */
  databaseKind: 'pglite' | 'postgres',
  { accounts, organizations, access }: Pick<AccountsServices, 'accounts' | 'organizations' | 'access'>,
  { notificationSubjects, notificationFanOut }: Pick<NotificationsServices, 'notificationSubjects' | 'notificationFanOut'>,
): HubModule<DatasetsServices> {
  const datasetAccess = new ResourceSharing(db, access, accounts, events, DATASET_SHARING);
  const datasets = new DatasetsService(db, config, databaseKind, organizations, datasetAccess, notificationFanOut, metrics);
  notificationSubjects.register(SubjectKind.DATASET, datasetAccess, datasets);
  return {
    name: 'datasets',
    services: { datasets, datasetSharing: new DatasetSharingService(datasets, datasetAccess) },
    resolvers: datasetsResolvers,
    routes: [{ path: '/datasets', router: datasetsRouter({ accounts, datasets }, metrics) }],
    // Upload files a crash left behind.
    async housekeeping() {
      await datasets.sweepUploads();
    },
  };
}
