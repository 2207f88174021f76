/**
 * The moment a CREATE MODEL run's version exists (its upload checked and made a version, or the best
 * trial of a tuning made one), told to whoever listens: serving deploys it when the statement asked
 * for it (OPTIONS deploy = TRUE | deployment = 'name'). Training knows nothing of deployments; this
 * is the seam.
 *
 * A listener that fails never fails the training: it is logged, and its message is kept on the run
 * (training_runs.deploy_message, TrainingRun.deployMessage). What a listener answers is kept there too.
 */
import type { DataSource } from 'typeorm';
import type { Logger } from '../logger.js';
import type { RunDeploy } from './training-run.entity.js';

export interface TrainedVersionEvent {
  runId: string;
  jobId: string;
  /** The user who ran CREATE MODEL. */
  userId: string;
  model: { id: string; owner: string; name: string };
  versionId: string;
  versionNumber: number;
  /** Null when the statement asked for no deployment. */
  deploy: RunDeploy | null;
}

/** Answers a note for the run (e.g. "deployment alice/churn moved to version 2"), or nothing. */
export type TrainedVersionListener = (event: TrainedVersionEvent) => Promise<string | void>;

export class TrainedVersions {
  private readonly listeners = new Set<TrainedVersionListener>();

  constructor(
    private readonly db: DataSource,
    private readonly log: Logger,
  ) {}

  /** Registers a listener; answers how to remove it. */
  onTrained(listener: TrainedVersionListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * At start: runs whose version was made but whose deployment was never answered for (the hub
   * stopped in between) are told again. A listener that deploys writes its note, so each is told
   * once more at most per start.
   */
  async resume(): Promise<void> {
    if (this.listeners.size === 0) return;
    const rows: { id: string }[] = await this.db.query(
      // A minute old at least: a version another hub made just now is being deployed by that hub.
      `SELECT r.id FROM training_runs r JOIN model_versions v ON v.id = r.model_version_id
        WHERE r.deploy IS NOT NULL AND r.deploy_message IS NULL AND v.created_at < now() - interval '1 minute'`,
    );
    for (const row of rows) await this.landed(row.id);
  }

  /** Tells every listener that the run's version was made. Never throws. */
  async landed(runId: string): Promise<void> {
    if (this.listeners.size === 0) return;
    let event: TrainedVersionEvent | null;
    try {
      event = await this.eventOf(runId);
    } catch (error) {
      this.log.warn({ err: error, runId }, 'could not read a trained version for its listeners');
      return;
    }
    if (!event) return;
    const notes: string[] = [];
    for (const listener of this.listeners) {
      try {
        const note = await listener(event);
        if (note) notes.push(note);
      } catch (error) {
        this.log.warn({ err: error, runId, version: event.versionNumber }, 'a trained-version listener failed');
        notes.push(error instanceof Error ? error.message : String(error));
      }
    }
    if (notes.length === 0) return;
    await this.db
      .query(`UPDATE training_runs SET deploy_message = $2 WHERE id = $1`, [runId, notes.join('; ').slice(0, 2000)])
      .catch((error: unknown) => this.log.warn({ err: error, runId }, 'could not record what came of a trained version'));
  }

  private async eventOf(runId: string): Promise<TrainedVersionEvent | null> {
    const [row] = await this.db.query(
      `SELECT r.id, r.job_id, r.owner_id, r.deploy, r.model_id, m.name AS model_name, coalesce(u.username, o.handle) AS model_owner,
              v.id AS version_id, v.number AS version_number
         FROM training_runs r JOIN models m ON m.id = r.model_id JOIN model_versions v ON v.id = r.model_version_id
         LEFT JOIN users u ON u.id = m.owner_id LEFT JOIN organizations o ON o.id = m.owner_id
        WHERE r.id = $1`,
      [runId],
    );
    if (!row) return null;
    return {
      runId: row.id,
      jobId: row.job_id,
      userId: row.owner_id,
      model: { id: row.model_id, owner: row.model_owner, name: row.model_name },
      versionId: row.version_id,
      versionNumber: Number(row.version_number),
      deploy: row.deploy ?? null,
    };
  }
}
