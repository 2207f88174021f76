/**
 * A deployment's variants: the model versions it serves side by side under its one name, each with
 * a weight (the percent of requests it answers) or as a shadow (a copy of that percent of requests
 * goes to it; its answers are compared, never returned). docs/serving.md, "Traffic split".
 *
 * Stored in `deployments.variants` (jsonb). An empty list is a split of one: the deployment's own
 * version (`version_id`, `alias`) answers every request, exactly as before splits existed. A longer
 * list names every variant, its first the primary, mirrored in `version_id` / `version_number` /
 * `alias` (what `Deployment.versionNumber` shows and single-version code reads).
 */
import { registerEnumType } from 'type-graphql';

/** Variants one deployment may serve at most (primary, canaries and shadows together). */
export const MAX_VARIANTS = 4;

export interface StoredVariant {
  versionId: string;
  versionNumber: number;
  /** The alias it follows (it moves when the alias moves); null: pinned to the version. */
  alias: string | null;
  /** Non-shadow: percent of requests it answers (0–100, all of them add up to 100). Shadow: percent of requests copied to it (1–100). */
  weight: number;
  shadow: boolean;
  /** Replicas it is kept at (variantReplicas of the deployment's minReplicas); the reconciler's tick compares against it. */
  replicas: number;
}

export enum VariantStickiness {
  /** Each request draws its variant by weight; a request carrying a routing key sticks to the key's variant. */
  REQUEST = 'request',
  /** As REQUEST, and a request without a routing key sticks by its caller: the API key, else the signed-in user. */
  CALLER = 'caller',
}
registerEnumType(VariantStickiness, {
  name: 'VariantStickiness',
  description: 'How requests stick to a variant of a split deployment',
});

/** The variants of a deployment row (entity or raw SQL row): its stored list, or its one version. */
export function variantsOf(d: { variants?: unknown; versionId?: string; version_id?: string; versionNumber?: number; version_number?: number; alias: string | null; minReplicas?: number; min_replicas?: number }): StoredVariant[] {
  const stored = Array.isArray(d.variants) ? (d.variants as StoredVariant[]) : [];
  if (stored.length > 0) return stored;
  return [
    {
      versionId: (d.versionId ?? d.version_id)!,
      versionNumber: Number(d.versionNumber ?? d.version_number),
      alias: d.alias,
      weight: 100,
      shadow: false,
      replicas: Number(d.minReplicas ?? d.min_replicas ?? 0),
    },
  ];
}

/**
 * How `minReplicas` divide among variants: none while it is 0 (the deployment is stopped); else
 * every variant holds at least one replica (a weight-0 variant is kept warm, so a pinned request
 * or a raised weight finds it ready), and the replicas beyond one each are shared by weight (a
 * shadow's weight is its copied share), largest remainders first, ties to the earlier variant.
 * The total is max(minReplicas, number of variants).
 */
export function variantReplicas(minReplicas: number, variants: readonly Pick<StoredVariant, 'weight'>[]): number[] {
  if (minReplicas <= 0) return variants.map(() => 0);
  const counts = variants.map(() => 1);
  const extra = Math.max(0, minReplicas - variants.length);
  const total = variants.reduce((sum, v) => sum + v.weight, 0);
  if (extra === 0 || total === 0) return counts;
  const exact = variants.map((v) => (extra * v.weight) / total);
  let given = 0;
  exact.forEach((x, i) => {
    counts[i] += Math.floor(x);
    given += Math.floor(x);
  });
  const order = exact.map((x, i) => ({ i, rest: x - Math.floor(x) })).sort((a, b) => b.rest - a.rest || a.i - b.i);
  for (let k = 0; k < extra - given; k++) counts[order[k % order.length].i] += 1;
  return counts;
}
