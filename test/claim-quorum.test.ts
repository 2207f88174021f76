/**
 * The claim's quorum test (compute/queue/claim-jobs.ts, the job_quorum_open function): a replica
 * of a verified evaluation (requirements with a `quorum` key) never goes to a node whose owner
 * already took an attempt of another replica with the same key, or with `quorumBy: 'node'`, to the
 * node that did; other nodes take it. Each claim runs both as the hub runs it (prepared on its own
 * connection, generic plan) and planned anew.
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

describe('Claims of quorum replicas', () => {
  let claimDb: ClaimDatabase;
  let hub: TestHub;
  let db: pg.Client;
  let q: Queryable;
  let prepared: PreparedConnection;
  let alice: SignedUp;
  let bob: SignedUp;
  let carol: SignedUp;
  let aliceOne: string;
  let aliceTwo: string;
  let bobs: string;

  beforeAll(async () => {
    claimDb = await startClaimDatabase('claim-quorum-test');
    ({ hub, db, q, prepared } = claimDb);
    [alice, bob, carol] = await Promise.all([signUp(hub), signUp(hub), signUp(hub)]);
    // No agent connects: the test claims for the nodes.
    aliceOne = (await registerNode(hub, alice.token, 'alice-1')).nodeId;
    aliceTwo = (await registerNode(hub, alice.token, 'alice-2')).nodeId;
    bobs = (await registerNode(hub, bob.token, 'bob-1')).nodeId;
  });
  afterAll(() => claimDb?.close());

  /** Carol's replicas of one evaluation, queued a millisecond apart in this order. */
  async function queueReplicas(requirements: object, count: number): Promise<string[]> {
    const { rows } = await db.query(
      `INSERT INTO jobs (kind, payload, owner_id, status, requirements, run_after, created_at, updated_at)
       SELECT 'echo', '{}', $1, 'queued', $2::jsonb, now(), now() - interval '1 minute' + i * interval '1 ms', now()
       FROM generate_series(1, $3::int) i ORDER BY i RETURNING id`,
      [carol.id, JSON.stringify(requirements), count],
    );
    return rows.map((r) => r.id as string);
  }

  async function claimBoth(nodeId: string, limit: number): Promise<{ prepared: string[]; planned: string[] }> {
    // The same claim both ways, the first rolled back by hand: each must choose the same jobs.
    const first = (await claimJobs(prepared, nodeId, limit, 60)).map((j) => j.id);
    await db.query(`DELETE FROM job_attempts WHERE job_id = ANY($1)`, [first]);
    await db.query(`UPDATE jobs SET status = 'queued', node_id = NULL, attempts = attempts - 1, job_token_hash = NULL WHERE id = ANY($1)`, [first]);
    const second = (await claimJobs(q, nodeId, limit, 60)).map((j) => j.id);
    return { prepared: first, planned: second };
  }

  it('keeps a replica from the owner (or the node) that ran another one, and gives it to another', async () => {
    const [one, two] = await queueReplicas({ quorum: 'eval-1' }, 2);
    expect(await claimBoth(aliceOne, 1)).toEqual({ prepared: [one], planned: [one] });
    // Alice's other node may not take the second replica: her node ran the first.
    expect(await claimBoth(aliceTwo, 2)).toEqual({ prepared: [], planned: [] });
    expect(await claimBoth(bobs, 2)).toEqual({ prepared: [two], planned: [two] });

    // By node: Alice's other node may take the second replica, the node that ran the first may not.
    const [three, four] = await queueReplicas({ quorum: 'eval-2', quorumBy: 'node' }, 2);
    expect(await claimBoth(aliceOne, 1)).toEqual({ prepared: [three], planned: [three] });
    expect(await claimBoth(aliceOne, 1)).toEqual({ prepared: [], planned: [] });
    expect(await claimBoth(aliceTwo, 1)).toEqual({ prepared: [four], planned: [four] });
  });

  it('gives one claim at most one replica of an evaluation, however many slots the node has free', async () => {
    // Replicas queued together (a quorum of 3 queues two once the first run is back): neither has
    // an attempt yet, so only the claim itself can keep both off one owner's node.
    const [one, two] = await queueReplicas({ quorum: 'eval-3' }, 2);
    const [other] = await queueReplicas({}, 1);
    expect(await claimBoth(bobs, 5)).toEqual({ prepared: [one, other], planned: [one, other] });
    // Bob's node ran the first: the second goes to another owner's node.
    expect((await claimJobs(q, bobs, 5, 60)).map((j) => j.id)).toEqual([]);
    expect((await claimJobs(prepared, aliceOne, 5, 60)).map((j) => j.id)).toEqual([two]);
  });
});
