/**
 * Teams (docs/benchmarks.md#teams): a submission made on behalf of an organization counts for the
 * organization, whose members are the team. The team may have at most the benchmark's
 * `rules.teamSize` members, the daily limit counts the team's submissions, and the board ranks the
 * team once. A person competes on one benchmark under one name: alone, or for one team.
 */
import type { Principal } from '../accounts/index.js';
import type { Benchmark } from '../benchmarks/index.js';
import type { Queryable } from '../db/rows.js';
import { badInput } from '../errors.js';

export interface Team {
  id: string;
  handle: string;
}

/**
 * The organization `handle` as `principal`'s team on `benchmark` (null handle: they compete alone).
 * BAD_USER_INPUT on `team` for an organization that does not exist or they are not a member of,
 * one with more members than the rules allow, or a team other than the one they already compete
 * for on this benchmark (their submissions that did not fail decide).
 */
export async function resolveTeam(db: Queryable, principal: Principal, benchmark: Benchmark, handle: string | null | undefined): Promise<Team | null> {
  let team: Team | null = null;
  const wanted = handle?.trim();
  if (wanted) {
    const [org] = await db.query(
      `SELECT o.id, o.handle, (SELECT count(*)::int FROM memberships a WHERE a.organization_id = o.id) AS members,
              EXISTS (SELECT 1 FROM memberships m WHERE m.organization_id = o.id AND m.user_id = $2) AS member
         FROM organizations o WHERE lower(o.handle) = lower($1)`,
      [wanted, principal.user.id],
    );
    if (!org || !org.member) throw badInput('team', `you are not a member of an organization ${wanted}: a team is an organization you belong to`);
    if (org.members > benchmark.rules.teamSize) {
      throw badInput('team', `${org.handle} has ${org.members} members; ${benchmark.name} allows teams of at most ${benchmark.rules.teamSize}`);
    }
    team = { id: String(org.id), handle: String(org.handle) };
  }
  const [other] = await db.query(
    `SELECT o.handle FROM benchmark_submissions s LEFT JOIN organizations o ON o.id = s.team_id
      WHERE s.benchmark_id = $1 AND s.submitter_id = $2 AND s.status <> 'FAILED' AND s.team_id IS DISTINCT FROM $3::uuid LIMIT 1`,
    [benchmark.id, principal.user.id, team?.id ?? null],
  );
  if (other) {
    throw badInput('team', other.handle ? `you compete on ${benchmark.name} for the team ${other.handle}: submit with team "${other.handle}"` : `you compete on ${benchmark.name} alone: submit without a team`);
  }
  return team;
}
