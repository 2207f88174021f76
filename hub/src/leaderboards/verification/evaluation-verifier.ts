/**
 * Verified evaluation (docs/evaluation.md, "Verified evaluation"): what happens to a benchmark
 * run once its node returned it, until the submission is scored.
 *
 * A submission's evaluation runs in rounds; a round's runs carry the quorum key
 * `<submission>/<round>`, so the claim puts them on nodes of different owners (different nodes for
 * private data). A submission starts with one run. Each returned run gets its spot check (the hub's
 * own predictions on a random sample of hidden rows, spot-checker.ts), then the round's runs are
 * grouped by agreement (agreement.ts) and decided (quorum-decision.ts): accepted (the accepted run
 * is scored by SubmissionsService), waiting for more runs (replicas are queued), or failed.
 *
 * Reputation: each node's record (node_reputation, node-reputation.ts). Agreeing with a quorum or passing a spot check
 * adds to its clean streak; after `trustedAfter` clean results in a row its runs are accepted alone
 * with a passed spot check. A node caught — its spot check failed, or it disagreed with a quorum —
 * is quarantined (NodesService.quarantine, as an admin would), its streak drops to zero, every
 * other evaluation it ran is re-run in a new round (its scores leave the leaderboard until then),
 * and its owner and the platform admins get an inbox notification.
 *
 * Rounds are decided one at a time per submission: in this process by a promise chain per
 * submission, and across hubs sharing the database by the submission's row, held FOR UPDATE by
 * the transaction that writes a decision after checking the round is still as it was read
 * (decide()): one decision, one score, one set of reputation updates per round.
 */
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { rows, type Queryable } from '../../db/rows.js';
import type { PreparedScore } from '../submissions.service.js';
import type { Logger } from '../../logger.js';
import { disagreements, type Task } from './agreement.js';
import { creditNode, nodeRecord, type Credit, type NodeRecord } from './node-reputation.js';
import { decideRound, type RoundDecision, type RoundRun, type SpotCheck } from './quorum-decision.js';
import type { SpotChecker, SpotSample } from './spot-checker.js';

export interface VerificationRules {
  quorum: number;
  trustedAfter: number;
  tolerance: number;
  maxRuns: number;
}

/** What the verifier needs of the other parts of the hub (wired by leaderboards.module.ts). */
export interface VerifierPorts {
  /** The scores of a run's attempt, computed and not stored (SubmissionsService.prepareScore); a reason when it cannot be scored. */
  prepareScore(jobId: string, attempt: number): Promise<PreparedScore | string>;
  /** Stores prepared scores with the deciding transaction: the run accepted, its submission SCORED. */
  recordScore(tx: Queryable, score: PreparedScore): Promise<void>;
  /** After the commit: the board's live event and the standings. */
  scored(score: PreparedScore): Promise<void>;
  /** Fails the submission with a reason, with the deciding transaction. */
  fail(submissionId: string, reason: string, tx: Queryable): Promise<void>;
  /** A scored submission left the leaderboard (re-run): the board's live event. */
  withdrawn(benchmarkId: string, submissionId: string): void;
  /** Queues run `jobId` as a copy of `sourceJobId` under the quorum key. */
  replicate(sourceJobId: string, jobId: string, quorum: { key: string; by: 'owner' | 'node' }): Promise<void>;
  /** Outputs of a run's attempt: all of them (by key), or those of some keys. */
  outputs(jobId: string, attempt: number): Promise<Map<number, number[]>>;
  outputsAt(jobId: string, attempt: number, keys: readonly number[]): Promise<{ key: number; output: number[] }[]>;
  /** Eligible nodes online for this placement (JobsService.placement). */
  onlineEligible(residency: string[] | null): Promise<number>;
  /** Quarantines a node (NodesService.quarantine). */
  quarantine(nodeId: string, reason: string): Promise<void>;
  /** Tells these users (inbox) about a quarantine, with the model of the evaluation as the subject. */
  notify(userIds: string[], modelId: string, version: number, message: string): Promise<void>;
}

