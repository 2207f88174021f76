import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';

export enum AccountEventKind {
  API_KEY_CREATED = 'API_KEY_CREATED',
  API_KEY_REVOKED = 'API_KEY_REVOKED',
  NODE_REGISTERED = 'NODE_REGISTERED',
  NODE_TOKEN_REVOKED = 'NODE_TOKEN_REVOKED',
  NODE_CONNECTED = 'NODE_CONNECTED',
  NODE_DISCONNECTED = 'NODE_DISCONNECTED',
  /** A node's claimed speed disagrees with its measured speed (to its owner and to admins). */
  NODE_FLAGGED = 'NODE_FLAGGED',
  MEMBERSHIP_CHANGED = 'MEMBERSHIP_CHANGED',
  DATASET_ACCESS_REQUESTED = 'DATASET_ACCESS_REQUESTED',
  DATASET_ACCESS_APPROVED = 'DATASET_ACCESS_APPROVED',
  DATASET_ACCESS_DENIED = 'DATASET_ACCESS_DENIED',
  MODEL_ACCESS_REQUESTED = 'MODEL_ACCESS_REQUESTED',
  MODEL_ACCESS_APPROVED = 'MODEL_ACCESS_APPROVED',
  MODEL_ACCESS_DENIED = 'MODEL_ACCESS_DENIED',
}
registerEnumType(AccountEventKind, { name: 'AccountEventKind' });

@ObjectType('AccountEvent', { description: 'Something changed on your account; delivered by the accountEvents subscription.' })
export class AccountEvent {
  @Field(() => AccountEventKind)
  kind: AccountEventKind;

  @Field(() => ID, { description: 'The API key, node token, organization, dataset, model or access request the event is about' })
  subjectId: string;

  @Field(() => String)
  message: string;

  @Field(() => Date)
  at: Date;
}

export function accountEvent(kind: AccountEventKind, subjectId: string, message: string): AccountEvent {
  return Object.assign(new AccountEvent(), { kind, subjectId, message, at: new Date() });
}
