import { Field, Float, InputType, Int, ObjectType } from 'type-graphql';
import { ApiKey } from './api-key.entity.js';
import { OrgRole } from './membership.entity.js';
import { Scope } from './scopes.js';
import { User } from './user.entity.js';

@InputType()
export class SignUpInput {
  @Field(() => String, { description: '1–39 letters, digits or single hyphens' }) username: string;
  @Field(() => String) email: string;
  @Field(() => String, { description: 'At least 8 characters' }) password: string;
  @Field(() => String, { nullable: true }) displayName?: string | null;
}

@InputType()
export class LogInInput {
  @Field(() => String, { description: 'Username or email' }) login: string;
  @Field(() => String) password: string;
}

@ObjectType()
export class AuthPayload {
  @Field(() => String, { description: 'Session token: send as "Authorization: Bearer <token>"' }) token: string;
  @Field(() => User) user: User;
  @Field(() => Date) expiresAt: Date;
}

@InputType()
export class CreateApiKeyInput {
  @Field(() => String) name: string;
  @Field(() => [Scope]) scopes: Scope[];
  @Field(() => Int, { nullable: true, description: 'Days until it expires; omit for no expiry' }) expiresInDays?: number | null;
  @Field(() => Float, { nullable: true, description: 'Inference requests per second (more than 0, at most 100000); omit for none' }) requestsPerSecond?: number | null;
  @Field(() => Int, { nullable: true, description: 'Inference requests per UTC day (1 to 100000000); omit for none' }) dailyRequests?: number | null;
}

@ObjectType()
export class CreateApiKeyPayload {
  @Field(() => ApiKey) apiKey: ApiKey;
  @Field(() => String, { description: 'The key itself. Shown this once; store it now.' }) secret: string;
}

@InputType()
export class CreateOrganizationInput {
  @Field(() => String) handle: string;
  @Field(() => String, { nullable: true }) displayName?: string | null;
  @Field(() => String, { nullable: true }) description?: string | null;
}

@InputType()
export class UpdateOrganizationInput {
  @Field(() => String, { nullable: true }) displayName?: string | null;
  @Field(() => String, { nullable: true }) description?: string | null;
}

@InputType()
export class MemberInput {
  @Field(() => String) organization: string;
  @Field(() => String) username: string;
  @Field(() => OrgRole, { nullable: true, description: 'Default member' }) role?: OrgRole | null;
}
