/**
 * Job kinds whose handlers use TF.js. Only these take the agent's spare worker (job-runner.ts),
 * whose TF.js may still be loading when the job arrives, and after one the next spare is readied;
 * any other kind (echo) gets a fresh worker that never loads TF.js.
 */
export const TF_JOB_KINDS: ReadonlySet<string> = new Set(['benchmark', 'train', 'predict', 'serve']);
