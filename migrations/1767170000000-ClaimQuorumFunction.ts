import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The claim's quorum test (compute/queue/claim-jobs.ts) as a function: whether a job carrying a
 * `quorum` key may go to a node, i.e. no other job with the same key took an attempt on a node of
 * the same owner (or, with `quorumBy: 'node'`, on the same node). As a subquery in the claim it was
 * five plan nodes (three index scans, two joins) that every claim started and ended, though only a
 * verified evaluation's replicas run it; a function call is one expression step.
 *
 * Not inlined (its body is a subquery), so the planner sees only its declared cost: COST 10000 is
 * 25 per row at the default cpu_operator_cost, what the planner estimated for the subquery (22 a
 * row). That per-row cost is what makes a generic plan of the claim read an owner's queue in
 * jobs_owner_queue order and stop at the LIMIT, rather than read it all through another index and
 * sort it (which it chose with 1,000 jobs queued and a cheap test). STABLE: it reads with the
 * claim's snapshot, as the subquery did. `wanted` is the job's requirements (a parameter named as
 * a column of jobs would read as that column in the body).
 */
export class ClaimQuorumFunction1767170000000 implements MigrationInterface {
  name = 'ClaimQuorumFunction1767170000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION job_quorum_open(wanted jsonb, job uuid, node uuid, node_owner uuid) RETURNS boolean
        LANGUAGE sql STABLE COST 10000 AS $$
        SELECT NOT EXISTS (
          SELECT 1 FROM jobs s JOIN job_attempts a ON a.job_id = s.id JOIN nodes sn ON sn.id = a.node_id
           WHERE (s.requirements->>'quorum') = (wanted->>'quorum') AND s.requirements ? 'quorum' AND s.id <> job
             AND CASE WHEN wanted->>'quorumBy' = 'node' THEN sn.id = node ELSE sn.owner_id = node_owner END)
      $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION IF EXISTS job_quorum_open(jsonb, uuid, uuid, uuid)`);
  }
}
