/**
 * Data residency, the compute domain's placement rule: a job that reads non-public data — dataset
 * rows, a private model's weights, a private architecture — runs only on nodes every owner of that
 * data trusts. An owner (a user or an organization) trusts:
 *
 * - nodes owned by itself (a user) or by its members (an organization);
 * - nodes it put on its trusted-node list, and nodes of users on its trusted-provider list;
 * - operator-run nodes (the hub's own local agents, and nodes an admin marked operator-run),
 *   trusted by everyone, since the operator already holds all the data.
 *
 * Public data may run anywhere. A job kind that reads data says so (job-kinds.ts `readsData`);
 * the domain queuing it lists what it reads ({@link DataRead}) and the placement is derived here,
 * never set by hand. The claim (queue/claim-jobs.ts) filters by it in SQL.
 */

/** One thing a job reads, as the domain queuing it knows it. */
export interface DataRead {
  /** The user or organization that owns it. */
  ownerId: string;
  /** Readable by anyone (PUBLIC): it may go to any node. */
  public: boolean;
  /** For messages and logs, e.g. "dataset alice/flowers@2". */
  what: string;
}

/**
 * The owners who must all trust a node for it to run the job, sorted and distinct; null when
 * everything read is public (any node).
 */
export function residencyOf(reads: readonly DataRead[]): string[] | null {
  const owners = [...new Set(reads.filter((r) => !r.public).map((r) => r.ownerId))].sort();
  return owners.length > 0 ? owners : null;
}

/**
 * SQL for the principals that trust node `n` (a row of nodes with id and owner_id) besides
 * everyone's trust in operator-run nodes: its owner, the owner's organizations, and owners that
 * listed the node or its owner. Each arm is an index lookup (memberships_user,
 * trusted_nodes_node, trusted_providers_provider).
 */
export function trustedBySql(n: string): string {
  return `ARRAY(
    SELECT ${n}.owner_id
    UNION SELECT m.organization_id FROM memberships m WHERE m.user_id = ${n}.owner_id
    UNION SELECT t.principal_id FROM trusted_nodes t WHERE t.node_id = ${n}.id
    UNION SELECT p.principal_id FROM trusted_providers p WHERE p.provider_id = ${n}.owner_id)`;
}

/** SQL: may node `n` (with `trusted_by` computed by {@link trustedBySql}) run a job with `residency`? */
export function eligibleSql(residency: string, n: string, trustedBy: string): string {
  return `(${residency} IS NULL OR ${n}.operator_run OR ${residency} <@ ${trustedBy})`;
}

/**
 * SQL that decides {@link eligibleSql} without a lookup where it can: true when the residency is
 * empty, the node is operator-run, or every owner in it is the node's own owner (who always trusts
 * it). False says only "not decided here": the claim then asks {@link eligibleSql}.
 */
export function eligibleWithoutLookupSql(residency: string, n: string): string {
  return `(${residency} IS NULL OR ${n}.operator_run OR ${residency} <@ ARRAY[${n}.owner_id])`;
}
