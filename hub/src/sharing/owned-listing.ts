import { Field, ID, ObjectType } from 'type-graphql';
import { Column, PrimaryGeneratedColumn } from 'typeorm';
import { Visibility } from '../accounts/index.js';

/**
 * The columns and GraphQL fields every thing owned as `owner/name` shares (datasets, models,
 * architectures): who owns it, its name, markdown description, tags and visibility, and who made
 * it when. Each entity extends it with its own table and fields; the rules for the values are
 * `checks().listing()` (validation/checks.ts) and the access rules ResourceSharing / AccessService.
 * type-graphql gives its fields to each subclass's type; it is not in the schema itself, since no
 * field returns it.
 */
@ObjectType()
export abstract class OwnedListing {
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

  @Field(() => Visibility)
  @Column({ type: 'text' })
  visibility: Visibility;

  @Column({ name: 'created_by', type: 'uuid', nullable: true })
  createdBy: string | null;

  @Field(() => Date)
  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  @Field(() => Date)
  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt: Date;
}

/** bigint columns read as numbers (counts that fit in a double). */
export const bigintAsNumber = { to: (v: number) => v, from: (v: string | number) => Number(v) };
