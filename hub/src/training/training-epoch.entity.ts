import { GraphQLJSON } from 'graphql-scalars';
import { Field, Float, Int, ObjectType } from 'type-graphql';
import { Column, Entity, PrimaryColumn } from 'typeorm';

const float = { from: (v: string | number | null) => (v === null ? null : Number(v)), to: (v: number | null) => v };

/** One epoch as an attempt of a training job reported it. */
@ObjectType('TrainingEpoch', { description: 'One epoch of a training run: losses and metrics as the training node reported them' })
@Entity('training_epochs')
export class TrainingEpoch {
  @PrimaryColumn({ name: 'run_id', type: 'uuid' })
  runId: string;

  @Field(() => Int, { description: '1-based' })
  @PrimaryColumn({ type: 'int' })
  epoch: number;

  @Field(() => Int, { description: 'The job attempt that ran it (an epoch redone after a resume has a later attempt)' })
  @PrimaryColumn({ type: 'int' })
  attempt: number;

  @Column({ name: 'node_id', type: 'uuid', nullable: true })
  nodeId: string | null;

  @Field(() => Float, { description: 'Training loss' })
  @Column({ type: 'double precision', transformer: float })
  loss: number;

  @Field(() => Float, { nullable: true, description: 'Loss on the evaluation split; null without one' })
  @Column({ name: 'eval_loss', type: 'double precision', nullable: true, transformer: float })
  evalLoss: number | null;

  @Field(() => Float)
  @Column({ name: 'learning_rate', type: 'double precision', transformer: float })
  learningRate: number;

  @Field(() => Int)
  @Column({ name: 'duration_ms', type: 'int' })
  durationMs: number;

  @Field(() => GraphQLJSON, { description: '{ accuracy, eval_accuracy } for classifiers, { mean_absolute_error, eval_mean_absolute_error } for regressors' })
  @Column({ type: 'jsonb', default: {} })
  metrics: Record<string, number>;

  @Field(() => Date)
  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;
}
