import { Field, ID, Int, ObjectType } from 'type-graphql';
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** One hand-out of a job to a node, and how it ended: the job's history. */
@ObjectType('JobAttempt')
@Entity('job_attempts')
export class JobAttempt {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'job_id', type: 'uuid' })
  jobId: string;

  @Field(() => Int)
  @Column({ type: 'int' })
  attempt: number;

  @Field(() => ID, { nullable: true })
  @Column({ name: 'node_id', type: 'uuid', nullable: true })
  nodeId: string | null;

  @Field(() => String, { nullable: true })
  @Column({ name: 'node_name', type: 'text', nullable: true })
  nodeName: string | null;

  @Field(() => Date)
  @Column({ name: 'started_at', type: 'timestamptz' })
  startedAt: Date;

  @Field(() => Date, { nullable: true })
  @Column({ name: 'ended_at', type: 'timestamptz', nullable: true })
  endedAt: Date | null;

  @Field(() => String, { description: 'running, succeeded, failed, lost, released or canceled' })
  @Column({ type: 'text' })
  outcome: string;

  @Field(() => String, { nullable: true })
  @Column({ type: 'text', nullable: true })
  reason: string | null;
}
