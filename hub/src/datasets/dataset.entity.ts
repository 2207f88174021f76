import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { Visibility } from '../accounts/visibility.js';

/** The shared `Visibility` under this domain's name. */
export const DatasetVisibility = Visibility;
export type DatasetVisibility = Visibility;

@ObjectType('Dataset', { description: 'A dataset in the data market, `owner/name`, with immutable numbered versions' })
@Entity('datasets')
export class Dataset {
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

  @Field(() => String, { description: 'An SPDX id or custom license text' })
  @Column({ type: 'text', default: '' })
  license: string;

  @Field(() => [String])
  @Column({ type: 'text', array: true, default: () => `'{}'` })
  tags: string[];

  @Field(() => DatasetVisibility)
  @Column({ type: 'text' })
  visibility: DatasetVisibility;

  @Column({ name: 'created_by', type: 'uuid', nullable: true })
  createdBy: string | null;

  @Field(() => Date)
  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  @Field(() => Int)
  @Column({ type: 'int', default: 0 })
  stars: number;

  @Field(() => Float, { description: 'Times a version was exported (and, later, queried or trained on)' })
  @Column({ name: 'usage_count', type: 'bigint', default: 0, transformer: { to: (v: number) => v, from: (v: string | number) => Number(v) } })
  usageCount: number;

  @Field(() => Date)
  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt: Date;
}
