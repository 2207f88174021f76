/** Storage usage against the per-owner quotas: what other modules may use. */
export { OrganizationStorageResolver, QuotaUsage, StorageUsage, UserStorageResolver } from './storage-usage.resolver.js';
