/**
 * The limits every inference request passes before it reaches a replica, and the meter it leaves
 * its usage on: the seam between the inference path and the quotas half of serving.
 */
import type { Principal } from '../accounts/index.js';
import type { CallerAccess, DeploymentTarget } from './deployment-target.js';

/** `RateLimit-Limit`, `RateLimit-Remaining`, `RateLimit-Reset` (and on refusal `Retry-After`) to send back. */
export type RateLimitHeaders = Record<string, string>;

export interface Admission {
  /**
   * Spends one request of every limit that applies (the key's, the subscriber plan's, the
   * deployment's: per day and per second), consistently across hubs. Throws RATE_LIMITED
   * (with retryAfterSeconds and the headers) when one is spent.
   */
  admit(principal: Principal, target: DeploymentTarget, access: CallerAccess): Promise<RateLimitHeaders>;
}

export interface UsageEntry {
  deploymentId: string;
  userId: string;
  /** The API key used; null for a session. */
  apiKeyId: string | null;
  rows: number;
  error: boolean;
  /** Compute time the agent reported for the call. */
  computeMs: number;
  /** Hub-measured latency. */
  latencyMs: number;
  /** Rows in the agent's predict call that answered it (InferenceAnswer.batchSize); absent for a failed request. */
  batchSize?: number;
  /** "owner/name", for the /metrics labels (monitoring). */
  deployment?: string;
  /** The model version that answered, or the one asked for (or the deployment's) when none did. */
  versionNumber?: number;
  /** The replica (serve job) that answered; absent when none did. */
  replicaId?: string;
  /** Of a failed request: its error code (RATE_LIMITED never reaches the meter). */
  status?: string;
}

export interface Metering {
  /** Counts one request (cheap: aggregated in memory and written in batches). */
  record(entry: UsageEntry): void;
}
