/** Usage points summed by API key over the range asked; calls made with a session have no key. */
import type { UsagePoint } from './types';

export interface KeyUsage {
  key: string;
  apiKeyId: string | null;
  apiKeyName: string | null;
  requests: number;
  rows: number;
  errors: number;
  computeMs: number;
}

export function usageByKey(points: readonly UsagePoint[]): KeyUsage[] {
  const byKey = new Map<string, KeyUsage>();
  for (const point of points) {
    const key = point.apiKeyId ?? '';
    const entry = byKey.get(key) ?? { key, apiKeyId: point.apiKeyId, apiKeyName: point.apiKeyName, requests: 0, rows: 0, errors: 0, computeMs: 0 };
    entry.requests += point.requests;
    entry.rows += point.rows;
    entry.errors += point.errors;
    entry.computeMs += point.computeMs;
    entry.apiKeyName ??= point.apiKeyName;
    byKey.set(key, entry);
  }
  return [...byKey.values()].sort((a, b) => b.requests - a.requests);
}