/** Decisions of one round that lost to a change made meanwhile before this hub gives up (the changer decides). */
const MAX_PASSES = 5;

interface SubmissionRow {
  id: string;
  status: string;
  round: number;
  submitter_id: string;
  benchmark_id: string;
  model_id: string;
  model_version: number;
  visibility: string;
  task: string;
}

/** What a decision read and decided, before it is written. */
interface DecidePlan {
  kind: 'decide';
  sub: SubmissionRow;
  runs: RunRow[];
  decision: RoundDecision;
  by: 'owner' | 'node';
  /** The accepted run's scores (or why it cannot be scored), for an accepting decision. */
  score: PreparedScore | string | null;
  fingerprint: string;
}

/** A decided round: runs that returned since and agree with its quorum. */
interface LatePlan {
  kind: 'late';
  sub: SubmissionRow;
  agreeing: string[];
}

type Plan = DecidePlan | LatePlan;

/** What a committed decision sets off in other parts of the hub. */
interface Effects {
  caught: { run: RunRow; why: string }[];
  replicas: { source: string; jobId: string; quorum: { key: string; by: 'owner' | 'node' } }[];
  scored: PreparedScore | null;
}

interface RunRow {
  job_id: string;
  status: 'QUEUED' | 'RETURNED' | 'SCORED' | 'FAILED';
  node_id: string | null;
  node_owner_id: string | null;
  attempt: number | null;
  verdict: string | null;
  spot_check: SpotCheck | null;
  accepted: boolean;
  job_status: string | null;
  clean_streak: number | null;
}

function runState(r: RunRow): RoundRun['state'] {
  if (r.status === 'RETURNED' || r.status === 'SCORED') return 'returned';
  return r.status === 'FAILED' || r.job_status === 'failed' || r.job_status === 'canceled' ? 'failed' : 'pending';
}

export class EvaluationVerifier {
  private readonly chains = new Map<string, Promise<unknown>>();
  private readonly detached = new Set<Promise<unknown>>();

  constructor(
    private readonly db: DataSource,
    private readonly rules: VerificationRules,
    private readonly spots: SpotChecker,
    private readonly ports: VerifierPorts,
    private readonly log: Logger,
  ) {}

  /** The quorum key of a submission's round. */
  static key(submissionId: string, round: number): string {
    return `${submissionId}/${round}`;
  }

  /** One submission's work at a time, in order. */
  private serial<T>(submissionId: string, work: () => Promise<T>): Promise<T> {
    const previous = this.chains.get(submissionId) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(work);
    this.chains.set(submissionId, next);
    void next.finally(() => {
      if (this.chains.get(submissionId) === next) this.chains.delete(submissionId);
    }).catch(() => undefined);
    return next;
  }

  /** Work that must not hold up the caller (another submission's re-run), awaited by close(). */
  private detach(what: string, work: () => Promise<unknown>): void {
    const p = work().catch((error) => this.log.error({ err: error }, `verification: ${what} failed`));
    this.detached.add(p);
    void p.finally(() => this.detached.delete(p));
  }

  /**
   * MlService's BenchmarkRunHooks.score: the run's attempt returned an output for every hidden
   * row. Records who returned it, then decides its round. A reason refuses the attempt.
   */
  async returned(jobId: string, attempt: number): Promise<string | null> {
    const [run] = await this.db.query(
      `SELECT r.submission_id, r.round, s.round AS current_round, m.row_count, a.node_id, n.owner_id, n.quarantined,
              (SELECT count(*)::int FROM ml_result_rows o WHERE o.job_id = r.job_id AND o.attempt = $2 AND o.predicted IS NOT NULL) AS outputs
         FROM benchmark_runs r JOIN benchmark_submissions s ON s.id = r.submission_id JOIN ml_jobs m ON m.job_id = r.job_id
         LEFT JOIN job_attempts a ON a.job_id = r.job_id AND a.attempt = $2 LEFT JOIN nodes n ON n.id = a.node_id
        WHERE r.job_id = $1`,
      [jobId, attempt],
    );
    if (!run) return 'the run has no submission';
    if (run.outputs < Number(run.row_count)) return `the run returned ${run.outputs} of ${run.row_count} outputs`;
    const stale = run.quarantined || run.round !== run.current_round;
    await this.db.query(
      `UPDATE benchmark_runs SET status = 'RETURNED', node_id = $2, node_owner_id = $3, attempt = $4, finished_at = now(), verdict = $5 WHERE job_id = $1`,
      [jobId, run.node_id, run.owner_id, attempt, stale ? 'DISCARDED' : null],
    );
    if (!stale) {
      await this.serial(run.submission_id, () => this.decide(run.submission_id)).catch((error) =>
        this.log.error({ err: error, submissionId: run.submission_id }, 'verification: could not decide a round'),
      );
    }
    return null;
  }

