/**
 * `storageUsage` on users and organizations: what the owner stores against each per-owner quota
 * (datasets: AIMASS_QUOTA_DATASET_BYTES, counted by the datasets domain; artifacts:
 * AIMASS_QUOTA_ARTIFACT_BYTES, counted by the catalog). Visible to the user themself, to an
 * organization's members, and to admins; null to everyone else.
 */
import { Ctx, Field, Float, FieldResolver, ObjectType, Resolver, Root } from 'type-graphql';
import { Organization } from '../accounts/index.js';
import { User } from '../accounts/index.js';
import type { Context } from '../graphql/context.js';

@ObjectType('QuotaUsage', { description: 'Bytes stored against one quota' })
export class QuotaUsage {
  @Field(() => Float) usedBytes: number;
  @Field(() => Float, { nullable: true, description: 'The quota in bytes; null when unlimited' }) limitBytes: number | null;
}

@ObjectType('StorageUsage', { description: 'What an owner stores, per quota (see docs/uploads-and-quotas.md for how it is counted)' })
export class StorageUsage {
  @Field(() => QuotaUsage, { description: 'Bytes uploaded for every version of the owner’s datasets' })
  datasets: QuotaUsage;
  @Field(() => QuotaUsage, { description: 'Bytes of the distinct files the owner’s model versions name' })
  artifacts: QuotaUsage;
}

async function usageOf(ctx: Context, ownerId: string): Promise<StorageUsage> {
  const quota = ({ used, limit }: { used: number; limit: number }) => ({ usedBytes: used, limitBytes: limit === 0 ? null : limit });
  const [datasets, artifacts] = await Promise.all([ctx.services.datasets.storageUsage(ownerId), ctx.services.catalog.storageUsage(ownerId)]);
  return { datasets: quota(datasets), artifacts: quota(artifacts) };
}

const DESCRIPTION = 'Bytes stored and the quotas; visible to the owner (an organization’s members) and admins, null to others';

@Resolver(() => User)
export class UserStorageResolver {
  @FieldResolver(() => StorageUsage, { nullable: true, description: DESCRIPTION })
  storageUsage(@Root() user: User, @Ctx() ctx: Context): Promise<StorageUsage | null> {
    const viewer = ctx.principal?.user;
    if (!viewer || (viewer.id !== user.id && !viewer.isAdmin)) return Promise.resolve(null);
    return usageOf(ctx, user.id);
  }
}

@Resolver(() => Organization)
export class OrganizationStorageResolver {
  @FieldResolver(() => StorageUsage, { nullable: true, description: DESCRIPTION })
  async storageUsage(@Root() org: Organization, @Ctx() ctx: Context): Promise<StorageUsage | null> {
    const viewer = ctx.principal?.user;
    if (!viewer) return null;
    if (!viewer.isAdmin && !(await ctx.services.organizations.roleOf(viewer.id, org.id))) return null;
    return usageOf(ctx, org.id);
  }
}
