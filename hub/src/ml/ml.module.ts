/** The ML module: ML.PREDICT and ML.EVALUATE by SQL, their results, the predict agent's door; the `predict` job kind. */
import type { ArtifactsServices } from '../artifacts/index.js';
import type { BenchmarksServices } from '../benchmarks/index.js';
import type { AccountsServices } from '../accounts/index.js';
import type { CatalogServices } from '../catalog/index.js';
import type { ComputeServices } from '../compute/index.js';
import type { DatasetsServices } from '../datasets/index.js';
import type { HubFloor, HubModule } from '../module.js';
import type { SqlServices } from '../sql/index.js';
import { MlAgentDoor } from './ml-agent-door.js';
import { mlAgentRouter } from './ml-agent.routes.js';
import { mlSqlRouter } from './ml-sql.routes.js';
import { MlResolver } from './ml.resolver.js';
import { MlService } from './ml.service.js';

/** Prediction: rows a typical CPU node reads, predicts and sends back per second. */
const PREDICT_ROWS_PER_SECOND = 5_000;

/** Its GraphQL resolvers (static: `npm run schema` prints the SDL without a hub). */
export const mlResolvers = [MlResolver] as const;

export interface MlServices {
  /** ML.PREDICT and ML.EVALUATE by SQL: `predict` jobs and their results. */
  ml: MlService;
  /** The predict agent's job-token door: model files, input rows, predictions. */
  mlAgentDoor: MlAgentDoor;
}

export function mlModule(
  { db, config, log }: HubFloor,
  { accounts }: Pick<AccountsServices, 'accounts'>,
  { jobs, scheduler }: Pick<ComputeServices, 'jobs' | 'scheduler'>,
  { artifacts }: Pick<ArtifactsServices, 'artifacts'>,
  { datasets }: Pick<DatasetsServices, 'datasets'>,
  { catalog }: Pick<CatalogServices, 'catalog'>,
  { sql }: SqlServices,
  { benchmarks }: Pick<BenchmarksServices, 'benchmarks'>,
): HubModule<MlServices> {
  const ml = new MlService(db, config, sql, catalog, datasets, jobs, log.child({ component: 'ml' }));
  const mlAgentDoor = new MlAgentDoor(db, config, sql, artifacts, (id, after, limit) => benchmarks.hiddenFeatures(id, after, limit));
  return {
    name: 'ml',
    services: { ml, mlAgentDoor },
    resolvers: mlResolvers,
    routes: [
      { path: '/jobs', router: mlAgentRouter({ scheduler, config, mlAgentDoor }), jobTokenOnly: true },
      { path: '/sql', router: mlSqlRouter({ accounts, ml }) },
    ],
    sqlStatements: {
      ML_PREDICT: (principal, prepared, page) => ml.run(principal, prepared, page),
      ML_EVALUATE: (principal, prepared, page) => ml.run(principal, prepared, page),
    },
    jobKinds: {
      // Made by ML.PREDICT and ML.EVALUATE; its result is checked against the job's rows.
      predict: {
        submittable: false,
        readsData: true,
        work: (p) => p.rowCount / PREDICT_ROWS_PER_SECOND,
        checkResult: (job, result) => ml.checkResult(job.id, result),
        onFailed: (job, reason) => ml.failed(job.id, reason),
      },
    },
    // Prediction results past their keep time.
    housekeeping: () => ml.sweepResults(),
  };
}