  /** MlService's BenchmarkRunHooks.failed for a run whose submission has other runs: the round goes on. Answers false when the submission has no other run (the caller fails it). */
  async failed(jobId: string, reason: string): Promise<boolean> {
    const [run] = rows(
      await this.db.query(`UPDATE benchmark_runs SET status = 'FAILED', error = $2, finished_at = now() WHERE job_id = $1 RETURNING submission_id`, [jobId, reason]),
    );
    if (!run) return false;
    const [{ others }] = await this.db.query(
      `SELECT count(*)::int AS others FROM benchmark_runs r JOIN benchmark_submissions s ON s.id = r.submission_id
        WHERE r.submission_id = $1 AND r.round = s.round AND r.job_id <> $2 AND r.status <> 'FAILED'`,
      [run.submission_id, jobId],
    );
    if (others === 0) return false;
    await this.serial(run.submission_id, () => this.decide(run.submission_id));
    return true;
  }

  /**
   * Decides the submission's current round. In this process one submission's decisions run one
   * after the other (serial); across hubs sharing the database, the decision is taken in a
   * transaction that holds the submission's row (FOR UPDATE) and first checks that the round is
   * still as it was read: another hub that decided it meanwhile, or a run that returned since,
   * makes this one plan again from what is stored now (the second decider of a decided round finds
   * nothing left to do). Everything slow (spot checks, reading outputs, scoring) happens before
   * the transaction; everything the decision writes (verdicts, reputation, replica runs, scores,
   * the submission's status) commits in it, at once or not at all; what it sets off in other
   * parts of the hub (replica jobs, quarantines, the board's live event) happens after the commit,
   * on the hub whose decision committed.
   */
  private async decide(submissionId: string): Promise<void> {
    for (let pass = 1; ; pass++) {
      const plan = await this.plan(submissionId);
      if (!plan) return;
      const effects = await this.commit(plan);
      if (effects) return this.after(plan, effects);
      if (pass >= MAX_PASSES) {
        // Each pass lost to a change another decider made; that decider goes on from there.
        this.log.warn({ submissionId, passes: pass }, 'verification: the round kept changing while deciding it; left to the hub that changed it');
        return;
      }
    }
  }

  /** The submission and its current round's runs, as a decision reads them. */
  private async snapshot(q: Queryable, submissionId: string): Promise<{ sub: SubmissionRow; runs: RunRow[] } | null> {
    const [sub] = await q.query(
      `SELECT s.id, s.status, s.round, s.submitter_id, s.benchmark_id, s.model_id, s.model_version, m.visibility, b.task
         FROM benchmark_submissions s JOIN models m ON m.id = s.model_id JOIN benchmarks b ON b.id = s.benchmark_id WHERE s.id = $1`,
      [submissionId],
    );
    if (!sub) return null;
    const runs: RunRow[] = await q.query(
      `SELECT r.job_id, r.status, r.node_id, r.node_owner_id, r.attempt, r.verdict, r.spot_check, r.accepted, j.status AS job_status, rep.clean_streak
         FROM benchmark_runs r LEFT JOIN jobs j ON j.id = r.job_id LEFT JOIN node_reputation rep ON rep.node_id = r.node_id
        WHERE r.submission_id = $1 AND r.round = $2 AND r.verdict IS DISTINCT FROM 'DISCARDED' ORDER BY r.created_at, r.job_id`,
      [submissionId, sub.round],
    );
    return { sub, runs };
  }

