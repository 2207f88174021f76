import { GraphQLJSON } from 'graphql-scalars';
import { Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

export enum JobStatus {
  QUEUED = 'queued',
  LEASED = 'leased',
  RUNNING = 'running',
  SUCCEEDED = 'succeeded',
  FAILED = 'failed',
  CANCELED = 'canceled',
}
registerEnumType(JobStatus, { name: 'JobStatus' });

export const ACTIVE_STATUSES = [JobStatus.LEASED, JobStatus.RUNNING];
export const FINAL_STATUSES = [JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELED];

/** What a node must offer to run a job. Every field is optional. */
export interface JobRequirements {
  gpu?: boolean;
  minMemoryBytes?: number;
  /** Any of these TF.js backends. */
  backends?: string[];
  /** All of these labels. */
  labels?: string[];
  /** Only nodes of the job's owner, or of members of the job's organization: private data stays home. */
  ownNodesOnly?: boolean;
  /** Exactly this node (the benchmark a node runs when it joins). */
  nodeId?: string;
  /** Not onto a node already holding an active job with this key (a deployment's replicas), … */
  spread?: string;
  /** … unless it has waited this long for another node (claim-jobs.ts). */
  spreadWaitSeconds?: number;
  /**
   * Replicas of one verified evaluation (leaderboards): not onto a node whose owner (`quorumBy`
   * 'owner', the default) or which itself ('node') already took a job with this key.
   */
  quorum?: string;
  quorumBy?: 'owner' | 'node';
}

@ObjectType('Job')
@Entity('jobs')
export class Job {
  @Field(() => ID)
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Field(() => String)
  @Column({ type: 'text' })
  kind: string;

  @Field(() => GraphQLJSON)
  @Column({ type: 'jsonb' })
  payload: unknown;

  @Column({ name: 'owner_id', type: 'uuid' })
  ownerId: string;

  @Column({ name: 'organization_id', type: 'uuid', nullable: true })
  organizationId: string | null;

  @Field(() => Int)
  @Column({ type: 'int', default: 0 })
  priority: number;

  @Field(() => GraphQLJSON)
  @Column({ type: 'jsonb', default: {} })
  requirements: JobRequirements;

  /**
   * Owners (users or organizations) whose non-public data the job reads: only a node all of them
   * trust may run it (compute/placement.ts). Null: any node.
   */
  @Column({ type: 'uuid', array: true, nullable: true })
  residency: string[] | null;

  @Field(() => JobStatus)
  @Column({ type: 'text' })
  status: JobStatus;

  @Field(() => Int, { description: 'Times the job was handed to a node' })
  @Column({ type: 'int', default: 0 })
  attempts: number;

  @Field(() => Int, { description: 'Attempts that failed or were lost' })
  @Column({ type: 'int', default: 0 })
  failures: number;

  @Field(() => Int)
  @Column({ name: 'max_attempts', type: 'int', default: 3 })
  maxAttempts: number;

  @Field(() => Date)
  @Column({ name: 'run_after', type: 'timestamptz' })
  runAfter: Date;

  @Field(() => Date, { nullable: true })
  @Column({ name: 'lease_expires_at', type: 'timestamptz', nullable: true })
  leaseExpiresAt: Date | null;

  @Column({ name: 'node_id', type: 'uuid', nullable: true })
  nodeId: string | null;

  @Column({ name: 'job_token_hash', type: 'text', nullable: true, select: false })
  jobTokenHash: string | null;

  @Field(() => Float)
  @Column({ type: 'real', default: 0 })
  progress: number;

  @Field(() => String, { nullable: true })
  @Column({ name: 'progress_message', type: 'text', nullable: true })
  progressMessage: string | null;

  @Field(() => GraphQLJSON, { nullable: true })
  @Column({ type: 'jsonb', nullable: true })
  metrics: Record<string, number> | null;

  @Field(() => GraphQLJSON, { nullable: true })
  @Column({ type: 'jsonb', nullable: true })
  result: unknown;

  @Field(() => String, { nullable: true })
  @Column({ type: 'text', nullable: true })
  error: string | null;

  @Field(() => Date)
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Field(() => Date, { nullable: true })
  @Column({ name: 'started_at', type: 'timestamptz', nullable: true })
  startedAt: Date | null;

  @Field(() => Date, { nullable: true })
  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true })
  finishedAt: Date | null;

  @Field(() => Date)
  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
