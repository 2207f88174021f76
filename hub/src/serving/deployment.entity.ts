import { Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { BatchingSpec } from '../../../schema/index.js';
import { Visibility } from '../accounts/index.js';
import { DeploymentAutoscaler, DeploymentAutoscaling } from './autoscale/autoscaling.types.js';
import type { AutoscalerState, AutoscalingSettings } from './autoscale/kpa.js';
import type { StoredVariant } from './split/variants.js';

export enum DeploymentStatus {
  /** No replica is placed on a node yet. */
  PENDING = 'pending',
  /** Replicas are placed, none is ready. */
  STARTING = 'starting',
  /** At least minReplicas replicas are ready. */
  READY = 'ready',
  /** Some replicas are ready, fewer than minReplicas. */
  DEGRADED = 'degraded',
  /** Replicas keep failing (statusMessage says why); no more are placed until the deployment changes. */
  FAILED = 'failed',
  /** minReplicas is 0, or it is being deleted. */
  STOPPED = 'stopped',
  /** Autoscaled to zero after its idle period: no replica runs; the next request starts one (and is held until it is ready). */
  IDLE = 'idle',
}
registerEnumType(DeploymentStatus, { name: 'DeploymentStatus' });

/** What a deployment's replicas ask of a node (compute's job requirements). */
export interface DeploymentRequirementsValue {
  gpu: boolean;
  minMemoryBytes: number | null;
  labels: string[];
}

@ObjectType('DeploymentBatching', { description: 'Dynamic batching on each replica' })
export class DeploymentBatching {
  @Field(() => Int, { description: 'Rows one predict call may hold; 1 turns batching off' }) maxBatchSize: number;
  @Field(() => Int, { description: 'How long the first request of a batch may wait for others' }) maxQueueDelayMs: number;
}

@ObjectType('DeploymentRequirements', { description: 'What a node must have to hold a replica' })
export class DeploymentRequirements {
  @Field(() => Boolean) gpu: boolean;
  @Field(() => Float, { nullable: true }) minMemoryBytes: number | null;
  @Field(() => [String], { description: 'Node labels, all required' }) labels: string[];
}

@ObjectType('DeploymentLimits', { description: 'Limits of the deployment itself, for every caller together' })
export class DeploymentLimits {
  @Field(() => Float, { nullable: true }) requestsPerSecond: number | null;
  @Field(() => Int, { nullable: true }) dailyRequests: number | null;
}

@ObjectType('Deployment', { description: 'A model version online: replicas on nodes answering predict requests' })
@Entity('deployments')
export class Deployment {
  @Field(() => ID)
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** A user id or an organization id. */
  @Column({ name: 'owner_id', type: 'uuid' })
  ownerId: string;

  @Field(() => String)
  @Column({ type: 'text' })
  name: string;

  @Column({ name: 'model_id', type: 'uuid' })
  modelId: string;

  /** The version new replicas serve. */
  @Column({ name: 'version_id', type: 'uuid' })
  versionId: string;

  @Field(() => Int, { description: 'The version new replicas serve (of a split deployment: its primary variant, see variants)' })
  @Column({ name: 'version_number', type: 'int' })
  versionNumber: number;

  @Field(() => String, { nullable: true, description: 'The alias it follows (it moves when the alias moves); null when pinned to a version' })
  @Column({ type: 'text', nullable: true })
  alias: string | null;

  /** Its variants when split (split/variants.ts); empty: its one version answers every request. */
  @Column({ type: 'jsonb', default: () => `'[]'` })
  variants: StoredVariant[];

  /** How requests stick to a variant: 'request' or 'caller' (split/variants.ts VariantStickiness). */
  @Column({ type: 'text', default: 'request' })
  stickiness: string;

  @Field(() => Int)
  @Column({ name: 'min_replicas', type: 'int' })
  minReplicas: number;

  @Field(() => Int)
  @Column({ name: 'max_replicas', type: 'int' })
  maxReplicas: number;

  /** Its autoscaling settings (autoscale/kpa.ts); null: kept at minReplicas. */
  @Column({ name: 'autoscaling', type: 'jsonb', nullable: true })
  autoscalingValue: AutoscalingSettings | null;

  /** Replicas the autoscaler wants (null when not autoscaled): what the reconciler keeps. */
  @Column({ name: 'wanted_replicas', type: 'int', nullable: true })
  wantedReplicas: number | null;

  /** The autoscaler's last decision and the state its windows carry. */
  @Column({ name: 'autoscaler', type: 'jsonb', nullable: true })
  autoscalerValue: AutoscalerState | null;

  @Column({ name: 'requirements', type: 'jsonb' })
  requirementsValue: DeploymentRequirementsValue;

  @Column({ name: 'batching', type: 'jsonb' })
  batchingValue: BatchingSpec;

  @Column({ name: 'requests_per_second', type: 'double precision', nullable: true })
  requestsPerSecond: number | null;

  @Column({ name: 'daily_requests', type: 'int', nullable: true })
  dailyRequests: number | null;

  /** API keys an alert throttled on it (alerts/alert-actions.ts): key id → requests per second, until when, the incident. */
  @Column({ name: 'key_throttles', type: 'jsonb', default: () => `'{}'` })
  keyThrottles: Record<string, { requestsPerSecond: number; until: string; incidentId: string }>;

  @Field(() => Visibility)
  @Column({ type: 'text' })
  visibility: Visibility;

  @Field(() => DeploymentStatus)
  @Column({ type: 'text' })
  status: DeploymentStatus;

  @Field(() => String, { nullable: true, description: 'Why it is FAILED (or what went wrong last)' })
  @Column({ name: 'status_message', type: 'text', nullable: true })
  statusMessage: string | null;

  /** Replicas that ended failed since one was last ready. */
  @Column({ type: 'int', default: 0 })
  failures: number;

  @Column({ name: 'created_by', type: 'uuid', nullable: true })
  createdBy: string | null;

  @Field(() => Date)
  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  @Field(() => Date)
  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt: Date;

  @Field(() => DeploymentRequirements)
  get requirements(): DeploymentRequirements {
    return { gpu: this.requirementsValue?.gpu ?? false, minMemoryBytes: this.requirementsValue?.minMemoryBytes ?? null, labels: this.requirementsValue?.labels ?? [] };
  }

  @Field(() => DeploymentBatching)
  get batching(): DeploymentBatching {
    return this.batchingValue;
  }

  @Field(() => DeploymentAutoscaling, { nullable: true, description: 'Its autoscaling settings; null: kept at minReplicas' })
  get autoscaling(): DeploymentAutoscaling | null {
    // Settings stored before the predictive planner have no `predictive`: it is on.
    return this.autoscalingValue ? { ...this.autoscalingValue, predictive: this.autoscalingValue.predictive ?? true } : null;
  }

  @Field(() => DeploymentAutoscaler, { nullable: true, description: "The autoscaler's last decision; null when it is not autoscaled or none was made yet" })
  get autoscaler(): DeploymentAutoscaler | null {
    const s = this.autoscalingValue ? this.autoscalerValue : null;
    if (!s) return null;
    return {
      wantedReplicas: this.wantedReplicas ?? s.wantedReplicas,
      observedConcurrency: s.observedConcurrency,
      panicConcurrency: s.panicConcurrency,
      panicking: s.panicking,
      lastScaledAt: s.lastScaledAt === null ? null : new Date(s.lastScaledAt),
      lastActiveAt: new Date(s.lastActiveAt),
      decidedAt: new Date(s.decidedAt),
      reason: s.reason,
    };
  }

  @Field(() => DeploymentLimits)
  get limits(): DeploymentLimits {
    return { requestsPerSecond: this.requestsPerSecond, dailyRequests: this.dailyRequests };
  }
}