  /** What a decision depends on, comparable: the submission's state and each run's state as the decision sees it. */
  private fingerprint(sub: SubmissionRow, runs: readonly RunRow[]): string {
    return JSON.stringify([
      sub.status,
      sub.round,
      runs.map((r) => [r.job_id, runState(r), r.node_id, r.attempt, r.verdict, r.spot_check, r.accepted, this.trusted(r)]),
    ]);
  }

  private trusted(r: RunRow): boolean {
    return this.rules.trustedAfter > 0 && (r.clean_streak ?? 0) >= this.rules.trustedAfter;
  }

  /** Reads the round, spot-checks its returned runs, groups them and decides; scores the run it would accept. */
  private async plan(submissionId: string): Promise<Plan | null> {
    let read = await this.snapshot(this.db, submissionId);
    if (!read) return null;
    const task = String(read.sub.task).toLowerCase() as Task;
    if (read.sub.status === 'SCORED' || read.sub.status === 'FAILED') return { kind: 'late', sub: read.sub, agreeing: await this.lateAgreeing(read.runs, task) };
    // Spot checks of the runs not checked yet (a run that returns meanwhile is checked on the next turn).
    let sample: SpotSample | null = null;
    for (let turn = 0; ; turn++) {
      const unchecked = read.runs.filter((r) => (r.status === 'RETURNED' || r.status === 'SCORED') && r.spot_check === null);
      if (unchecked.length === 0 || turn >= MAX_PASSES) break;
      for (const run of unchecked) {
        let verdict: SpotCheck = 'SKIPPED';
        if (this.spots.enabled) {
          sample ??= await this.spots.sample(submissionId, run.job_id);
          const drawn = sample;
          if ('keys' in drawn) {
            const theirs = new Map((await this.ports.outputsAt(run.job_id, run.attempt!, drawn.keys)).map((o) => [o.key, o.output]));
            const ours = new Map(drawn.keys.map((k, i) => [k, drawn.outputs[i]] as [number, number[]]));
            verdict = disagreements(task, ours, theirs, Math.max(this.rules.tolerance, 1e-4)) === 0 ? 'PASSED' : 'FAILED';
          }
        }
        // The first verdict stored stands (another hub may have checked the run too).
        await this.db.query(`UPDATE benchmark_runs SET spot_check = $2 WHERE job_id = $1 AND spot_check IS NULL`, [run.job_id, verdict]);
      }
      read = await this.snapshot(this.db, submissionId);
      if (!read) return null;
      if (read.sub.status === 'SCORED' || read.sub.status === 'FAILED') return { kind: 'late', sub: read.sub, agreeing: await this.lateAgreeing(read.runs, task) };
    }
    const { sub, runs } = read;
    const returned = runs.filter((r) => r.status === 'RETURNED' || r.status === 'SCORED');
    if (returned.length === 0) return null;

    // Agreement groups among the runs that did not fail their spot check.
    const groups: { jobId: string; outputs: Map<number, number[]> }[] = [];
    const groupOf = new Map<string, number>();
    for (const run of returned.filter((r) => r.spot_check !== 'FAILED')) {
      const outputs = await this.ports.outputs(run.job_id, run.attempt!);
      const g = groups.findIndex((rep) => disagreements(task, rep.outputs, outputs, this.rules.tolerance, 1) === 0);
      if (g >= 0) groupOf.set(run.job_id, g);
      else groupOf.set(run.job_id, groups.push({ jobId: run.job_id, outputs }) - 1);
    }

    const [job] = await this.db.query(`SELECT residency FROM jobs WHERE id = $1`, [runs[0]?.job_id ?? null]);
    const residency: string[] | null = job?.residency ?? null;
    const by = residency ? 'node' : 'owner';
    const roundNodes = new Set(returned.map((r) => r.node_id));
    const noOtherNode = by === 'node' && (await this.ports.onlineEligible(residency)) - roundNodes.size <= 0;
    const roundRuns: RoundRun[] = runs.map((r) => ({
      jobId: r.job_id,
      state: runState(r),
      nodeId: r.node_id,
      ownerId: r.node_owner_id,
      group: groupOf.get(r.job_id) ?? null,
      spot: r.spot_check,
      trusted: this.trusted(r),
      submitters: r.node_owner_id === sub.submitter_id,
    }));
    const decision = decideRound(roundRuns, { quorum: this.rules.quorum, by, maxRuns: this.rules.maxRuns, publicModel: sub.visibility === 'PUBLIC', noOtherNode });
    let score: PreparedScore | string | null = null;
    if (decision.kind === 'accept') {
      const accepted = runs.find((r) => r.job_id === decision.jobId)!;
      score = await this.ports.prepareScore(decision.jobId, accepted.attempt!);
    }
    return { kind: 'decide', sub, runs, decision, by, score, fingerprint: this.fingerprint(sub, runs) };
  }

