import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';

export enum ModelEventKind {
  VERSION_PUBLISHED = 'VERSION_PUBLISHED',
  VERSION_DEPRECATED = 'VERSION_DEPRECATED',
  VERSION_UNPUBLISHED = 'VERSION_UNPUBLISHED',
}
registerEnumType(ModelEventKind, { name: 'ModelEventKind' });

/** Something happened to a model that its followers want to hear: delivered by modelEvents. */
@ObjectType('ModelEvent')
export class ModelEvent {
  @Field(() => ModelEventKind) kind: ModelEventKind;
  @Field(() => ID) modelId: string;
  @Field(() => Int) version: number;
  @Field(() => String) message: string;
  @Field(() => Date) at: Date;
}
