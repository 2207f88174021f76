/**
 * Claims up to `limit` queued jobs this node can run and records their attempts, in one statement
 * whose cost does not grow with the number of queued jobs. One statement is the whole claim: it
 * runs on its own (autocommit, one round trip), atomic as the transaction it replaced.
 *
 * The statement comes in two forms built from the same text. The first leaves out the subqueries
 * of the rare requirements (spreading, own nodes through an organization, residency beyond the
 * node's own owner and operator-run nodes, the one-per-claim rule of spread and quorum keys): plan
 * nodes that every execution starts and ends though they almost never run. Where a job it would
 * claim needs one of them, it claims nothing and the
 * full form runs. Both then choose the same jobs: the full form only drops jobs that fail a rare
 * test, and none of the jobs chosen without the rare tests needed one — each job chosen comes, in
 * its owner's order, after only jobs also chosen, so dropping jobs that were not chosen moves
 * none of them out and none ahead of them.
 *
 * `FOR UPDATE … SKIP LOCKED` makes the claim safe across hub processes sharing one database: a row
 * another transaction is claiming is skipped, never handed out twice.
 *
 * Order is fair share first: jobs whose owner has the fewest jobs running now, then whose owner was
 * served least recently, so one owner's thousand queued jobs cannot starve another owner's one;
 * within that, priority, then age. The statement walks owners, not jobs:
 * - the owners with queued jobs come from a skip scan of the jobs_owner_queue index (one probe per
 *   owner, however many jobs each has queued), each with its running jobs counted on
 *   jobs_active_owner (bounded by the nodes' slots, not by the queue) and when job_owner_shares
 *   says it was last served. The count is skipped when only one owner has jobs queued: every row
 *   then ties on it, so it cannot change the order;
 * - for each owner in fair order, that owner's first jobs this node can run come from the
 *   jobs_owner_queue index (owner, priority DESC, created_at, id), at most `limit` of them;
 * - the owner rows arrive sorted, so the final sort (fair order, then priority, age, id: the same
 *   order as one sort over every candidate job) can be incremental, stopping at the first complete
 *   group of equally-served owners that fills `limit`. An owner with nothing this node can run
 *   yields no row and the walk goes on to the next.
 *
 * Requirements (jobs.requirements, see JobRequirements) are matched against the node's row in
 * SQL, together with the node's own state: a disabled, quarantined, draining or throttled node
 * claims nothing.
 *
 * Spreading: a job whose requirements carry a `spread` key does not go to a node that already
 * holds an active job with the same key (jobs_active_node finds them), until it has waited
 * `spreadWaitSeconds` since it became due; then any eligible node may take it, so a deployment
 * with more replicas than nodes still gets all of them. One claim takes at most one job of a
 * spread key that has not waited (and at most one of a quorum key): the tests read the jobs
 * other claims took, not the ones this claim takes beside them.
 *
 * Quorum: a job whose requirements carry a `quorum` key (the replicas of one verified benchmark
 * evaluation) does not go to a node whose owner — or, with `quorumBy: 'node'`, which node — took
 * an attempt of another job with the same key (job_quorum_open, by jobs_quorum), so the replicas that must
 * agree come from independent machines.
 *
 * Residency (placement.ts): a job with `residency` goes only to a node every one of those owners
 * trusts. Who trusts this node is computed once per claim (the `node` CTE, full form only), so
 * each candidate row costs one array containment test, not a lookup. An operator-run node, and a
 * residency of the node's own owner alone, need no lookup.
 *
 * The same statement records what was claimed: each job's row gets its attempt's job-token hash
 * (the caller issues the tokens before it knows how many jobs it gets, one per job wanted, and the
 * i-th job claimed gets the i-th hash), its attempt goes into job_attempts, and its owner's
 * job_owner_shares row says it was served now.
 */
import { eligibleSql, eligibleWithoutLookupSql, trustedBySql } from '../placement.js';
import type { PreparedConnection } from '../../db/prepared.js';
import { rows, type PreparedQueryable, type Queryable } from '../../db/rows.js';

export interface ClaimedJob {
  id: string;
  kind: string;
  payload: unknown;
  attempt: number;
  leaseExpiresAt: Date;
  ownerId: string;
  /** The hash of the job token this attempt was given (null past the hashes passed). */
  tokenHash: string | null;
}