  /**
   * Writes the plan's decision in one transaction holding the submission's row, if the round is
   * still as the plan read it; null when it changed (plan again). Answers what to set off after the commit.
   */
  private async commit(plan: Plan): Promise<Effects | null> {
    return this.db.transaction(async (tx) => {
      await tx.query(`SELECT id FROM benchmark_submissions WHERE id = $1 FOR UPDATE`, [plan.sub.id]);
      if (plan.kind === 'late') {
        const credited: string[] = [];
        for (const jobId of plan.agreeing) {
          const [run] = rows<{ node_id: string }>(await tx.query(`UPDATE benchmark_runs SET verdict = 'AGREED' WHERE job_id = $1 AND verdict IS NULL RETURNING node_id`, [jobId]));
          if (run) credited.push(run.node_id);
        }
        for (const nodeId of credited.sort()) await creditNode(tx, nodeId, { clean: true, agreed: true });
        return { caught: [], replicas: [], scored: null };
      }
      const now = await this.snapshot(tx, plan.sub.id);
      if (!now || this.fingerprint(now.sub, now.runs) !== plan.fingerprint) return null;
      return this.apply(tx, plan);
    });
  }

  /** The decision's writes, in the deciding transaction. */
  private async apply(tx: Queryable, plan: DecidePlan): Promise<Effects> {
    const { sub, runs, decision, by } = plan;
    const byJob = new Map(runs.map((r) => [r.job_id, r]));
    const effects: Effects = { caught: [], replicas: [], scored: null };
    const credits: [string, Credit][] = [];
    // Caught now (a run caught in an earlier pass of this round has its verdict already).
    for (const jobId of decision.caught.filter((j) => byJob.get(j)!.verdict === null)) {
      await this.setVerdict(tx, jobId, 'DISAGREED');
      credits.push([byJob.get(jobId)!.node_id!, { spotFailed: true }]);
      effects.caught.push({ run: byJob.get(jobId)!, why: 'its predictions disagreed with the hub’s own on a spot check' });
    }
    if (decision.kind === 'wait') {
      for (let i = 0; i < decision.replicate; i++) {
        const jobId = randomUUID();
        await tx.query(`INSERT INTO benchmark_runs (job_id, submission_id, round) VALUES ($1, $2, $3)`, [jobId, sub.id, sub.round]);
        effects.replicas.push({ source: runs[0].job_id, jobId, quorum: { key: EvaluationVerifier.key(sub.id, sub.round), by } });
      }
    } else if (decision.kind === 'fail') {
      await this.ports.fail(sub.id, decision.reason, tx);
    } else {
      const accepted = byJob.get(decision.jobId)!;
      if (decision.alone) {
        await this.setVerdict(tx, decision.jobId, 'SPOT_CHECKED');
        credits.push([accepted.node_id!, { clean: true, spotPassed: true }]);
      }
      for (const jobId of decision.agreed) {
        const run = byJob.get(jobId)!;
        await this.setVerdict(tx, jobId, 'AGREED');
        credits.push([run.node_id!, { clean: true, agreed: true, spotPassed: run.spot_check === 'PASSED' }]);
      }
      for (const jobId of decision.disagreed) {
        await this.setVerdict(tx, jobId, 'DISAGREED');
        credits.push([byJob.get(jobId)!.node_id!, { disagreed: true }]);
        effects.caught.push({ run: byJob.get(jobId)!, why: 'its predictions disagreed with the quorum of other owners’ nodes' });
      }
      if (typeof plan.score === 'string' || plan.score === null) {
        await this.ports.fail(sub.id, plan.score ?? 'the accepted run could not be scored', tx);
      } else {
        await this.ports.recordScore(tx, plan.score);
        effects.scored = plan.score;
      }
    }
    // Node records in one order, so two decisions crediting the same nodes do not deadlock.
    credits.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    for (const [nodeId, credit] of credits) await creditNode(tx, nodeId, credit);
    return effects;
  }

