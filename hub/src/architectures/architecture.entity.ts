import { GraphQLJSON } from 'graphql-scalars';
import { Field, Float, ObjectType } from 'type-graphql';
import { Column, Entity } from 'typeorm';
import type { ModelSpec } from '../../../schema/index.js';
import { bigintAsNumber, OwnedListing } from '../sharing/index.js';
import type { ModelSpecValidation } from './model-spec-validator.js';

@ObjectType('Architecture', { description: 'A saved model spec (layer graph), `owner/name`, that training can build' })
@Entity('architectures')
export class Architecture extends OwnedListing {
  @Field(() => GraphQLJSON, { description: 'The model spec as saved, keys in their order (see schema/model-spec.ts)' })
  @Column({ type: 'json' })
  spec: ModelSpec;

  /** The validation of `spec` when it was saved (layers, shapes, counts); exposed as `summary`. */
  @Column({ type: 'jsonb' })
  summary: ModelSpecValidation;

  @Field(() => Float)
  @Column({ name: 'total_params', type: 'bigint', transformer: bigintAsNumber })
  totalParams: number;

  @Field(() => Float)
  @Column({ name: 'trainable_params', type: 'bigint', transformer: bigintAsNumber })
  trainableParams: number;
}
