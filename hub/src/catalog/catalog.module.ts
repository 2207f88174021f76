/** The catalog module: models, versions, aliases, forks, sharing, publishing, version metadata, deletion. */
import type { AccountsServices } from '../accounts/index.js';
import type { ArtifactsServices } from '../artifacts/index.js';
import type { DatasetsServices } from '../datasets/index.js';
import type { HubFloor, HubModule } from '../module.js';
import { SubjectKind, type NotificationsServices } from '../notifications/index.js';
import { ResourceSharing } from '../sharing/index.js';
import { CatalogService } from './catalog.service.js';
import { ModelDeletionResolver } from './model-deletion.resolver.js';
import { ModelDeletionService } from './model-deletion.service.js';
import { ModelForksService } from './model-forks.service.js';
import { WorkerModelLoader } from './model-loader.js';
import { ModelSharingResolver } from './model-sharing.resolver.js';
import { MODEL_SHARING, ModelSharingService } from './model-sharing.service.js';
import { ModelVersionResolver } from './model-version.resolver.js';
import { ModelResolver } from './model.resolver.js';
import { modelsRouter } from './models.routes.js';
import { PublishingResolver } from './publishing.resolver.js';
import { PublishingService } from './publishing.service.js';
import { VersionMetadataResolver } from './version-metadata.resolver.js';
import { VersionMetadataService } from './version-metadata.service.js';
import { VersionListeners } from './version-listeners.js';

/** Its GraphQL resolvers (static: `npm run schema` prints the SDL without a hub). */
export const catalogResolvers = [PublishingResolver, VersionMetadataResolver, ModelResolver, ModelVersionResolver, ModelSharingResolver, ModelDeletionResolver] as const;

export interface CatalogServices {
  catalog: CatalogService;
  modelSharing: ModelSharingService;
  modelForks: ModelForksService;
  modelDeletion: ModelDeletionService;
  publishing: PublishingService;
  versionMetadata: VersionMetadataService;
  /** Hears each version added or whose metadata was set, after the commit (leaderboards' standing benchmarks listen). */
  versionListeners: VersionListeners;
}

export function catalogModule(
  { db, config, events, signals, metrics, log }: HubFloor,
  { accounts, organizations, access }: Pick<AccountsServices, 'accounts' | 'organizations' | 'access'>,
  { artifacts, blobSweeper }: ArtifactsServices,
  { datasets }: Pick<DatasetsServices, 'datasets'>,
  { notificationSubjects, notificationFanOut }: Pick<NotificationsServices, 'notificationSubjects' | 'notificationFanOut'>,
): HubModule<CatalogServices> {
  const modelAccess = new ResourceSharing(db, access, accounts, events, MODEL_SHARING);
  const versionListeners = new VersionListeners(log.child({ component: 'catalog' }));
  const catalog = new CatalogService(db, config, artifacts, modelAccess, organizations, blobSweeper, new WorkerModelLoader(), versionListeners, signals);
  notificationSubjects.register(SubjectKind.MODEL, modelAccess, catalog);
  return {
    name: 'catalog',
    services: {
      catalog,
      modelSharing: new ModelSharingService(db, catalog, modelAccess),
      modelForks: new ModelForksService(db, catalog, organizations),
      modelDeletion: new ModelDeletionService(db, catalog, blobSweeper, log.child({ component: 'catalog' })),
      publishing: new PublishingService(db, catalog, events, notificationFanOut),
      versionMetadata: new VersionMetadataService(db, catalog, datasets, versionListeners),
      versionListeners,
    },
    resolvers: catalogResolvers,
    routes: [{ path: '/models', router: modelsRouter({ accounts, catalog }, metrics) }],
  };
}