/**
 * The claim statement: $1 node id, $2 limit, $3 lease seconds, $4 queued by (or NULL), $5 the token
 * hashes in claim order. With `lookups`, every requirement is tested. Without, the rare
 * requirements that need a lookup (spreading, own nodes through an organization, residency beyond
 * the node's own owner) and a quorum replica (one per claim) are not tested but flagged: a candidate whose eligibility needs one makes
 * the statement claim nothing and answer one row with `undecided` (see {@link claimJobs}).
 * Each subquery left out is plan nodes that every execution starts and ends. The quorum test
 * stays in both, as a call of job_quorum_open (one expression step; its subquery runs only for a
 * job with a `quorum` key): its declared per-row cost is what makes the planner read an owner's
 * queue in index order and stop at `limit`, rather than read the owner's whole queue through
 * another index and sort it (which a generic plan did with 1,000 jobs queued and a cheap test).
 */
function claimSql(lookups: boolean): string {
  // The tests that need no lookup. When they pass, the rare requirements hold: each one's answer
  // here is "eligible" or "ask the lookup", never "not eligible".
  const spreadWaited = `(j.requirements->>'spread') IS NULL
                  OR j.run_after <= now() - make_interval(secs => coalesce((j.requirements->>'spreadWaitSeconds')::float8, 0))`;
  const ownNodeOrAny = `NOT coalesce((j.requirements->>'ownNodesOnly')::boolean, false)
                  OR j.owner_id = n.owner_id`;
  const rare = lookups
    ? `
             -- Spreading (a deployment's replicas): not onto a node already holding an active job
             -- with the same key, unless the job has waited spreadWaitSeconds for another node.
             AND (${spreadWaited}
                  OR NOT EXISTS (SELECT 1 FROM jobs s WHERE s.node_id = n.id AND s.status IN ('leased', 'running')
                                   AND s.requirements->>'spread' = j.requirements->>'spread'))
             AND (${ownNodeOrAny}
                  OR (j.organization_id IS NOT NULL AND EXISTS (
                        SELECT 1 FROM memberships m WHERE m.organization_id = j.organization_id AND m.user_id = n.owner_id)))
             AND ${eligibleSql('j.residency', 'n', 'n.trusted_by')}`
    : '';
  // The column each candidate carries besides its id: in the full form the key of which one claim
  // takes one job (see picked), in the form without lookups whether the full form must decide
  // (quorum replicas among the reasons: they are rare).
  const perCandidate = lookups
    ? `,
         CASE WHEN (j.requirements->>'quorum') IS NOT NULL THEN 'quorum:' || (j.requirements->>'quorum')
              WHEN NOT (${spreadWaited}) THEN 'spread:' || (j.requirements->>'spread') END AS once_key`
    : `,
         NOT coalesce((${spreadWaited})
             AND (j.requirements->>'quorum') IS NULL
             AND (${ownNodeOrAny})
             AND ${eligibleWithoutLookupSql('j.residency', 'n')}, false) AS undecided`;
  return `WITH node AS (
     SELECT id, owner_id, backend, gpu_name IS NOT NULL AS has_gpu, coalesce(memory_bytes, 0) AS memory, labels, operator_run${
       lookups ? `,
       ${trustedBySql('nodes')} AS trusted_by` : ''
     }
     FROM nodes WHERE id = $1 AND NOT disabled AND NOT quarantined AND NOT draining AND (throttled_until IS NULL OR throttled_until <= now())
   ),
   -- The owners with queued jobs, one index probe each (a skip scan of jobs_owner_queue: its order
   -- in ORDER BY, so the plan takes that index whatever the statistics say of jobs_owner's).
   queued_owners AS (
     WITH RECURSIVE walk(owner_id) AS (
       (SELECT owner_id FROM jobs WHERE status = 'queued' ORDER BY owner_id, priority DESC, created_at, id LIMIT 1)
       UNION ALL
       SELECT (SELECT j.owner_id FROM jobs j WHERE j.status = 'queued' AND j.owner_id > walk.owner_id
               ORDER BY j.owner_id, j.priority DESC, j.created_at, j.id LIMIT 1)
       FROM walk WHERE walk.owner_id IS NOT NULL
     )
     SELECT owner_id FROM walk WHERE owner_id IS NOT NULL
   ),
   -- Their running jobs, counted on jobs_active_owner: bounded by the slots of the nodes, not by the
   -- queue. Only when two owners or more have jobs queued: one owner's rows all tie on the count.
   owners AS (
     SELECT q.owner_id, s.last_dispatched_at,
       CASE WHEN EXISTS (SELECT 1 FROM queued_owners OFFSET 1)
         THEN (SELECT count(*) FROM jobs r WHERE r.owner_id = q.owner_id AND r.status IN ('leased', 'running')) ELSE 0 END AS running
     FROM queued_owners q LEFT JOIN job_owner_shares s ON s.owner_id = q.owner_id
     ORDER BY running, s.last_dispatched_at NULLS FIRST
   ),
   candidates AS (
     SELECT j.id${lookups ? ', j.once_key' : ', j.undecided'}
     FROM node n CROSS JOIN owners o CROSS JOIN LATERAL (
       SELECT j.id, j.priority, j.created_at${perCandidate}
       FROM jobs j
       WHERE j.owner_id = o.owner_id AND j.status = 'queued'
         AND j.run_after <= coalesce($4::timestamptz, now()) AND j.created_at <= coalesce($4::timestamptz, now())
         -- One opaque test for the planner: it estimates each requirement test as rare, which
         -- makes it cost this LIMIT as a scan of the owner's whole queue and compile the
         -- statement with JIT (hundreds of ms) on every claim.
         AND CASE WHEN
             (NOT coalesce((j.requirements->>'gpu')::boolean, false) OR n.has_gpu)
             AND coalesce((j.requirements->>'minMemoryBytes')::bigint, 0) <= n.memory
             AND ((j.requirements->'backends') IS NULL OR (j.requirements->'backends') ? n.backend)
             AND ((j.requirements->'labels') IS NULL OR to_jsonb(n.labels) @> (j.requirements->'labels'))
             AND ((j.requirements->>'nodeId') IS NULL OR (j.requirements->>'nodeId') = n.id::text)
             -- A verified evaluation's replicas: each on another owner's node (or another node).
             -- (job_quorum_open, migration ClaimQuorumFunction: one expression step, not a subquery's plan nodes.)
             AND ((j.requirements->>'quorum') IS NULL OR job_quorum_open(j.requirements, j.id, n.id, n.owner_id))${rare}
           THEN true ELSE false END
       ORDER BY j.priority DESC, j.created_at, j.id
       LIMIT $2
       FOR UPDATE OF j SKIP LOCKED
     ) j
     ORDER BY o.running, o.last_dispatched_at NULLS FIRST, j.priority DESC, j.created_at, j.id
     LIMIT $2
   ),
   -- The claim order, as one array: the i-th job gets the i-th token hash.${
     lookups
       ? `
   -- Of the jobs that share a spread or quorum key, only the first: the tests above see the jobs
   -- other claims took, not the ones this claim takes beside them (a node with two free slots
   -- would otherwise take both replicas of a deployment, or of one verified evaluation).
   chosen AS (SELECT ARRAY(SELECT id FROM candidates) AS ids, ARRAY(SELECT once_key FROM candidates) AS keys),
   picked AS (SELECT ARRAY(SELECT u.id FROM chosen c, unnest(c.ids, c.keys) WITH ORDINALITY u(id, once_key, i)
                           WHERE u.once_key IS NULL OR array_position(c.keys, u.once_key) = u.i ORDER BY u.i) AS ids),`
       : `
   picked AS (SELECT ARRAY(SELECT id FROM candidates) AS ids, EXISTS (SELECT 1 FROM candidates WHERE undecided) AS undecided),`
   }
   claimed AS (
     UPDATE jobs SET status = 'leased', node_id = $1, attempts = jobs.attempts + 1,
       lease_expires_at = now() + make_interval(secs => $3), started_at = coalesce(jobs.started_at, now()),
       progress = 0, progress_message = NULL, updated_at = now(),
       job_token_hash = ($5::text[])[array_position(p.ids, jobs.id)]
     -- By primary key whatever the plan expects of candidates (a generic plan expects hundreds, and
     -- would join them to a scan of every job).
     FROM picked p
     WHERE jobs.id = ANY (p.ids)${lookups ? '' : ' AND NOT p.undecided'}
     RETURNING jobs.id, jobs.kind, jobs.payload, jobs.attempts, jobs.owner_id, jobs.job_token_hash,
       -- Milliseconds since 1970 (a float the driver reads with parseFloat, not a timestamp to parse).
       (extract(epoch FROM jobs.lease_expires_at) * 1000)::float8 AS lease_ms,
       array_position(p.ids, jobs.id) AS place
   ),
   attempts AS (
     INSERT INTO job_attempts (job_id, attempt, node_id, node_name)
     SELECT c.id, c.attempts, $1, (SELECT name FROM nodes WHERE id = $1) FROM claimed c
   ),
   -- clock_timestamp(): two claims in one transaction still serve their owners in order.
   shares AS (
     INSERT INTO job_owner_shares (owner_id, last_dispatched_at)
     SELECT o.owner_id, clock_timestamp() FROM (SELECT DISTINCT owner_id FROM claimed) o
     ON CONFLICT (owner_id) DO UPDATE SET last_dispatched_at = excluded.last_dispatched_at
   )
   ${
     // In no order: claimJobs puts the rows in claim order (place), which spares the plan a sort.
     lookups
       ? 'SELECT id, kind, payload, attempts, lease_ms, owner_id, job_token_hash, place FROM claimed'
       : // One row (id NULL) when nothing is claimed, saying whether a lookup was needed.
         `SELECT c.id, c.kind, c.payload, c.attempts, c.lease_ms, c.owner_id, c.job_token_hash, c.place, p.undecided
   FROM picked p LEFT JOIN claimed c ON true`
   }`;
}

