/**
 * Replica-hours from ready spans (`replica_ready_spans`, written by a trigger on
 * `deployment_replicas`: a span opens when a replica becomes ready and closes when it stops being
 * ready). Metering moves each span's elapsed part into `deployment_replica_usage` per UTC month and
 * remembers how far it got (`metered_until`), so a stretch is counted once whichever hub meters it,
 * a restart loses nothing (spans and usage are rows), and the figure read at any moment — stored
 * usage plus the unmetered part of every span — is exact to the millisecond.
 */
import type { DataSource } from 'typeorm';
import type { Queryable } from '../../db/rows.js';
import { splitByMonth } from './replica-months.js';

export const MS_PER_HOUR = 3_600_000;

interface SpanPart {
  from: number;
  ended: number | null;
}

/** The milliseconds of a span's unmetered part up to `now` that fall in `month`. */
function unmeteredIn(span: SpanPart, month: string, now: number): number {
  const to = Math.min(span.ended ?? now, now);
  return splitByMonth(span.from, to)
    .filter((p) => p.month === month)
    .reduce((sum, p) => sum + p.ms, 0);
}

/** Replica-hours the deployment used in `month` ('YYYY-MM-01') up to `now`, read in one statement (one snapshot). */
export async function replicaHoursUsed(q: Queryable, deploymentId: string, month: string, now: number): Promise<number> {
  const [row] = await q.query(
    `SELECT (SELECT coalesce(sum(replica_ms), 0) FROM deployment_replica_usage WHERE deployment_id = $1 AND month = $2::date) AS stored,
            coalesce((SELECT json_agg(json_build_object('from', extract(epoch FROM coalesce(metered_until, started_at)) * 1000, 'ended', extract(epoch FROM ended_at) * 1000))
                      FROM replica_ready_spans WHERE deployment_id = $1), '[]'::json) AS spans`,
    [deploymentId, month],
  );
  const spans = (typeof row.spans === 'string' ? JSON.parse(row.spans) : row.spans) as { from: number; ended: number | null }[];
  const open = spans.reduce((sum, s) => sum + unmeteredIn({ from: Number(s.from), ended: s.ended === null ? null : Number(s.ended) }, month, now), 0);
  return (Number(row.stored) + open) / MS_PER_HOUR;
}

/**
 * Moves every span's elapsed part up to `now` into the monthly usage, and deletes the spans that
 * ended. Spans another hub is metering are passed over (SKIP LOCKED).
 */
export async function meterSpans(db: DataSource, now: number): Promise<void> {
  await db.transaction(async (tx) => {
    const spans: { id: string; deployment_id: string; from: number; ended: number | null }[] = await tx.query(
      `SELECT id, deployment_id, extract(epoch FROM coalesce(metered_until, started_at)) * 1000 AS from, extract(epoch FROM ended_at) * 1000 AS ended
       FROM replica_ready_spans ORDER BY id FOR UPDATE SKIP LOCKED`,
    );
    const added = new Map<string, number>();
    const advanced: { id: string; until: number }[] = [];
    const done: string[] = [];
    for (const s of spans) {
      const from = Number(s.from);
      const ended = s.ended === null ? null : Number(s.ended);
      const to = Math.min(ended ?? now, now);
      for (const part of splitByMonth(from, to)) {
        const key = `${s.deployment_id}|${part.month}`;
        added.set(key, (added.get(key) ?? 0) + part.ms);
      }
      if (ended !== null && Math.max(from, to) >= ended) done.push(s.id);
      else if (to > from) advanced.push({ id: s.id, until: to });
    }
    if (added.size > 0) {
      const keys = [...added.keys()].map((k) => k.split('|'));
      await tx.query(
        `INSERT INTO deployment_replica_usage (deployment_id, month, replica_ms)
         SELECT u.id, u.month, u.ms FROM unnest($1::uuid[], $2::date[], $3::float8[]) AS u(id, month, ms)
         WHERE EXISTS (SELECT 1 FROM deployments d WHERE d.id = u.id)
         ON CONFLICT (deployment_id, month) DO UPDATE SET replica_ms = deployment_replica_usage.replica_ms + excluded.replica_ms`,
        [keys.map((k) => k[0]), keys.map((k) => k[1]), [...added.values()]],
      );
    }
    if (advanced.length > 0) {
      await tx.query(
        `UPDATE replica_ready_spans s SET metered_until = to_timestamp(a.until / 1000.0) FROM unnest($1::bigint[], $2::float8[]) AS a(id, until) WHERE s.id = a.id`,
        [advanced.map((a) => a.id), advanced.map((a) => a.until)],
      );
    }
    if (done.length > 0) await tx.query(`DELETE FROM replica_ready_spans WHERE id = ANY($1::bigint[])`, [done]);
  });
}
