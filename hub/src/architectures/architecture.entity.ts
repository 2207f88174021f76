import { GraphQLJSON } from 'graphql-scalars';
import { Field, Float, ID, ObjectType } from 'type-graphql';
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { ModelSpec } from '../../../schema/index.js';
import { ModelVisibility } from '../catalog/index.js';
import type { ModelSpecValidation } from './model-spec-validator.js';

const bigint = { to: (v: number) => v, from: (v: string | number) => Number(v) };

@ObjectType('Architecture', { description: 'A saved model spec (layer graph), `owner/name`, that training can build' })
@Entity('architectures')
export class Architecture {
  @Field(() => ID)
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** A user id or an organization id. */
  @Column({ name: 'owner_id', type: 'uuid' })
  ownerId: string;

  @Field(() => String)
  @Column({ type: 'text' })
  name: string;

  @Field(() => String, { description: 'Markdown' })
  @Column({ type: 'text', default: '' })
  description: string;

  @Field(() => [String])
  @Column({ type: 'text', array: true, default: () => `'{}'` })
  tags: string[];

  @Field(() => ModelVisibility)
  @Column({ type: 'text' })
  visibility: ModelVisibility;

  @Field(() => GraphQLJSON, { description: 'The model spec as saved, keys in their order (see schema/model-spec.ts)' })
  @Column({ type: 'json' })
  spec: ModelSpec;

  /** The validation of `spec` when it was saved (layers, shapes, counts); exposed as `summary`. */
  @Column({ type: 'jsonb' })
  summary: ModelSpecValidation;

  @Field(() => Float)
  @Column({ name: 'total_params', type: 'bigint', transformer: bigint })
  totalParams: number;

  @Field(() => Float)
  @Column({ name: 'trainable_params', type: 'bigint', transformer: bigint })
  trainableParams: number;

  @Column({ name: 'created_by', type: 'uuid', nullable: true })
  createdBy: string | null;

  @Field(() => Date)
  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  @Field(() => Date)
  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt: Date;
}
