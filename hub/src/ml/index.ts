/** ML.PREDICT and ML.EVALUATE by SQL (`predict` jobs on agents): what other domains may use. */
export { MlService, CLASSIFICATION_METRICS, REGRESSION_METRICS } from './ml.service.js';
export { MlJobFiles } from './ml-job-files.js';
export { mlFilesRouter } from './ml-files.routes.js';
export { MlResolver } from './ml.resolver.js';
export { mlSqlRouter } from './ml-sql.routes.js';
