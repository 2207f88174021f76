import { Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A replica's state as stored: `placing` until its agent says `replica.ready` (the job's own row
 * says whether it is queued or leased), `ready`, `lost` (its agent disconnected: not counted, a
 * replacement is placed, canceled once it is surplus) and `stopping` (canceled by the reconciler).
 */
export type StoredReplicaState = 'placing' | 'ready' | 'lost' | 'stopping';

/** One replica of a deployment: a `serve` job, while it is active. */
@Entity('deployment_replicas')
export class DeploymentReplica {
  @PrimaryColumn({ name: 'job_id', type: 'uuid' })
  jobId: string;

  @Column({ name: 'deployment_id', type: 'uuid' })
  deploymentId: string;

  @Column({ name: 'version_id', type: 'uuid' })
  versionId: string;

  @Column({ name: 'version_number', type: 'int' })
  versionNumber: number;

  @Column({ type: 'int', default: 0 })
  attempt: number;

  @Column({ name: 'node_id', type: 'uuid', nullable: true })
  nodeId: string | null;

  @Column({ name: 'hub_instance', type: 'text', nullable: true })
  hubInstance: string | null;

  @Column({ type: 'text' })
  state: StoredReplicaState;

  @Column({ name: 'ready_at', type: 'timestamptz', nullable: true })
  readyAt: Date | null;

  @Column({ name: 'in_flight', type: 'int', default: 0 })
  inFlight: number;

  @Column({ type: 'int', default: 0 })
  queued: number;

  @Column({ name: 'latency_ms', type: 'double precision', nullable: true })
  latencyMs: number | null;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt: Date;
}

export enum ReplicaState {
  /** Its job waits for a node. */
  PLACING = 'PLACING',
  /** On a node, loading the model (or its agent is away and may come back). */
  LOADING = 'LOADING',
  READY = 'READY',
  /** Canceled, its node is told to stop it. */
  STOPPING = 'STOPPING',
}
registerEnumType(ReplicaState, { name: 'ReplicaState' });

@ObjectType('Replica', { description: 'One replica of a deployment: a serve job on a node' })
export class Replica {
  @Field(() => ID, { description: 'The serve job’s id' }) id: string;
  @Field(() => ReplicaState) state: ReplicaState;
  @Field(() => Int) versionNumber: number;
  @Field(() => ID, { nullable: true }) nodeId: string | null;
  @Field(() => String, { nullable: true }) nodeName: string | null;
  @Field(() => Int, { description: 'Requests being run now (from the agent’s heartbeats)' }) inFlight: number;
  @Field(() => Int, { description: 'Requests waiting for a batch' }) queued: number;
  @Field(() => Float, { nullable: true, description: 'Moving average of request latency on the agent, ms' }) latencyMs: number | null;
  @Field(() => Date, { nullable: true }) readyAt: Date | null;
}
