import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A dataset an unpinned name of the statement reads, with the newest version a retraining has seen of it. */
export interface WatchedDataset {
  datasetId: string;
  owner: string;
  name: string;
  seen: number;
}

/** A model's retraining: the statement it is trained again with, and when. */
@Entity('retraining_triggers')
export class RetrainingTriggers {
  @PrimaryColumn({ name: 'model_id', type: 'uuid' })
  modelId: string;

  @Column({ name: 'on_new_data', type: 'boolean', default: false })
  onNewData: boolean;

  @Column({ type: 'text', nullable: true })
  cron: string | null;

  @Column({ type: 'boolean', default: false })
  paused: boolean;

  /** The CREATE MODEL statement as its user last wrote it. */
  @Column({ type: 'text' })
  statement: string;

  /** Who last wrote the statement or set the triggers: runs train as them (they must still be able to write the model). */
  @Column({ name: 'actor_id', type: 'uuid' })
  actorId: string;

  @Column({ type: 'jsonb', default: [] })
  watched: WatchedDataset[];

  /** The retraining clock's time up to which the cron schedule was considered. */
  @Column({ name: 'cron_checked_at', type: 'timestamptz', nullable: true })
  cronCheckedAt: Date | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt: Date;
}
