/**
 * A deployment's settings as callers give them (GraphQL inputs, SQL's deploy option) and the
 * checks on the plain ones: replica bounds, requirements, batching, limits. Versions and splits
 * are resolved in deployment-versions.ts, autoscaling in autoscale/autoscaling-settings.ts.
 */
import { batchingSpec, type BatchingSpec } from '../../../schema/index.js';
import type { Visibility } from '../accounts/index.js';
import { badInput } from '../errors.js';
import type { Checks } from '../validation/checks.js';
import type { AutoscalingInput } from './autoscale/autoscaling-settings.js';
import type { DeploymentRequirementsValue } from './deployment.entity.js';
import type { VariantStickiness } from './split/variants.js';

const LABEL = /^[A-Za-z0-9._:=-]{1,64}$/;

/** Replicas a deployment may ask for. */
export const MAX_REPLICAS = 64;

export interface DeploymentRequirementsInput {
  gpu?: boolean | null;
  minMemoryBytes?: number | null;
  labels?: string[] | null;
}
export interface DeploymentSettingsInput {
  version?: number | null;
  alias?: string | null;
  minReplicas?: number | null;
  maxReplicas?: number | null;
  requirements?: DeploymentRequirementsInput | null;
  batching?: { maxBatchSize?: number | null; maxQueueDelayMs?: number | null } | null;
  limits?: { requestsPerSecond?: number | null; dailyRequests?: number | null } | null;
  visibility?: Visibility | null;
  /** A traffic split: its variants (not with version or alias). */
  variants?: { version?: number | null; alias?: string | null; weight: number; shadow?: boolean | null }[] | null;
  stickiness?: VariantStickiness | null;
  /** Autoscaling settings (the fields given over the current ones); null on update turns it off. */
  autoscaling?: AutoscalingInput | null;
}
export interface CreateDeploymentInput extends DeploymentSettingsInput {
  owner?: string | null;
  name: string;
  /** "owner/name" */
  model: string;
}

/** The replica bounds (over `current`), requirements, batching and limits of `input`, each problem added to `c` by its field. */
export function checkSettings(
  c: Checks,
  input: DeploymentSettingsInput,
  current: { minReplicas: number; maxReplicas: number | null },
): { minReplicas?: number; maxReplicas?: number; requirements?: DeploymentRequirementsValue; batching?: BatchingSpec; limits?: DeploymentSettingsInput['limits'] } {
  const min = input.minReplicas ?? current.minReplicas;
  const max = input.maxReplicas ?? Math.max(current.maxReplicas ?? 1, min, 1);
  if (!Number.isInteger(min) || min < 0 || min > MAX_REPLICAS) c.add('minReplicas', `must be a whole number from 0 to ${MAX_REPLICAS}`);
  if (!Number.isInteger(max) || max < 1 || max > MAX_REPLICAS) c.add('maxReplicas', `must be a whole number from 1 to ${MAX_REPLICAS}`);
  else if (Number.isInteger(min) && min > max) c.add('minReplicas', `must be at most maxReplicas (${max})`);
  let requirements: DeploymentRequirementsValue | undefined;
  if (input.requirements) {
    const r = input.requirements;
    requirements = { gpu: r.gpu ?? false, minMemoryBytes: null, labels: [] };
    if (r.minMemoryBytes != null) {
      if (!Number.isFinite(r.minMemoryBytes) || r.minMemoryBytes < 0) c.add('requirements.minMemoryBytes', 'must be 0 or more');
      else requirements.minMemoryBytes = Math.floor(r.minMemoryBytes);
    }
    if (r.labels?.length) {
      if (r.labels.length > 32 || r.labels.some((l) => !LABEL.test(l))) c.add('requirements.labels', 'at most 32 labels of letters, digits and . _ : = -');
      else requirements.labels = [...new Set(r.labels)];
    }
  }
  let batching: BatchingSpec | undefined;
  if (input.batching) {
    const given = Object.fromEntries(Object.entries(input.batching).filter(([, v]) => v != null));
    const parsed = batchingSpec.safeParse(given);
    if (!parsed.success) for (const issue of parsed.error.issues) c.add(['batching', ...issue.path].join('.'), issue.message);
    else batching = parsed.data;
  }
  const limits = input.limits ?? undefined;
  if (limits?.requestsPerSecond != null && (!Number.isFinite(limits.requestsPerSecond) || limits.requestsPerSecond <= 0 || limits.requestsPerSecond > 1e6)) {
    c.add('limits.requestsPerSecond', 'must be more than 0 and at most 1000000');
  }
  if (limits?.dailyRequests != null && (!Number.isInteger(limits.dailyRequests) || limits.dailyRequests < 1)) c.add('limits.dailyRequests', 'must be a whole number of at least 1');
  return { minReplicas: min, maxReplicas: max, requirements, batching, limits };
}

/** "owner/name" split in two; BAD_USER_INPUT naming `model` otherwise. */
export function splitModel(model: string): [string, string] {
  const at = model.indexOf('/');
  if (at <= 0 || at === model.length - 1) throw badInput('model', 'name the model as "owner/name"');
  return [model.slice(0, at), model.slice(at + 1)];
}