/** The claim with every requirement tested. */
export const CLAIM_JOBS_SQL = claimSql(true);
/** The claim that tests only what needs no lookup, and says when a candidate needs one. */
export const CLAIM_JOBS_WITHOUT_LOOKUPS_SQL = claimSql(false);

const CLAIM_STATEMENTS = [
  ['aimass_claim_jobs_without_lookups', CLAIM_JOBS_WITHOUT_LOOKUPS_SQL],
  ['aimass_claim_jobs', CLAIM_JOBS_SQL],
] as const;

/**
 * Prepares and plans both claim statements on the claim connection ahead of the first claim (see
 * PreparedConnection.warm). The parameters only shape the plan: a generic plan does not depend on
 * them, and nothing runs.
 */
export async function warmClaims(db: PreparedConnection): Promise<void> {
  const params = ['00000000-0000-0000-0000-000000000000', 1, 60, null, []];
  for (const [name, sql] of CLAIM_STATEMENTS) await db.warm(name, sql, params);
}

/**
 * `queuedBy`: only jobs queued (and due) by this time. A dispatch pass passes its start time, so a
 * job arriving mid-pass waits for the next pass, which offers it to the fastest idle agent first
 * instead of whichever agent the running pass happens to reach next.
 *
 * `tokenHashes`: the hashes of the job tokens to hand out, the i-th to the i-th job claimed (a job
 * past the last hash gets none). Answers the jobs in claim order.
 */
