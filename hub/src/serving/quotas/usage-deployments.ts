import type { Principal } from '../../accounts/index.js';

/** What the usage query needs of the deployments half of serving. */
export interface UsageDeployments {
  /**
   * The deployment "owner/name" as `viewer` may see it: null when they may not (NOT_FOUND);
   * `admin` when they may see every caller's usage of it (its owner, the owning organization's
   * owners and admins, platform admins).
   */
  find(viewer: Principal, ref: string): Promise<{ id: string; admin: boolean } | null>;
  /** "owner/name" of the deployments among `ids` that still exist. */
  names(ids: string[]): Promise<Map<string, string>>;
}

/** Knows no deployment: every name is NOT_FOUND and usage shows none by name. */
export const NO_DEPLOYMENTS: UsageDeployments = {
  find: async () => null,
  names: async () => new Map(),
};
