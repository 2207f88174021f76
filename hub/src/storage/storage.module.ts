/** The storage module: storage usage against the per-owner quotas (fields on User and Organization). */
import type { HubModule } from '../module.js';
import { OrganizationStorageResolver, UserStorageResolver } from './storage-usage.resolver.js';

/** Its GraphQL resolvers (static: `npm run schema` prints the SDL without a hub). */
export const storageResolvers = [UserStorageResolver, OrganizationStorageResolver] as const;

export function storageModule(): HubModule {
  return { name: 'storage', services: {}, resolvers: storageResolvers };
}
