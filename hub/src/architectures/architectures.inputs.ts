import { GraphQLJSON } from 'graphql-scalars';
import { Field, InputType } from 'type-graphql';
import { ModelVisibility } from '../catalog/index.js';

@InputType()
export class CreateArchitectureInput {
  @Field(() => String, { nullable: true, description: 'User or organization handle that will own it; default: you' })
  owner?: string | null;

  @Field(() => String, { description: '1–100 letters, digits, ".", "_" or "-", starting with a letter or digit; unique per owner' })
  name: string;

  @Field(() => String, { nullable: true, description: 'Markdown' })
  description?: string | null;

  @Field(() => [String], { nullable: true })
  tags?: string[] | null;

  @Field(() => ModelVisibility, { nullable: true, description: 'Default PUBLIC' })
  visibility?: ModelVisibility | null;

  @Field(() => GraphQLJSON, { description: 'The model spec; refused (BAD_USER_INPUT, one field per problem: spec.layers[3].units …) unless it validates' })
  spec: unknown;
}

@InputType()
export class UpdateArchitectureInput {
  @Field(() => String, { nullable: true }) description?: string | null;
  @Field(() => [String], { nullable: true }) tags?: string[] | null;
  @Field(() => ModelVisibility, { nullable: true, description: 'Needs admin on the architecture' }) visibility?: ModelVisibility | null;
  @Field(() => GraphQLJSON, { nullable: true, description: 'A new spec, validated again' }) spec?: unknown;
}
