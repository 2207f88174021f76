import type { TrainPayload } from '../../../schema/index.js';
import type { TunableKey } from './tuning-search.js';
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { DataRead } from '../compute/index.js';

/** finishing: every trial is done and one caller is making the version (claimed, so only one does). */
export type TuningStatus = 'running' | 'finishing' | 'succeeded' | 'failed' | 'canceled';

/**
 * A CREATE MODEL with num_trials > 1: its trials are training runs (one `train` job each) that
 * name it. The search space is drawn once, when the tuning is made (seeded: the same statement
 * and seed give the same trials); the best trial's model becomes the version.
 */
@Entity('training_tunings')
export class TrainingTuning {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'model_id', type: 'uuid' })
  modelId: string;

  @Column({ name: 'owner_id', type: 'uuid' })
  ownerId: string;

  @Column({ name: 'organization_id', type: 'uuid', nullable: true })
  organizationId: string | null;

  @Column({ name: 'num_trials', type: 'int' })
  numTrials: number;

  @Column({ name: 'max_parallel_trials', type: 'int' })
  maxParallelTrials: number;

  @Column({ type: 'bigint', transformer: { to: (v: number) => v, from: (v: string | number) => Number(v) } })
  seed: number;

  /** 'grid' or 'random'. */
  @Column({ type: 'text' })
  search: string;

  /** The eval metric the best trial is picked by (lower is better): eval_loss. */
  @Column({ type: 'text' })
  objective: string;

  /** The `train` payload every trial shares; each trial's job gets its own hyperparameters. */
  @Column({ type: 'jsonb' })
  payload: TrainPayload;

  /** The hyperparameters written as HPARAM_RANGE / HPARAM_CANDIDATES (trainer names, like learnRate). */
  @Column({ type: 'jsonb' })
  tuned: TunableKey[];

  /** What every trial reads (datasets, architecture), for its placement; null on tunings made before it was recorded. */
  @Column({ type: 'jsonb', nullable: true })
  reads: DataRead[] | null;

  @Column({ type: 'text', default: 'running' })
  status: TuningStatus;

  @Column({ type: 'text', nullable: true })
  error: string | null;

  @Column({ name: 'best_run_id', type: 'uuid', nullable: true })
  bestRunId: string | null;

  @Column({ name: 'model_version_id', type: 'uuid', nullable: true })
  modelVersionId: string | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true })
  finishedAt: Date | null;
}
