import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { Scope } from './scopes.js';

@ObjectType('ApiKey', { description: 'A programmatic credential. The secret is shown once, at creation.' })
@Entity('api_keys')
export class ApiKey {
  @Field(() => ID)
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId: string;

  @Field(() => String)
  @Column({ type: 'text' })
  name: string;

  @Field(() => String, { description: 'The first characters of the key, to recognise it' })
  @Column({ type: 'text' })
  prefix: string;

  @Column({ name: 'token_hash', type: 'text' })
  tokenHash: string;

  @Field(() => [Scope])
  @Column({ type: 'text', array: true })
  scopes: Scope[];

  @Field(() => Float, { nullable: true, description: 'Inference requests per second this key may send (a token bucket, bursts of one second); null: no limit of its own' })
  @Column({ name: 'requests_per_second', type: 'double precision', nullable: true })
  requestsPerSecond: number | null;

  @Field(() => Int, { nullable: true, description: 'Inference requests per UTC day this key may send; null: no limit of its own' })
  @Column({ name: 'daily_requests', type: 'integer', nullable: true })
  dailyRequests: number | null;

  @Field(() => Date)
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Field(() => Date, { nullable: true })
  @Column({ name: 'last_used_at', type: 'timestamptz', nullable: true })
  lastUsedAt: Date | null;

  @Field(() => Date, { nullable: true })
  @Column({ name: 'expires_at', type: 'timestamptz', nullable: true })
  expiresAt: Date | null;

  @Field(() => Date, { nullable: true })
  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt: Date | null;
}
