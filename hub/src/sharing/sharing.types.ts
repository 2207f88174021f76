/**
 * GraphQL shapes of sharing, one set per kind of resource (DatasetCollaborator, ModelCollaborator,
 * …): made by these factories so every kind exposes the same fields. Call each once per prefix.
 */
import type DataLoader from 'dataloader';
import { Field, ID, ObjectType } from 'type-graphql';
import { User } from '../accounts/index.js';
import type { AccessRequest, Collaborator } from './resource-sharing.js';

export interface CollaboratorShape<R> {
  user: User;
  role: R;
  createdAt: Date;
}

export interface AccessRequestShape {
  id: string;
  requester: User;
  message: string;
  createdAt: Date;
}

/** `<prefix>Collaborator { user role createdAt }`, `role` being the kind's role enum (READ, WRITE, ADMIN). */
export function CollaboratorType(prefix: string, roleEnum: object) {
  @ObjectType(`${prefix}Collaborator`)
  class CollaboratorObject {
    @Field(() => User) user: User;
    @Field(() => roleEnum) role: string;
    @Field(() => Date) createdAt: Date;
  }
  return CollaboratorObject;
}

/** `<prefix>AccessRequest { id requester message createdAt }` */
export function AccessRequestType(prefix: string) {
  @ObjectType(`${prefix}AccessRequest`)
  class AccessRequestObject {
    @Field(() => ID) id: string;
    @Field(() => User) requester: User;
    @Field(() => String) message: string;
    @Field(() => Date) createdAt: Date;
  }
  return AccessRequestObject;
}

/** Collaborator rows with their users, loaded in one batch; users that are gone are left out. */
export async function collaboratorsWithUsers<R>(rows: Collaborator[], users: DataLoader<string, User | null>): Promise<CollaboratorShape<R>[]> {
  const loaded = await users.loadMany(rows.map((r) => r.userId));
  return rows.flatMap((r, i) => {
    const user = loaded[i];
    return user instanceof User ? [{ user, role: r.role as R, createdAt: r.createdAt }] : [];
  });
}

/** Access requests with their requesters, loaded in one batch. */
export async function requestsWithUsers(rows: AccessRequest[], users: DataLoader<string, User | null>): Promise<AccessRequestShape[]> {
  const loaded = await users.loadMany(rows.map((r) => r.requesterId));
  return rows.flatMap((r, i) => {
    const requester = loaded[i];
    return requester instanceof User ? [{ id: r.id, requester, message: r.message, createdAt: r.createdAt }] : [];
  });
}
