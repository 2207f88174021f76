/** Continuous training (retraining of models trained by SQL): what other domains may use. */
export { RetrainingService, type RetrainingView } from './retraining.service.js';
export { RetrainingRun, RetrainingRunState, RetrainingTrigger } from './retraining-run.entity.js';
export { RetrainingTriggers } from './retraining-trigger.entity.js';
export type { PromotionPort, JudgeInput, JudgeOutcome, PromotionRuleInput } from './promotion-port.js';
export { retrainingModule, retrainingResolvers, type RetrainingServices } from './retraining.module.js';

import type { RetrainingServices } from './retraining.module.js';
declare module '../module.js' {
  // Declaration merging: the services bag names this module's services (module.ts).
  interface Services extends RetrainingServices {}
}
