/**
 * What retraining needs of the promotion service (hub/src/promotion, docs/promotion.md): judge a
 * challenger against the champion, take the promotion options written in SQL, and keep the model's
 * timeline. The shapes are the promotion module's own; the wiring hands its service to
 * `retraining.usePromotion(…)`. Without it, runs end TRAINED and their versions stay drafts.
 */
import type { Principal } from '../accounts/index.js';

export interface PromotionRuleInput {
  metric?: string;
  minImprovement?: number;
  tolerance?: number;
}

export interface JudgeInput {
  modelId: string;
  /** The draft version the run trained. */
  challengerVersion: number;
  /** A SELECT over pinned dataset versions (owner.name@n), the training columns; null: none. */
  holdoutSql: string | null;
  /** owner/name@n the challenger trained on, for the changelog. */
  dataVersions: string[];
  retrainingRunId: string | null;
}

export interface JudgeOutcome {
  comparisonId: string;
  promoted: boolean;
  reason: string;
  scores: Record<string, { champion: number | null; challenger: number }>;
}

export interface PromotionPort {
  /** Resolves when decided (evaluation jobs on agents may take minutes); never throws for a worse challenger. */
  judge(input: JudgeInput): Promise<JudgeOutcome>;
  setRuleFromSql(principal: Principal, modelId: string, rule: PromotionRuleInput): Promise<void>;
  recordModelEvent(modelId: string, kind: string, detail: Record<string, unknown>): Promise<void>;
}
