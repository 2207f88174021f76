import { Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

export enum NodeStatus {
  ONLINE = 'online',
  OFFLINE = 'offline',
  DRAINING = 'draining',
  DISABLED = 'disabled',
  QUARANTINED = 'quarantined',
}
registerEnumType(NodeStatus, { name: 'NodeStatus' });

const bigint = { to: (v: number | null) => v, from: (v: string | null) => (v === null ? null : Number(v)) };

/** A compute node in the registry; its id is its node token's id. Capabilities are what its agent last reported. */
@ObjectType('Node')
@Entity('nodes')
export class Node {
  @Field(() => ID)
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  @Column({ name: 'owner_id', type: 'uuid' })
  ownerId: string;

  @Field(() => String)
  @Column({ type: 'text' })
  name: string;

  @Field(() => String, { nullable: true, description: 'TF.js backend: tensorflow-gpu, tensorflow, wasm or cpu' })
  @Column({ type: 'text', nullable: true })
  backend: string | null;

  @Field(() => String, { nullable: true })
  @Column({ name: 'gpu_name', type: 'text', nullable: true })
  gpuName: string | null;

  @Field(() => Float, { nullable: true })
  @Column({ name: 'gpu_memory_bytes', type: 'bigint', nullable: true, transformer: bigint })
  gpuMemoryBytes: number | null;

  @Field(() => Int, { nullable: true })
  @Column({ name: 'cpu_cores', type: 'int', nullable: true })
  cpuCores: number | null;

  @Field(() => Float, { nullable: true })
  @Column({ name: 'memory_bytes', type: 'bigint', nullable: true, transformer: bigint })
  memoryBytes: number | null;

  @Field(() => Int)
  @Column({ type: 'int', default: 1 })
  slots: number;

  @Field(() => [String])
  @Column({ type: 'text', array: true, default: () => `'{}'` })
  labels: string[];

  @Field(() => String, { nullable: true })
  @Column({ name: 'agent_version', type: 'text', nullable: true })
  agentVersion: string | null;

  @Field(() => Boolean, { description: 'An agent holds a connection to a hub now' })
  @Column({ type: 'boolean', default: false })
  connected: boolean;

  @Column({ name: 'hub_instance', type: 'text', nullable: true })
  hubInstance: string | null;

  @Column({ type: 'boolean', default: false })
  draining: boolean;

  @Column({ type: 'boolean', default: false })
  disabled: boolean;

  @Column({ type: 'boolean', default: false })
  quarantined: boolean;

  /** Shown to admins and the node's owner only (node.resolver.ts). */
  @Column({ name: 'quarantine_reason', type: 'text', nullable: true })
  quarantineReason: string | null;

  @Field(() => Boolean, { description: 'Run by the hub’s operator (npm start’s local agents, or marked by an admin): trusted by every user' })
  @Column({ name: 'operator_run', type: 'boolean', default: false })
  operatorRun: boolean;

  @Field(() => Float, {
    nullable: true,
    description: 'Measured speed: a moving average of how fast its jobs ran against their expected time (1 = a typical CPU node); null until it ran one',
  })
  @Column({ name: 'measured_speed', type: 'double precision', nullable: true })
  measuredSpeed: number | null;

  @Field(() => Int, { description: 'Jobs its measured speed is made of' })
  @Column({ name: 'speed_samples', type: 'int', default: 0 })
  speedSamples: number;

  @Field(() => Int, { description: 'Concurrent jobs the hub gives it: one more than it has run well at once, at most its slots' })
  @Column({ name: 'proven_slots', type: 'int', default: 1 })
  provenSlots: number;

  /** Why its claims disagree with its measured speed; admins and the owner only (node.resolver.ts). */
  @Column({ name: 'speed_flag', type: 'text', nullable: true })
  speedFlag: string | null;

  /** Jobs it gave back or failed within seconds of getting them; admins and the owner only. */
  @Column({ name: 'give_backs', type: 'int', default: 0 })
  giveBacks: number;

  @Column({ name: 'give_back_streak', type: 'int', default: 0 })
  giveBackStreak: number;

  /** Offered no jobs before this (after repeated give-backs); admins and the owner only. */
  @Column({ name: 'throttled_until', type: 'timestamptz', nullable: true })
  throttledUntil: Date | null;

  @Field(() => Float, { nullable: true, description: 'Load average per core, as last reported' })
  @Column({ type: 'real', nullable: true })
  load: number | null;

  @Field(() => Date, { nullable: true })
  @Column({ name: 'last_heartbeat_at', type: 'timestamptz', nullable: true })
  lastHeartbeatAt: Date | null;

  @Field(() => Date, { nullable: true })
  @Column({ name: 'connected_at', type: 'timestamptz', nullable: true })
  connectedAt: Date | null;

  @Field(() => Float, { nullable: true, description: 'Dense matmul GFLOP/s from the benchmark job' })
  @Column({ type: 'double precision', nullable: true })
  gflops: number | null;

  @Field(() => Float, { nullable: true, description: 'Small-network training steps per second from the benchmark job' })
  @Column({ name: 'steps_per_second', type: 'double precision', nullable: true })
  stepsPerSecond: number | null;

  @Field(() => Date, { nullable: true })
  @Column({ name: 'benchmarked_at', type: 'timestamptz', nullable: true })
  benchmarkedAt: Date | null;

  @Field(() => Date)
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  /** Not stored: true on the last nodeChanged event of a deleted node, so live views drop it. */
  @Field(() => Boolean, { description: 'True only on the nodeChanged event that announces the node was deleted' })
  removed = false;
}

/** One status from the flags: quarantine beats disabled beats connection state. */
export function nodeStatus(node: Pick<Node, 'quarantined' | 'disabled' | 'connected' | 'draining'>): NodeStatus {
  if (node.quarantined) return NodeStatus.QUARANTINED;
  if (node.disabled) return NodeStatus.DISABLED;
  if (!node.connected) return NodeStatus.OFFLINE;
  return node.draining ? NodeStatus.DRAINING : NodeStatus.ONLINE;
}
