/** The promotion module: champion and challenger, production moves, the model timeline (docs/promotion.md). */
import type { AccountsServices } from '../accounts/index.js';
import type { CatalogServices } from '../catalog/index.js';
import type { LeaderboardsServices } from '../leaderboards/index.js';
import type { MlServices } from '../ml/index.js';
import type { HubFloor, HubModule } from '../module.js';
import type { NotificationsServices } from '../notifications/index.js';
import type { SqlServices } from '../sql/index.js';
import { LeaderboardScores } from './benchmark-scores.js';
import { ModelTimeline } from './model-timeline.js';
import { PromotionResolver } from './promotion.resolver.js';
import { PromotionService } from './promotion.service.js';
import { ProductionMoves } from './production-moves.js';

/** Its GraphQL resolvers (static: `npm run schema` prints the SDL without a hub). */
export const promotionResolvers = [PromotionResolver] as const;

export interface PromotionServices {
  /** Rules, comparisons (judge for retraining runs), the model timeline (recordModelEvent). */
  promotion: PromotionService;
  /** The production alias: its moves by hand and roll-backs. */
  production: ProductionMoves;
}

export function promotionModule(
  { db, config, log }: HubFloor,
  { accounts }: Pick<AccountsServices, 'accounts'>,
  { catalog, publishing }: Pick<CatalogServices, 'catalog' | 'publishing'>,
  { sql }: Pick<SqlServices, 'sql'>,
  { ml }: Pick<MlServices, 'ml'>,
  { notificationFanOut }: Pick<NotificationsServices, 'notificationFanOut'>,
  { submissions }: Pick<LeaderboardsServices, 'submissions'>,
): HubModule<PromotionServices> {
  const timeline = new ModelTimeline(db, notificationFanOut);
  const production = new ProductionMoves(db, catalog, timeline);
  const promotion = new PromotionService(db, config, catalog, publishing, timeline, production, { sql, ml }, accounts, new LeaderboardScores(db, submissions, accounts), log.child({ component: 'promotion' }));
  return {
    name: 'promotion',
    services: { promotion, production },
    resolvers: promotionResolvers,
    housekeeping: () => promotion.failAbandoned(),
  };
}
