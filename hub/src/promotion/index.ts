/** Champion and challenger (promotion rules, comparisons, production moves) and the model timeline: what other domains may use. */
export { PRODUCTION, ProductionMoves } from './production-moves.js';
export { PromotionService, type JudgeInput, type JudgeOutcome, type ModelEventDetail } from './promotion.service.js';
export type { PromotionRuleInput } from './promotion-rule.js';
export { PromotionComparison } from './promotion-comparison.entity.js';
export { ModelTimelineEvent } from './model-timeline-event.entity.js';
export { promotionModule, promotionResolvers, type PromotionServices } from './promotion.module.js';

import type { PromotionServices } from './promotion.module.js';
declare module '../module.js' {
  // Declaration merging: the services bag names this module's services (module.ts).
  interface Services extends PromotionServices {}
}
