import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

export enum OrgRole {
  OWNER = 'owner',
  ADMIN = 'admin',
  MEMBER = 'member',
}
registerEnumType(OrgRole, { name: 'OrgRole', description: 'owner > admin > member' });

/** Rank used to compare roles: a caller may only grant or remove roles below (or, for owners, equal to) their own. */
export const ROLE_RANK: Record<OrgRole, number> = { [OrgRole.MEMBER]: 1, [OrgRole.ADMIN]: 2, [OrgRole.OWNER]: 3 };

@ObjectType('Membership')
@Entity('memberships')
export class Membership {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'organization_id', type: 'uuid' })
  organizationId: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId: string;

  @Field(() => OrgRole)
  @Column({ type: 'text' })
  role: OrgRole;

  @Field(() => Date)
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
