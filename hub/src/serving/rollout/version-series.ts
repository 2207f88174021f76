/**
 * A deployment's figures per version over a time range, from the finest tier of its metrics
 * series (monitoring/): every hub's requests, error codes and latency histogram. The range starts
 * at the bucket that holds `from`, so a window reads whole buckets (10 s by default).
 */
import { rows } from '../../db/rows.js';
import { addCounts } from '../quotas/histogram.js';
import type { VersionSeries } from './rollout.service.js';

export function versionSeries(resolutionSeconds: number): VersionSeries {
  const stepMs = resolutionSeconds * 1000;
  return async (tx, deploymentId, from, to) => {
    const found = rows<{ version: number; requests: string | number; error_codes: Record<string, string | number> | null; latency_counts: (string | number)[] | null }>(
      await tx.query(
        `SELECT version, requests, error_codes, latency_counts FROM serving_metrics
         WHERE deployment_id = $1 AND resolution = $2 AND bucket >= $3 AND bucket <= $4 AND requests > 0`,
        [deploymentId, resolutionSeconds, new Date(Math.floor(from / stepMs) * stepMs), new Date(to)],
      ),
    );
    const out = new Map<number, { requests: number; errorCodes: Record<string, number>; latencyCounts: number[] }>();
    for (const r of found) {
      const v = Number(r.version);
      const acc = out.get(v) ?? { requests: 0, errorCodes: {}, latencyCounts: [] };
      acc.requests += Number(r.requests);
      for (const [code, n] of Object.entries(r.error_codes ?? {})) acc.errorCodes[code] = (acc.errorCodes[code] ?? 0) + Number(n);
      addCounts(acc.latencyCounts, (r.latency_counts ?? []).map(Number));
      out.set(v, acc);
    }
    return out;
  };
}
