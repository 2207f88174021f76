/** The retraining module: triggers (SQL and GraphQL), the retraining loop and its runs; ALTER MODEL. */
import type { CatalogServices } from '../catalog/index.js';
import type { DatasetsServices } from '../datasets/index.js';
import type { HubFloor, HubModule } from '../module.js';
import type { SqlServices } from '../sql/index.js';
import type { TrainingServices } from '../training/index.js';
import { CronSchedules } from './cron-schedule.js';
import { fileClock, systemClock } from './retraining-clock.js';
import { RetrainingRuns } from './retraining-runs.js';
import { RetrainingTicker } from './retraining-ticker.js';
import { ModelRetrainingResolver, RetrainingResolver } from './retraining.resolver.js';
import { RetrainingService } from './retraining.service.js';

/** Its GraphQL resolvers (static: `npm run schema` prints the SDL without a hub). */
export const retrainingResolvers = [ModelRetrainingResolver, RetrainingResolver] as const;

export interface RetrainingServices {
  /** Retraining triggers and runs of models trained by SQL; `usePromotion` wires the judge. */
  retraining: RetrainingService;
}

export function retrainingModule(
  { db, config, log }: HubFloor,
  { catalog, modelSharing }: Pick<CatalogServices, 'catalog' | 'modelSharing'>,
  { datasets }: Pick<DatasetsServices, 'datasets'>,
  { sql }: SqlServices,
  { training, trainedVersions }: Pick<TrainingServices, 'training' | 'trainedVersions'>,
): HubModule<RetrainingServices> {
  const logger = log.child({ component: 'retraining' });
  const clock = config.retraining.clockFile ? fileClock(config.retraining.clockFile) : systemClock;
  const schedules = new CronSchedules();
  const runs = new RetrainingRuns(db, sql, training, logger);
  const retraining = new RetrainingService(db, clock, schedules, catalog, modelSharing, datasets, runs);
  const ticker = new RetrainingTicker(db, clock, schedules, runs, logger, config.retraining.tickMs);
  training.onCreateModel((event) => retraining.onCreateModel(event));
  // A run's version moves it on at once; the ticker catches what this misses (other hubs, restarts).
  trainedVersions.onTrained(async () => {
    await runs.advance().catch((error: unknown) => logger.warn({ err: error }, 'could not move retraining runs on'));
  });
  return {
    name: 'retraining',
    services: { retraining },
    resolvers: retrainingResolvers,
    sqlStatements: {
      ALTER_MODEL: (principal, prepared) => retraining.alterModel(principal, prepared),
    },
    start: () => ticker.start(),
    stop: async () => {
      await ticker.stop();
      schedules.close();
    },
  };
}
