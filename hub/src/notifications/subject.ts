import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';

/** What can be subscribed to. Each kind is a table with id, owner_id, visibility and name. */
export enum SubjectKind {
  MODEL = 'MODEL',
  DATASET = 'DATASET',
  /** Its rollouts, incidents and budget; followed by those who may change it (its creator from the start). */
  DEPLOYMENT = 'DEPLOYMENT',
}
registerEnumType(SubjectKind, { name: 'SubjectKind', description: 'What a subscription follows: a model, a dataset or a deployment' });

/** `owner/name` of a model, dataset or deployment as the reader sees it, resolved when it is read. */
@ObjectType('NotificationSubject', { description: 'The model, dataset or deployment a subscription or notification is about' })
export class NotificationSubject {
  @Field(() => SubjectKind) kind: SubjectKind;
  @Field(() => ID) id: string;
  @Field(() => String, { description: 'Handle of the user or organization that owns it' }) owner: string;
  @Field(() => String) name: string;
}

/** A subject by id, as stored: exactly one of the subject columns is set. */
export interface SubjectRef {
  kind: SubjectKind;
  id: string;
}

/** The subject columns of a subscription or notification row. */
export interface SubjectColumns {
  modelId: string | null;
  datasetId: string | null;
  deploymentId: string | null;
}

export const subjectOf = (row: SubjectColumns): SubjectRef =>
  row.modelId
    ? { kind: SubjectKind.MODEL, id: row.modelId }
    : row.datasetId
      ? { kind: SubjectKind.DATASET, id: row.datasetId }
      : { kind: SubjectKind.DEPLOYMENT, id: row.deploymentId! };

/** The subject columns that name `ref` (the others null). */
export const subjectColumns = (ref: SubjectRef): SubjectColumns => ({
  modelId: ref.kind === SubjectKind.MODEL ? ref.id : null,
  datasetId: ref.kind === SubjectKind.DATASET ? ref.id : null,
  deploymentId: ref.kind === SubjectKind.DEPLOYMENT ? ref.id : null,
});
