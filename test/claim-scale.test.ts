/**
 * The claim with a long queue (compute/queue/claim-jobs.ts): with 20,000 queued jobs of mixed
 * requirements, residency and priorities across owners, every claim picks exactly the job a sort
 * of every candidate in fair-share order would pick (fewest running, least recently served,
 * priority, age), never a job the node cannot run, and falls through owners with nothing it can run.
 */
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimJobs } from '../hub/src/compute/queue/claim-jobs.js';
import type { PreparedConnection } from '../hub/src/db/prepared.js';
import type { Queryable } from '../hub/src/db/rows.js';
import { registerNode } from './support/compute.js';
import { startClaimDatabase, type ClaimDatabase } from './support/claim-database.js';
import type { TestHub } from './support/hub.js';
import { signUp, type SignedUp } from './support/users.js';

const QUEUED = 20_000;

/**
 * The choice of one sort over every queued job this node can run: the claim as it was written
 * before it walked owners, kept here as the yardstick of its order and matching.
 */
const REFERENCE = `
  WITH node AS (
    SELECT id, owner_id, backend, gpu_name IS NOT NULL AS has_gpu, coalesce(memory_bytes, 0) AS memory, labels, operator_run,
      ARRAY(SELECT nodes.owner_id
            UNION SELECT m.organization_id FROM memberships m WHERE m.user_id = nodes.owner_id
            UNION SELECT t.principal_id FROM trusted_nodes t WHERE t.node_id = nodes.id
            UNION SELECT p.principal_id FROM trusted_providers p WHERE p.provider_id = nodes.owner_id) AS trusted_by
    FROM nodes WHERE id = $1 AND NOT disabled AND NOT quarantined AND NOT draining AND (throttled_until IS NULL OR throttled_until <= now())
  ),
  active AS (SELECT owner_id, count(*) AS running FROM jobs WHERE status IN ('leased', 'running') GROUP BY owner_id)
  SELECT j.id
  FROM jobs j CROSS JOIN node n
    LEFT JOIN job_owner_shares s ON s.owner_id = j.owner_id
    LEFT JOIN active a ON a.owner_id = j.owner_id
  WHERE j.status = 'queued' AND j.run_after <= now() AND j.created_at <= now()
    AND (NOT coalesce((j.requirements->>'gpu')::boolean, false) OR n.has_gpu)
    AND coalesce((j.requirements->>'minMemoryBytes')::bigint, 0) <= n.memory
    AND ((j.requirements->'backends') IS NULL OR (j.requirements->'backends') ? n.backend)
    AND ((j.requirements->'labels') IS NULL OR to_jsonb(n.labels) @> (j.requirements->'labels'))
    AND ((j.requirements->>'nodeId') IS NULL OR (j.requirements->>'nodeId') = n.id::text)
    AND (NOT coalesce((j.requirements->>'ownNodesOnly')::boolean, false)
         OR j.owner_id = n.owner_id
         OR (j.organization_id IS NOT NULL AND EXISTS (
               SELECT 1 FROM memberships m WHERE m.organization_id = j.organization_id AND m.user_id = n.owner_id)))
    AND (j.residency IS NULL OR n.operator_run OR j.residency <@ n.trusted_by)
  ORDER BY coalesce(a.running, 0), s.last_dispatched_at NULLS FIRST, j.priority DESC, j.created_at, j.id
  LIMIT $2`;

