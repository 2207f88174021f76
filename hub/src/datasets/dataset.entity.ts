import { Field, Float, Int, ObjectType } from 'type-graphql';
import { Column, Entity } from 'typeorm';
import { Visibility } from '../accounts/index.js';
import { bigintAsNumber, OwnedListing } from '../sharing/index.js';

/** The shared `Visibility` under this domain's name. */
export const DatasetVisibility = Visibility;
export type DatasetVisibility = Visibility;

@ObjectType('Dataset', { description: 'A dataset in the data market, `owner/name`, with immutable numbered versions' })
@Entity('datasets')
export class Dataset extends OwnedListing {
  @Field(() => String, { description: 'An SPDX id or custom license text' })
  @Column({ type: 'text', default: '' })
  license: string;

  @Field(() => Int)
  @Column({ type: 'int', default: 0 })
  stars: number;

  @Field(() => Float, { description: 'Times the dataset was used: each CSV export, SQL query (its first page), CREATE MODEL, ML.PREDICT and ML.EVALUATE that read it' })
  @Column({ name: 'usage_count', type: 'bigint', default: 0, transformer: bigintAsNumber })
  usageCount: number;
}