export async function claimJobs(
  db: Queryable | PreparedQueryable,
  nodeId: string,
  limit: number,
  leaseSeconds: number,
  queuedBy?: Date,
  tokenHashes: readonly string[] = [],
): Promise<ClaimedJob[]> {
  if (limit < 1) return [];
  const params = [nodeId, limit, leaseSeconds, queuedBy ?? null, tokenHashes];
  // Planning these statements costs twice their run: planned once per connection where the caller can (db/prepared.ts).
  const run = async (name: string, sql: string) => rows<any>('prepared' in db ? await db.prepared(name, sql, params) : await db.query(sql, params));
  // Most claims need no lookup. When a job it would claim does, the claim without lookups claims
  // nothing (its row locks end with it) and the full claim runs: both choose the same jobs then.
  const [[quickName, quickSql], [fullName, fullSql]] = CLAIM_STATEMENTS;
  const quick = await run(quickName, quickSql);
  const claimed = quick[0]?.undecided ? await run(fullName, fullSql) : quick.filter((r) => r.id !== null);
  return claimed
    .sort((a, b) => a.place - b.place)
    .map((r) => ({
      id: r.id,
      kind: r.kind,
      payload: r.payload,
      attempt: r.attempts,
      leaseExpiresAt: new Date(Number(r.lease_ms)),
      ownerId: r.owner_id,
      tokenHash: r.job_token_hash,
    }));
}
