import { Field, ID, Int, ObjectType } from 'type-graphql';
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { Visibility } from '../accounts/visibility.js';

/** The shared `Visibility` under this domain's name. */
export const ModelVisibility = Visibility;
export type ModelVisibility = Visibility;

@ObjectType('Model', { description: 'A model in the catalog, `owner/name`, with immutable numbered versions' })
@Entity('models')
export class Model {
  @Field(() => ID)
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** A user id or an organization id. */
  @Column({ name: 'owner_id', type: 'uuid' })
  ownerId: string;

  @Field(() => String)
  @Column({ type: 'text' })
  name: string;

  @Field(() => String, { description: 'classification, regression or any other task name' })
  @Column({ type: 'text', default: '' })
  task: string;

  @Field(() => String)
  @Column({ type: 'text', default: 'tfjs-layers' })
  framework: string;

  @Field(() => [String])
  @Column({ type: 'text', array: true, default: () => `'{}'` })
  tags: string[];

  @Field(() => String, { description: 'An SPDX id or custom license text' })
  @Column({ type: 'text', default: '' })
  license: string;

  @Field(() => ModelVisibility)
  @Column({ type: 'text' })
  visibility: ModelVisibility;

  @Field(() => String, { description: 'Markdown' })
  @Column({ type: 'text', default: '' })
  description: string;

  @Column({ name: 'forked_from', type: 'uuid', nullable: true })
  forkedFrom: string | null;

  @Field(() => Int)
  @Column({ type: 'int', default: 0 })
  stars: number;

  @Field(() => Int, { description: 'model.json downloads, all versions' })
  @Column({ type: 'bigint', default: 0, transformer: { to: (v: number) => v, from: (v: string | number) => Number(v) } })
  downloads: number;

  @Column({ name: 'created_by', type: 'uuid', nullable: true })
  createdBy: string | null;

  @Field(() => Date)
  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  @Field(() => Date)
  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt: Date;
}
