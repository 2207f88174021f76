/**
 * What retraining needs of the promotion service (hub/src/promotion, docs/promotion.md): judge a
 * challenger against the champion, take the promotion options written in SQL, and keep the model's
 * timeline. services.ts hands the promotion service to `retraining.usePromotion(…)`; a hub built
 * without it ends runs TRAINED, their versions left drafts.
 */
import type { PromotionService } from '../promotion/index.js';

export type { JudgeInput, JudgeOutcome, PromotionRuleInput } from '../promotion/index.js';

export type PromotionPort = Pick<PromotionService, 'judge' | 'setRuleFromSql' | 'recordModelEvent'>;
