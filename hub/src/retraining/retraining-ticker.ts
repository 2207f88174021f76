/**
 * The retraining loop, every AIMASS_RETRAIN_TICK_MS on each hub (and once at start):
 *
 * - `dueSchedules`: a cron trigger whose next time (after the time its schedule was last
 *   considered, by the retraining clock) has come starts a run. However many times passed while
 *   the hub was down, it runs once, and the schedule is considered up to now. A time that comes
 *   while a run is active is skipped.
 * - `newData`: a trigger on new data whose watched datasets (the ones its statement names without
 *   `@n`) have a ready version newer than the one it last trained on starts a run; what it saw is
 *   recorded with the claim, so one new version starts one run. Read from the database, this
 *   sees versions uploaded through any hub and while this one was down.
 * - then runs move on (retraining-runs.ts: advance, recover).
 *
 * Claims are guarded UPDATEs and the one-active-run index: hubs ticking together start one run.
 */
import type { DataSource } from 'typeorm';
import { rows } from '../db/rows.js';
import type { Logger } from '../logger.js';
import type { Clock } from './retraining-clock.js';
import type { CronSchedules } from './cron-schedule.js';
import { RetrainingTrigger, type RetrainingRun } from './retraining-run.entity.js';
import type { RetrainingRuns } from './retraining-runs.js';
import type { WatchedDataset } from './retraining-trigger.entity.js';

export class RetrainingTicker {
  private timer: NodeJS.Timeout | null = null;
  private ticking: Promise<void> | null = null;

  constructor(
    private readonly db: DataSource,
    private readonly clock: Clock,
    private readonly schedules: CronSchedules,
    private readonly runs: RetrainingRuns,
    private readonly log: Logger,
    private readonly tickMs: number,
  ) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.tick(), this.tickMs);
    this.timer.unref();
    void this.tick();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.ticking;
  }

  /** One pass; a pass still running when the next is due is not doubled. */
  tick(): Promise<void> {
    if (this.ticking) return this.ticking;
    this.ticking = (async () => {
      for (const step of [() => this.dueSchedules(), () => this.newData(), () => this.runs.advance(), () => this.runs.recover()]) {
        try {
          await step();
        } catch (error) {
          this.log.warn({ err: error }, 'a retraining step failed');
        }
      }
    })().finally(() => {
      this.ticking = null;
    });
    return this.ticking;
  }

  async dueSchedules(): Promise<void> {
    const now = this.clock.now();
    const triggers: { model_id: string; cron: string; cron_checked_at: Date | null; created_at: Date }[] = await this.db.query(
      `SELECT model_id, cron, cron_checked_at, created_at FROM retraining_triggers WHERE cron IS NOT NULL AND NOT paused`,
    );
    for (const t of triggers) {
      const from = new Date(t.cron_checked_at ?? t.created_at);
      const next = this.schedules.nextAfter(t.cron, from);
      if (next > now) continue;
      const missed = this.schedules.firesBetween(t.cron, from, now);
      const detail = missed > 1 ? `${missed >= 1000 ? 'over 1000' : missed} scheduled times passed since ${from.toISOString()} (the hub was down): run once` : null;
      const run = await this.db.transaction(async (tx) => {
        const claimed = rows(
          await tx.query(
            `UPDATE retraining_triggers SET cron_checked_at = $2 WHERE model_id = $1 AND cron = $3 AND NOT paused
               AND cron_checked_at IS NOT DISTINCT FROM $4 RETURNING model_id`,
            [t.model_id, now, t.cron, t.cron_checked_at],
          ),
        );
        if (claimed.length === 0) return null;
        return this.runs.insert(tx, t.model_id, RetrainingTrigger.CRON, { scheduledFor: next, detail: detail ?? undefined });
      });
      if (run) this.started(run);
    }
  }

  async newData(): Promise<void> {
    const due: { model_id: string; watched: WatchedDataset[]; dataset_id: string; latest: number }[] = await this.db.query(
      `SELECT t.model_id, t.watched, w."datasetId" AS dataset_id, v.latest
         FROM retraining_triggers t
         CROSS JOIN LATERAL jsonb_to_recordset(t.watched) AS w("datasetId" uuid, seen int)
         CROSS JOIN LATERAL (SELECT max(number) AS latest FROM dataset_versions WHERE dataset_id = w."datasetId" AND status = 'ready') v
        WHERE t.on_new_data AND NOT t.paused AND v.latest > w.seen`,
    );
    const byModel = new Map<string, { watched: WatchedDataset[]; latest: Map<string, number> }>();
    for (const row of due) {
      const entry = byModel.get(row.model_id) ?? { watched: row.watched, latest: new Map<string, number>() };
      entry.latest.set(row.dataset_id, Number(row.latest));
      byModel.set(row.model_id, entry);
    }
    for (const [modelId, { watched, latest }] of byModel) {
      const newer = watched.filter((w) => latest.has(w.datasetId));
      const detail = newer.map((w) => `${w.owner}/${w.name}@${latest.get(w.datasetId)} is newer than @${w.seen}`).join('; ');
      const seen = watched.map((w) => ({ ...w, seen: latest.get(w.datasetId) ?? w.seen }));
      const run = await this.db.transaction(async (tx) => {
        const inserted = await this.runs.insert(tx, modelId, RetrainingTrigger.ON_NEW_DATA, { detail });
        if (!inserted) return null;
        // Guarded on what was read: a hub that recorded the same versions first keeps its claim alone.
        const updated = rows(
          await tx.query(`UPDATE retraining_triggers SET watched = $2 WHERE model_id = $1 AND watched = $3::jsonb RETURNING model_id`, [modelId, JSON.stringify(seen), JSON.stringify(watched)]),
        );
        if (updated.length === 0) throw new SkipClaim();
        return inserted;
      }).catch((error: unknown) => {
        if (error instanceof SkipClaim) return null;
        throw error;
      });
      if (run) this.started(run);
    }
  }

  private started(run: RetrainingRun): void {
    this.log.info({ runId: run.id, modelId: run.modelId, trigger: run.trigger }, 'retraining claimed');
    this.runs.begin(run.id);
  }
}

/** Rolls a claim back: another hub recorded the same new versions first. */
class SkipClaim extends Error {}
