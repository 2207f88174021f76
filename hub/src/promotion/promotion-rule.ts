/**
 * The promotion rule and the decision it makes, pure. A challenger wins when its primary metric
 * beats the champion's by at least `minImprovement` (and by more than nothing), and no secondary
 * metric is worse than the champion's by more than `tolerance`. Both are in the metric's own
 * units. Secondary metrics are the task's scale-free ones (classification: accuracy, macro
 * precision, recall, F1, ROC AUC; regression: R²) other than the primary; the others are shown
 * side by side but do not decide.
 */

export type Task = 'classification' | 'regression';

export interface PromotionRuleInput {
  metric?: string;
  minImprovement?: number;
  tolerance?: number;
}

export interface PromotionRuleValue {
  metric: string;
  minImprovement: number;
  tolerance: number;
}

/** Per metric: the champion's score (null: no champion, or undefined on this data) and the challenger's. */
export type Scores = Record<string, { champion: number | null; challenger: number | null }>;

export const CLASSIFICATION_METRIC_NAMES = ['f1_score', 'accuracy', 'precision', 'recall', 'roc_auc', 'log_loss'] as const;
export const REGRESSION_METRIC_NAMES = ['root_mean_squared_error', 'mean_absolute_error', 'mean_squared_error', 'median_absolute_error', 'r2_score'] as const;

const LOWER_IS_BETTER: ReadonlySet<string> = new Set(['log_loss', 'mean_absolute_error', 'mean_squared_error', 'root_mean_squared_error', 'median_absolute_error']);
const GUARDED: Record<Task, readonly string[]> = {
  classification: ['accuracy', 'precision', 'recall', 'f1_score', 'roc_auc'],
  regression: ['r2_score'],
};
const WORDS: Record<string, string> = {
  f1_score: 'macro F1',
  accuracy: 'accuracy',
  precision: 'macro precision',
  recall: 'macro recall',
  roc_auc: 'ROC AUC',
  log_loss: 'log loss',
  root_mean_squared_error: 'RMSE',
  mean_absolute_error: 'MAE',
  mean_squared_error: 'MSE',
  median_absolute_error: 'median absolute error',
  r2_score: 'R²',
};

/** The rule a model has until its owner sets one. */
export function defaultRule(task: Task): PromotionRuleValue {
  return task === 'classification'
    ? { metric: 'f1_score', minImprovement: 0, tolerance: 0.02 }
    : { metric: 'root_mean_squared_error', minImprovement: 0, tolerance: 0.02 };
}

export function metricsOf(task: Task): readonly string[] {
  return task === 'classification' ? CLASSIFICATION_METRIC_NAMES : REGRESSION_METRIC_NAMES;
}

/** The task a metric belongs to, or null when ML.EVALUATE has no such metric. */
export function taskOfMetric(metric: string): Task | null {
  if ((CLASSIFICATION_METRIC_NAMES as readonly string[]).includes(metric)) return 'classification';
  if ((REGRESSION_METRIC_NAMES as readonly string[]).includes(metric)) return 'regression';
  return null;
}

export function lowerIsBetter(metric: string): boolean {
  return LOWER_IS_BETTER.has(metric);
}

export function metricWords(metric: string): string {
  return WORDS[metric] ?? metric;
}

/** A score as people read it: at most four decimals. */
export function shown(x: number): string {
  return Math.abs(x) >= 1000 ? String(Number(x.toPrecision(6))) : String(Number(x.toFixed(4)));
}

export interface Verdict {
  wins: boolean;
  /** Why, in one sentence with the numbers: "macro F1 0.81 vs 0.86: below the champion by 0.05, needs +0.01". */
  reason: string;
}

/** Decides by `rule` whether the challenger beats the champion on `scores` (champion scores null: there is no champion). */
export function decide(rule: PromotionRuleValue, task: Task, scores: Scores, hasChampion: boolean): Verdict {
  const m = rule.metric;
  const words = metricWords(m);
  const primary = scores[m];
  if (!hasChampion) {
    const own = primary?.challenger;
    return { wins: true, reason: `no champion: production points at no version${own != null ? ` (challenger ${words} ${shown(own)})` : ''}` };
  }
  if (primary?.challenger == null) return { wins: false, reason: `the challenger's ${words} is undefined on this data: nothing to compare` };
  if (primary.champion == null) return { wins: false, reason: `the champion's ${words} is undefined on this data: nothing to compare` };
  const lower = lowerIsBetter(m);
  const sign = lower ? '−' : '+';
  const gain = lower ? primary.champion - primary.challenger : primary.challenger - primary.champion;
  const head = `${words} ${shown(primary.challenger)} vs ${shown(primary.champion)}`;
  const needs = `needs ${sign}${shown(rule.minImprovement)}`;
  const better = lower ? 'below' : 'above';
  const worse = lower ? 'above' : 'below';
  if (gain <= 0 || gain < rule.minImprovement) {
    const where = gain === 0 ? 'equal to the champion' : gain > 0 ? `${better} the champion by ${shown(gain)}` : `${worse} the champion by ${shown(-gain)}`;
    return { wins: false, reason: `${head}: ${where}, ${needs}` };
  }
  const fell: string[] = [];
  for (const g of GUARDED[task]) {
    if (g === m) continue;
    const s = scores[g];
    if (s?.champion == null || s.challenger == null) continue;
    const loss = lowerIsBetter(g) ? s.challenger - s.champion : s.champion - s.challenger;
    if (loss > rule.tolerance + 1e-12) fell.push(`${metricWords(g)} ${shown(s.challenger)} vs ${shown(s.champion)} fell by ${shown(loss)}`);
  }
  if (fell.length > 0) return { wins: false, reason: `${head}: ${better} the champion by ${shown(gain)}, but ${fell.join(', ')}: more than the tolerance ${shown(rule.tolerance)}` };
  return { wins: true, reason: `${head}: ${better} the champion by ${shown(gain)} (${needs}), and no other metric fell by more than ${shown(rule.tolerance)}` };
}