  /** After the decision committed: replica jobs, quarantines, the scored submission's announcements. */
  private async after(plan: Plan, effects: Effects): Promise<void> {
    if (plan.kind === 'late') return;
    // A caught node is quarantined before the replicas are queued: none of them may go to it.
    for (const c of effects.caught) await this.caught(c.run, plan.sub, c.why);
    for (const r of effects.replicas) await this.ports.replicate(r.source, r.jobId, r.quorum);
    if (effects.scored) await this.ports.scored(effects.scored);
  }

  /** Runs that returned after their round was decided and agree with its accepted quorum: they earn agreement, nothing else. */
  private async lateAgreeing(runs: RunRow[], task: Task): Promise<string[]> {
    const accepted = runs.find((r) => r.accepted);
    const quorum = runs.filter((r) => r.verdict === 'AGREED').length >= 2;
    if (!accepted || !quorum) return [];
    const mine = await this.ports.outputs(accepted.job_id, accepted.attempt!);
    const agreeing: string[] = [];
    for (const run of runs.filter((r) => r.status === 'RETURNED' && r.verdict === null && r.job_id !== accepted.job_id)) {
      const theirs = await this.ports.outputs(run.job_id, run.attempt!);
      if (disagreements(task, mine, theirs, this.rules.tolerance, 1) === 0) agreeing.push(run.job_id);
    }
    return agreeing;
  }

  private async setVerdict(tx: Queryable, jobId: string, verdict: string): Promise<void> {
    await tx.query(`UPDATE benchmark_runs SET verdict = $2 WHERE job_id = $1`, [jobId, verdict]);
  }

  /** A node caught disagreeing: quarantined, its other evaluations re-run, its owner and the admins told. */
  private async caught(run: RunRow, sub: SubmissionRow, why: string): Promise<void> {
    const nodeId = run.node_id!;
    const [node] = await this.db.query(`SELECT name, owner_id, quarantined FROM nodes WHERE id = $1`, [nodeId]);
    if (!node || node.quarantined) return;
    const reason = `quarantined by verified evaluation: ${why} (benchmark submission ${sub.id})`;
    await this.ports.quarantine(nodeId, reason);
    // Every other evaluation it ran, scored or not, in its current round.
    const touched: { submission_id: string }[] = await this.db.query(
      `SELECT DISTINCT r.submission_id FROM benchmark_runs r JOIN benchmark_submissions s ON s.id = r.submission_id
        WHERE r.node_id = $1 AND r.round = s.round AND r.submission_id <> $2 AND r.verdict IS DISTINCT FROM 'DISCARDED'`,
      [nodeId, sub.id],
    );
    for (const t of touched) this.detach(`re-running ${t.submission_id}`, () => this.serial(t.submission_id, () => this.rerun(t.submission_id, nodeId)));
    const admins: { id: string }[] = await this.db.query(`SELECT id FROM users WHERE is_admin`);
    await this.ports.notify(
      [node.owner_id, ...admins.map((a) => a.id)],
      sub.model_id,
      sub.model_version,
      `Node "${node.name}" was quarantined: ${why}; ${touched.length} other evaluation${touched.length === 1 ? '' : 's'} it ran ${touched.length === 1 ? 'is' : 'are'} being re-run`,
    );
    this.log.warn({ nodeId, submissionId: sub.id, rerun: touched.length }, 'verification: a node was quarantined');
  }

