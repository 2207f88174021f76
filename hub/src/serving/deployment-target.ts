/**
 * A deployment as the front doors, the admission check and the router need it, and how the caller
 * reaches it: the seam between the deployments half of serving and the inference path.
 */
import type { FeatureSpec } from '../../../schema/index.js';

export interface DeploymentTarget {
  id: string;
  /** Handle of the user or organization that owns it. */
  owner: string;
  name: string;
  ownerId: string;
  /** The model it serves, "owner/name". */
  model: string;
  modelId: string;
  /** The version new replicas serve (during a rolling update the old one may still answer too). */
  versionId: string;
  versionNumber: number;
  task: 'classification' | 'regression';
  /** The version's features in input order, with their preprocessing (its signature). */
  features: FeatureSpec[];
  /** Classes in output order (classifiers); empty for regressors. */
  labels: string[];
  /** The column the model was trained to predict. */
  labelName: string;
  /** Limits of the deployment itself, for every caller together (null: none). */
  requestsPerSecond: number | null;
  dailyRequestQuota: number | null;
  /** API keys an alert throttled on this deployment: key id → requests per second (alerts/). */
  keyThrottles?: Record<string, number>;
  /**
   * Its variants when it is split (more than one version, or a shadow), the primary first, each
   * with its version's signature; absent when one version answers every request.
   */
  variants?: VariantTarget[];
  /** How requests stick to a variant (split/variants.ts VariantStickiness); absent: 'request'. */
  stickiness?: 'request' | 'caller';
  /** It scales to zero when idle: a request finding no ready replica is held for a cold start (autoscale/). */
  scalesToZero?: boolean;
  /**
   * Why it answers nothing until someone acts: its monthly budget stopped it (budgets/). A request
   * is refused at once with this message instead of waiting for a replica that will not start.
   */
  stoppedBecause?: string;
  /** It is autoscaled: its requests are counted as demand (autoscale/concurrency-meter.ts). */
  autoscaled?: boolean;
}

/** One variant of a split deployment as the inference path needs it. */
export interface VariantTarget {
  versionId: string;
  versionNumber: number;
  /** Percent of requests it answers; a shadow: percent of requests copied to it. */
  weight: number;
  shadow: boolean;
  task: 'classification' | 'regression';
  features: FeatureSpec[];
  labels: string[];
  labelName: string;
}

/** Why this caller may call it: a member (owner, organization, collaborator), a subscriber, or anyone (public). */
export interface CallerAccess {
  via: 'member' | 'subscriber' | 'public';
  /** The subscriber's plan (its daily quota applies), when via = subscriber. */
  plan: { name: string; dailyRequestQuota: number } | null;
}
