/** The `serve` job: a deployment's replica (schema/serving.ts). */
import { PermanentJobError, type JobHandler } from '../job-handler.js';

export const serve: JobHandler<'serve'> = async () => {
  throw new PermanentJobError('this agent cannot serve yet');
};
