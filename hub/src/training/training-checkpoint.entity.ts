import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A checkpoint an agent uploaded: its state (state.json) and weights, both blobs in the artifact store. */
@Entity('training_checkpoints')
export class TrainingCheckpoint {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'run_id', type: 'uuid' })
  runId: string;

  @Column({ type: 'int' })
  epoch: number;

  @Column({ type: 'int' })
  attempt: number;

  @Column({ name: 'node_id', type: 'uuid', nullable: true })
  nodeId: string | null;

  @Column({ name: 'state_sha256', type: 'text' })
  stateSha256: string;

  @Column({ name: 'weights_sha256', type: 'text' })
  weightsSha256: string;

  @Column({ type: 'bigint', transformer: { to: (v: number) => v, from: (v: string | number) => Number(v) } })
  bytes: number;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;
}
