import { Field, InputType } from 'type-graphql';
import { ModelVisibility } from './model.entity.js';

@InputType()
export class CreateModelInput {
  @Field(() => String, { nullable: true, description: 'User or organization handle that will own it; default: you' })
  owner?: string | null;

  @Field(() => String, { description: '1–100 letters, digits, ".", "_" or "-", starting with a letter or digit; unique per owner' })
  name: string;

  @Field(() => String, { nullable: true, description: 'classification, regression or another task name' })
  task?: string | null;

  @Field(() => [String], { nullable: true })
  tags?: string[] | null;

  @Field(() => String, { nullable: true, description: 'SPDX id or custom license text' })
  license?: string | null;

  @Field(() => ModelVisibility, { nullable: true, description: 'Default PUBLIC' })
  visibility?: ModelVisibility | null;

  @Field(() => String, { nullable: true, description: 'Markdown' })
  description?: string | null;
}

@InputType()
export class UpdateModelInput {
  @Field(() => String, { nullable: true }) task?: string | null;
  @Field(() => [String], { nullable: true }) tags?: string[] | null;
  @Field(() => String, { nullable: true }) license?: string | null;
  @Field(() => ModelVisibility, { nullable: true }) visibility?: ModelVisibility | null;
  @Field(() => String, { nullable: true }) description?: string | null;
}

@InputType({ description: 'Every field given must match (case-insensitive); each at most 200 characters' })
export class ModelFilter {
  @Field(() => String, { nullable: true }) task?: string | null;
  @Field(() => String, { nullable: true, description: 'One tag the model has' }) tag?: string | null;
  @Field(() => String, { nullable: true }) license?: string | null;
  @Field(() => String, { nullable: true, description: 'A user or organization handle; an unknown one finds nothing' }) owner?: string | null;
  @Field(() => String, { nullable: true, description: 'e.g. tfjs-layers' }) framework?: string | null;
  @Field(() => String, { nullable: true, description: 'A benchmark, "owner/name": only the models with a standing on it ("best on X"; sorted by their rank there unless another sort is asked for). NOT_FOUND if you may not read it' })
  bestOn?: string | null;
}
