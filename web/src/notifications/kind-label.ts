/** A notification kind in words; a kind the portal does not know yet is said as its words. */
import type { NotificationKind } from './types';

const LABELS: Record<string, string> = {
  MODEL_VERSION_PUBLISHED: 'New model version',
  MODEL_VERSION_DEPRECATED: 'Model version deprecated',
  DATASET_VERSION_CREATED: 'New dataset version',
  MODEL_ENTERED_TOP_TEN: 'Model entered a top 10',
  MODEL_TOOK_FIRST_PLACE: 'Model took first place',
  NODE_QUARANTINED: 'Node quarantined',
  BENCHMARK_FINAL_RANKING: 'Final ranking of a benchmark',
  MODEL_TIMELINE_EVENT: 'Model event',
};

export function kindLabel(kind: NotificationKind): string {
  const known = LABELS[kind];
  if (known) return known;
  const words = kind.toLowerCase().replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}