describe('Claims with 20,000 queued jobs', () => {
  let claimDb: ClaimDatabase;
  let hub: TestHub;
  let db: pg.Client;
  let q: Queryable;
  let prepared: PreparedConnection;
  let alice: SignedUp;
  let bob: SignedUp;
  let carol: SignedUp;
  let dave: SignedUp;
  let nodeId: string;
  let otherNodeId: string;

  beforeAll(async () => {
    claimDb = await startClaimDatabase('claim-scale-test');
    ({ hub, db, q, prepared } = claimDb);
    [alice, bob, carol, dave] = await Promise.all([signUp(hub), signUp(hub), signUp(hub), signUp(hub)]);
    // Carol's node: no GPU, 8 GB, cpu backend, label x. No agent connects: the test claims for it.
    nodeId = (await registerNode(hub, carol.token, 'claimer')).nodeId;
    otherNodeId = (await registerNode(hub, carol.token, 'other')).nodeId;
    await db.query(`UPDATE nodes SET backend = 'cpu', memory_bytes = 8000000000, labels = '{x}', gpu_name = NULL WHERE id = $1`, [nodeId]);
    // Alice's, Bob's and Carol's jobs, one in a few unrunnable here for each reason, priorities 0-2,
    // a millisecond apart; Dave has one job, queued last.
    await db.query(
      `INSERT INTO jobs (kind, payload, owner_id, status, priority, requirements, residency, run_after, created_at, updated_at)
       SELECT 'echo', '{}', (ARRAY[$1, $2, $3]::uuid[])[1 + i % 3], 'queued', i % 3,
         CASE WHEN i % 7 = 0 THEN '{"gpu": true}'
              WHEN i % 11 = 0 THEN '{"minMemoryBytes": 16000000000}'
              WHEN i % 13 = 0 THEN '{"backends": ["wasm"]}'
              WHEN i % 17 = 0 THEN jsonb_build_object('nodeId', $4::text)
              WHEN i % 23 = 0 THEN '{"ownNodesOnly": true}'
              WHEN i % 29 = 0 THEN '{"labels": ["y"]}'
              WHEN i % 31 = 0 THEN '{"labels": ["x"], "backends": ["cpu", "wasm"]}'
              ELSE '{}' END::jsonb,
         CASE WHEN i % 19 = 0 THEN ARRAY[$1]::uuid[] WHEN i % 37 = 0 THEN ARRAY[$3]::uuid[] END,
         now(), now() - interval '1 hour' + i * interval '1 ms', now()
       FROM generate_series(1, $5::int) i`,
      [alice.id, bob.id, carol.id, otherNodeId, QUEUED],
    );
    await db.query(`INSERT INTO jobs (kind, payload, owner_id, status, run_after, updated_at) VALUES ('echo', '{}', $1, 'queued', now(), now())`, [dave.id]);
    // Alice already runs two jobs, Bob one.
    await db.query(
      `INSERT INTO jobs (kind, payload, owner_id, status, run_after, updated_at, node_id)
       SELECT 'echo', '{}', o, 'running', now(), now(), $3 FROM unnest(ARRAY[$1, $1, $2]::uuid[]) o`,
      [alice.id, bob.id, otherNodeId],
    );
    await db.query(`ANALYZE jobs`);
  });
  afterAll(() => claimDb?.close());

  /** One claim (one statement, autocommit); as the hub runs it (a prepared statement on its own connection, generic plan) every other time, else planned anew. */
  let claims = 0;
  async function claim(limit: number): Promise<string[]> {
    const hashes = Array.from({ length: limit }, (_, i) => `hash-${claims}-${i}`);
    const jobs = await claimJobs(claims++ % 2 === 0 ? prepared : q, nodeId, limit, 60, undefined, hashes);
    // The i-th job claimed holds the i-th hash and its attempt is recorded.
    expect(jobs.map((j) => j.tokenHash)).toEqual(hashes.slice(0, jobs.length));
    const recorded = await db.query(`SELECT count(*)::int AS n FROM job_attempts WHERE job_id = ANY($1) AND node_id = $2`, [jobs.map((j) => j.id), nodeId]);
    expect(recorded.rows[0].n).toBe(jobs.length);
    return jobs.map((j) => j.id);
  }

  const reference = async (limit: number) => (await db.query(REFERENCE, [nodeId, limit])).rows.map((r) => r.id as string);

  it('serves owners in fair-share order and only jobs the node can run, exactly as one sort over every candidate would', async () => {
    const owners: string[] = [];
    for (let i = 0; i < 40; i++) {
      const expected = await reference(1);
      const got = await claim(1);
      expect(got).toEqual(expected);
      owners.push((await db.query(`SELECT owner_id FROM jobs WHERE id = $1`, [got[0]])).rows[0].owner_id);
    }
    // Dave and Carol run nothing: they go first (Dave's one job, then Carol's: Dave's never-served
    // tie with Carol is broken by priority). Then whoever runs fewest, least recently served first.
    expect(owners.slice(0, 2).sort()).toEqual([carol.id, dave.id].sort());
    expect(new Set(owners.slice(2))).toEqual(new Set([alice.id, bob.id, carol.id]));
    for (const [limit, rounds] of [
      [5, 4],
      [32, 2],
    ]) {
      for (let i = 0; i < rounds; i++) {
        const expected = await reference(limit);
        expect(await claim(limit)).toEqual(expected);
      }
    }
    // Every job claimed is one this node can run.
    const { rows } = await db.query(
      `SELECT requirements, residency, owner_id FROM jobs WHERE node_id = $1 AND status = 'leased'`,
      [nodeId],
    );
    expect(rows.length).toBe(40 + 5 * 4 + 32 * 2);
    for (const r of rows) {
      expect(r.requirements.gpu).toBeUndefined();
      expect(r.requirements.minMemoryBytes).toBeUndefined();
      expect(r.requirements.nodeId).toBeUndefined();
      if (r.requirements.backends) expect(r.requirements.backends).toContain('cpu');
      if (r.requirements.labels) expect(r.requirements.labels).toEqual(['x']);
      if (r.requirements.ownNodesOnly) expect(r.owner_id).toBe(carol.id);
      if (r.residency) expect(r.residency).toEqual([carol.id]);
    }
  });

  it('falls through owners with nothing this node can run, and claims nothing on a node that may claim nothing', async () => {
    // Only unrunnable jobs left for Alice (GPU), none for Bob; Carol's are canceled.
    await db.query(`UPDATE jobs SET status = 'canceled' WHERE owner_id = $1 AND status = 'queued'`, [carol.id]);
    await db.query(`DELETE FROM jobs WHERE owner_id = $1 AND status = 'queued'`, [bob.id]);
    await db.query(`UPDATE jobs SET status = 'canceled' WHERE owner_id = $1 AND status = 'queued' AND NOT coalesce((requirements->>'gpu')::boolean, false)`, [alice.id]);
    // Alice runs fewest and goes first in fair order; her GPU jobs are skipped for a new one of Bob's.
    await db.query(`UPDATE jobs SET status = 'succeeded' WHERE owner_id = $1 AND status IN ('leased', 'running')`, [alice.id]);
    const bobs = (
      await db.query(`INSERT INTO jobs (kind, payload, owner_id, status, run_after, updated_at) VALUES ('echo', '{}', $1, 'queued', now(), now()) RETURNING id`, [bob.id])
    ).rows[0].id;
    expect(await reference(3)).toEqual([bobs]);
    expect(await claim(3)).toEqual([bobs]);
    expect(await claim(3)).toEqual([]);
    await db.query(`UPDATE nodes SET gpu_name = 'test gpu', draining = true WHERE id = $1`, [nodeId]);
    expect(await claim(3)).toEqual([]);
    await db.query(`UPDATE nodes SET draining = false WHERE id = $1`, [nodeId]);
    const gpu = await claim(3);
    expect(gpu).toHaveLength(3);
    const gpuJobs = await db.query(`SELECT count(*)::int AS n FROM jobs WHERE id = ANY($1) AND owner_id = $2 AND requirements->>'gpu' = 'true'`, [gpu, alice.id]);
    expect(gpuJobs.rows[0].n).toBe(3);
  });
});