  /** Starts a new round for a submission a quarantined node ran in: its scores leave the board until the round is decided. */
  private async rerun(submissionId: string, nodeId: string): Promise<void> {
    // Under the submission's row, as a decision: a round decided meanwhile on another hub is re-run all the same, and only once.
    const started = await this.db.transaction(async (tx) => {
      const [before] = await tx.query(`SELECT status FROM benchmark_submissions WHERE id = $1 FOR UPDATE`, [submissionId]);
      if (!before) return null;
      const [sub] = rows(await tx.query(
        `UPDATE benchmark_submissions SET round = round + 1, status = 'QUEUED', error = NULL, public_score = NULL, public_low = NULL, public_high = NULL,
                private_score = NULL, public_metrics = NULL, private_metrics = NULL, scored_at = NULL
          WHERE id = $1 AND status <> 'FAILED' AND EXISTS (SELECT 1 FROM benchmark_runs r WHERE r.submission_id = $1 AND r.node_id = $2 AND r.round = benchmark_submissions.round)
          RETURNING round, benchmark_id`,
        [submissionId, nodeId],
      ));
      if (!sub) return null;
      const [source] = rows(
        await tx.query(`UPDATE benchmark_runs SET verdict = 'DISCARDED', accepted = false WHERE submission_id = $1 AND round = $2 RETURNING job_id`, [submissionId, sub.round - 1]),
      );
      const [job] = await tx.query(`SELECT residency FROM jobs WHERE id = $1`, [source.job_id]);
      const jobId = randomUUID();
      await tx.query(`INSERT INTO benchmark_runs (job_id, submission_id, round) VALUES ($1, $2, $3)`, [jobId, submissionId, sub.round]);
      return { wasScored: before.status === 'SCORED', benchmarkId: String(sub.benchmark_id), round: Number(sub.round), source: String(source.job_id), jobId, by: (job?.residency ? 'node' : 'owner') as 'node' | 'owner' };
    });
    if (!started) return;
    if (started.wasScored) this.ports.withdrawn(started.benchmarkId, submissionId);
    await this.ports.replicate(started.source, started.jobId, { key: EvaluationVerifier.key(submissionId, started.round), by: started.by });
  }

  /** BenchmarkSubmission.verification. */
  async verification(submissionId: string): Promise<{ round: number; runs: number; agreeingRuns: number; spotChecksPassed: number; state: string }> {
    const [v] = await this.db.query(
      `SELECT s.round, count(r.job_id)::int AS runs, count(*) FILTER (WHERE r.verdict = 'AGREED')::int AS agreeing,
              count(*) FILTER (WHERE r.spot_check = 'PASSED')::int AS spot, bool_or(r.verdict = 'SPOT_CHECKED' AND r.accepted) AS alone, bool_or(r.accepted) AS accepted
         FROM benchmark_submissions s LEFT JOIN benchmark_runs r ON r.submission_id = s.id AND r.round = s.round WHERE s.id = $1 GROUP BY s.round`,
      [submissionId],
    );
    if (!v) return { round: 1, runs: 0, agreeingRuns: 0, spotChecksPassed: 0, state: 'WAITING' };
    return { round: v.round, runs: v.runs, agreeingRuns: v.agreeing, spotChecksPassed: v.spot, state: v.alone ? 'SPOT_CHECKED' : v.accepted ? 'QUORUM' : 'WAITING' };
  }

  /** A node's record (Node.evaluationRecord). */
  record(nodeId: string): Promise<NodeRecord> {
    return nodeRecord(this.db, nodeId, this.rules.trustedAfter);
  }

  async close(): Promise<void> {
    while (this.detached.size > 0) await Promise.all([...this.detached]);
    await this.spots.close();
  }
}
