import { Field, Int, ObjectType } from 'type-graphql';
import { Column, Entity } from 'typeorm';
import { Visibility } from '../accounts/index.js';
import { bigintAsNumber, OwnedListing } from '../sharing/index.js';

/** The shared `Visibility` under this domain's name. */
export const ModelVisibility = Visibility;
export type ModelVisibility = Visibility;

// simpleResolvers: plain fields read by graphql-js's default resolver (see graphql/connection.ts);
// owner, latestVersion, aliases and versions keep their field resolvers.
@ObjectType('Model', { description: 'A model in the catalog, `owner/name`, with immutable numbered versions', simpleResolvers: true })
@Entity('models')
export class Model extends OwnedListing {
  @Field(() => String, { description: 'classification, regression or any other task name' })
  @Column({ type: 'text', default: '' })
  task: string;

  @Field(() => String)
  @Column({ type: 'text', default: 'tfjs-layers' })
  framework: string;

  @Field(() => String, { description: 'An SPDX id or custom license text' })
  @Column({ type: 'text', default: '' })
  license: string;

  @Column({ name: 'forked_from', type: 'uuid', nullable: true })
  forkedFrom: string | null;

  @Field(() => Int)
  @Column({ type: 'int', default: 0 })
  stars: number;

  @Field(() => Int, { description: 'model.json downloads, all versions' })
  @Column({ type: 'bigint', default: 0, transformer: bigintAsNumber })
  downloads: number;
}
