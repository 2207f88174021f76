/** The training module: CREATE MODEL by SQL, tuning, training runs and epochs, the training agent's door; the `train` job kind. */
import type { AccountsServices } from '../accounts/index.js';
import type { ArchitecturesServices } from '../architectures/index.js';
import type { ArtifactsServices } from '../artifacts/index.js';
import type { CatalogServices } from '../catalog/index.js';
import type { ComputeServices } from '../compute/index.js';
import type { DatasetsServices } from '../datasets/index.js';
import type { HubFloor, HubModule } from '../module.js';
import type { SqlServices } from '../sql/index.js';
import { TrainingAgentDoor } from './training-agent-door.js';
import { trainingAgentRouter } from './training-agent.routes.js';
import { TrainedVersions } from './trained-versions.js';
import { trainingInfo } from './training-info.js';
import { TrainingTuner } from './training-tuner.js';
import { TrainingCurveResolver, TrainingRunResolver } from './training.resolver.js';
import { TrainingService } from './training.service.js';

/** Training: row-epochs a typical CPU node (TF.js on WASM) fits per second on a small network. */
const TRAIN_ROW_EPOCHS_PER_SECOND = 20_000;

/** Its GraphQL resolvers (static: `npm run schema` prints the SDL without a hub). */
export const trainingResolvers = [TrainingRunResolver, TrainingCurveResolver] as const;

export interface TrainingServices {
  /** Training by SQL: CREATE MODEL jobs, ML.TRIAL_INFO, training runs and their epochs. */
  training: TrainingService;
  /** The training agent's job-token door: rows, epochs, checkpoints, the trained model. */
  trainingAgentDoor: TrainingAgentDoor;
  /** Listeners told when a CREATE MODEL run's version is made (serving deploys it when asked). */
  trainedVersions: Pick<TrainedVersions, 'onTrained'>;
}

export function trainingModule(
  { db, config, events, metrics, log }: HubFloor,
  { organizations }: Pick<AccountsServices, 'organizations'>,
  { jobs, scheduler }: Pick<ComputeServices, 'jobs' | 'scheduler'>,
  { artifacts, blobSweeper }: ArtifactsServices,
  { datasets }: Pick<DatasetsServices, 'datasets'>,
  { catalog, versionMetadata }: Pick<CatalogServices, 'catalog' | 'versionMetadata'>,
  { architectures }: ArchitecturesServices,
  { sql }: SqlServices,
): HubModule<TrainingServices> {
  const trainedVersions = new TrainedVersions(db, log.child({ component: 'trained-versions' }));
  const tuner = new TrainingTuner(db, catalog, jobs, blobSweeper, events, log.child({ component: 'tuning' }), trainedVersions);
  const trainingAgentDoor = new TrainingAgentDoor(db, config, sql, catalog, versionMetadata, artifacts, blobSweeper, events, log.child({ component: 'training' }), trainedVersions, metrics);
  const training = new TrainingService(db, config, sql, catalog, architectures, organizations, datasets, jobs, events, tuner, (jobId, run) => trainingAgentDoor.prefetchRows(jobId, run));
  return {
    name: 'training',
    services: { training, trainingAgentDoor, trainedVersions },
    resolvers: trainingResolvers,
    routes: [{ path: '/jobs', router: trainingAgentRouter({ scheduler, config, trainingAgentDoor }), jobTokenOnly: true }],
    sqlStatements: {
      CREATE_MODEL: (principal, prepared) => training.createModel(principal, prepared),
      ML_TRAINING_INFO: (principal, prepared, page) => trainingInfo({ db, catalog }, principal, prepared, page),
      ML_TRIAL_INFO: (principal, prepared, page) => training.trialInfo(principal, prepared, page),
    },
    jobKinds: {
      // Made by CREATE MODEL; its result is checked against the run it belongs to.
      train: {
        submittable: false,
        readsData: true,
        work: (p) => (p.rowCount * p.hyperparameters.epochs) / TRAIN_ROW_EPOCHS_PER_SECOND,
        checkResult: (job, result) => training.checkResult(job.id, result),
      },
    },
    // Tuning: queues trials as slots free up, and goes on with running tunings after a restart.
    // A version made just before the hub stopped is deployed now, when its statement asked.
    start: () => {
      tuner.start();
      void trainedVersions.resume().catch((error: unknown) => log.warn({ err: error }, 'could not resume deploying trained versions'));
    },
    stop: () => tuner.close(),
  };
}
