/** Storage usage against the per-owner quotas: what other modules may use. */
export { QuotaUsage, StorageUsage } from './storage-usage.resolver.js';
export { storageModule, storageResolvers } from './storage.module.js';
