import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';

/** What can be subscribed to. Each kind is a table with id, owner_id, visibility and name. */
export enum SubjectKind {
  MODEL = 'MODEL',
  DATASET = 'DATASET',
}
registerEnumType(SubjectKind, { name: 'SubjectKind', description: 'What a subscription follows: a model or a dataset' });

/** `owner/name` of a model or dataset as the reader sees it, resolved when it is read. */
@ObjectType('NotificationSubject', { description: 'The model or dataset a subscription or notification is about' })
export class NotificationSubject {
  @Field(() => SubjectKind) kind: SubjectKind;
  @Field(() => ID) id: string;
  @Field(() => String, { description: 'Handle of the user or organization that owns it' }) owner: string;
  @Field(() => String) name: string;
}

/** A subject by id, as stored: exactly one of the two columns is set. */
export interface SubjectRef {
  kind: SubjectKind;
  id: string;
}

export const subjectOf = (row: { modelId: string | null; datasetId: string | null }): SubjectRef =>
  row.modelId ? { kind: SubjectKind.MODEL, id: row.modelId } : { kind: SubjectKind.DATASET, id: row.datasetId! };
