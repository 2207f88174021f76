/**
 * The verdict on one round of a benchmark evaluation (BOINC's validator with adaptive replication,
 * https://github.com/BOINC/boinc/wiki/AdaptiveReplication, reduced to what a benchmark needs): a
 * pure function of the round's runs, so every rule is tested without a hub.
 *
 * - A run whose spot check failed is caught: it never counts, and its node is quarantined.
 * - The returned runs fall into groups that agree (agreement.ts). A group whose runs come from
 *   `quorum` different owners (different nodes for private data, where the owner's trusted nodes
 *   are all there is) is the quorum: its first run is accepted and scored, its runs agreed, every
 *   other returned run disagreed (its node is quarantined).
 * - A lone returned run from a trusted node (a clean record) that passed its spot check is
 *   accepted alone — unless it ran on the submitter's own node and the model is public — and so
 *   is one that passed its spot check where no other eligible node exists (private data).
 * - Otherwise the round waits for as many more runs as the largest group lacks; past `maxRuns`
 *   runs the round fails.
 */

export type SpotCheck = 'PASSED' | 'FAILED' | 'SKIPPED';

export interface RoundRun {
  jobId: string;
  state: 'pending' | 'returned' | 'failed';
  /** The node that returned it and its owner (returned runs). */
  nodeId: string | null;
  ownerId: string | null;
  /** Runs with the same group agree (returned runs that passed or skipped their spot check). */
  group: number | null;
  spot: SpotCheck | null;
  /** Its node's record makes it trusted to run alone. */
  trusted: boolean;
  /** Its node belongs to the submitter. */
  submitters: boolean;
}

export interface RoundRules {
  quorum: number;
  /** Independence: different owners, or (private data) different nodes. */
  by: 'owner' | 'node';
  maxRuns: number;
  /** The model is public: the submitter's own node never decides alone. */
  publicModel: boolean;
  /** No other eligible node exists to replicate on: a spot-checked lone run decides. */
  noOtherNode: boolean;
}

export type RoundDecision =
  | { kind: 'accept'; jobId: string; agreed: string[]; disagreed: string[]; caught: string[]; alone: boolean }
  | { kind: 'wait'; replicate: number; caught: string[] }
  | { kind: 'fail'; reason: string; caught: string[] };

export function decideRound(runs: readonly RoundRun[], rules: RoundRules): RoundDecision {
  const returned = runs.filter((r) => r.state === 'returned');
  const caught = returned.filter((r) => r.spot === 'FAILED').map((r) => r.jobId);
  const valid = returned.filter((r) => r.spot !== 'FAILED' && r.group !== null);
  const pending = runs.filter((r) => r.state === 'pending').length;

  const groups = new Map<number, RoundRun[]>();
  for (const r of valid) groups.set(r.group!, [...(groups.get(r.group!) ?? []), r]);
  const independent = (g: RoundRun[]) => new Set(g.map((r) => (rules.by === 'owner' ? r.ownerId : r.nodeId))).size;
  let best: RoundRun[] = [];
  for (const g of groups.values()) if (independent(g) > independent(best)) best = g;

  if (best.length > 0 && independent(best) >= rules.quorum) {
    const agreed = new Set(best.map((r) => r.jobId));
    return { kind: 'accept', jobId: best[0].jobId, agreed: [...agreed], disagreed: valid.filter((r) => !agreed.has(r.jobId)).map((r) => r.jobId), caught, alone: false };
  }
  if (valid.length === 1 && valid[0].spot === 'PASSED') {
    const run = valid[0];
    const mayDecide = (run.trusted && !(rules.publicModel && run.submitters)) || rules.noOtherNode;
    if (mayDecide) return { kind: 'accept', jobId: run.jobId, agreed: [], disagreed: [], caught, alone: true };
  }
  const lacking = rules.quorum - independent(best);
  const replicate = Math.max(0, lacking - pending);
  if (runs.length + replicate > rules.maxRuns) {
    return { kind: 'fail', reason: `no ${rules.quorum} independent runs agreed within ${rules.maxRuns} runs`, caught };
  }
  return { kind: 'wait', replicate, caught };
}
