import { Field, InputType } from 'type-graphql';

@InputType()
export class ForkModelInput {
  @Field(() => String, { nullable: true, description: 'You, or an organization you belong to, to own the fork; default: you' })
  owner?: string | null;

  @Field(() => String, { nullable: true, description: 'Name of the fork; default: the source’s name' })
  name?: string | null;
}
