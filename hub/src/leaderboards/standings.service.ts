/**
 * Model standings and standing benchmarks (docs/benchmarks.md#standings).
 *
 * A model's standing on a benchmark is its best scored submission by the ranking score (public
 * while the benchmark is open, private after the deadline), ranked among the models on the board:
 * the leaderboard ranks submitters, the standings rank models (a model has one place whoever
 * submitted it). They are kept in `benchmark_model_standings`, rewritten after each scoring (and
 * once more when a closed benchmark's stored board is still the public one), so the catalog can
 * filter and sort by them in its own statement. Rewriting compares the old ranks with the new:
 * a model that took first place, or entered the top 10, is announced to its subscribers through
 * the notifications fan-out, in the same transaction (only for benchmarks that are not private: a
 * private board's order is not told to a model's followers).
 *
 * A standing benchmark (no deadline) takes entries: a model entered in it has each new version
 * submitted by whoever entered it (for their team if they named one), as if they had submitted it
 * by hand: the same checks and daily limit. A version that is not a model the benchmark can
 * evaluate (an upload whose features are not set yet) is skipped; it is tried again when its
 * metadata is set.
 */
import type { AccountsService, Principal } from '../accounts/index.js';
import { hasScope, Scope, Visibility } from '../accounts/index.js';
import { METRICS, type Benchmark, type BenchmarksService } from '../benchmarks/index.js';
import type { CatalogService, Model, ModelRanking, VersionChange } from '../catalog/index.js';
import { AppError, badInput, forbidden } from '../errors.js';
import type { Logger } from '../logger.js';
import { NotificationKind, SubjectKind, type Announce, type NotificationFanOut } from '../notifications/index.js';
import { rankLeaderboard } from './leaderboard-ranking.js';
import type { ModelStanding } from './standing.types.js';
import type { SubmissionsService } from './submissions.service.js';
import { resolveTeam } from './team.js';
import type { DataSource } from 'typeorm';

/** The places announced: first, and the top ten. */
const TOP = 10;

interface StandingRow {
  benchmark_id: string;
  rank: number | null;
  score: number | null;
  model_version: number | null;
  final: boolean | null;
  entered: boolean;
  team: string | null;
  models: number;
}

export class StandingsService implements ModelRanking {
  /** Per model, the version changes being handled, one after the other (a version is submitted once). */
  private readonly queues = new Map<string, Promise<void>>();

  constructor(
    private readonly db: DataSource,
    private readonly benchmarks: BenchmarksService,
    private readonly catalog: CatalogService,
    private readonly submissions: SubmissionsService,
    private readonly accounts: AccountsService,
    private readonly fanOut: NotificationFanOut,
    private readonly log: Logger,
  ) {}

  /**
   * Rewrites the benchmark's model standings from its scored submissions and announces the models
   * that took first place or entered the top 10. One hub at a time per benchmark.
   */
  async refresh(benchmark: Benchmark): Promise<void> {
    const final = !this.benchmarks.isOpen(benchmark);
    const announced: Announce[] = [];
    await this.db.transaction(async (tx) => {
      await tx.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [`benchmark-standings:${benchmark.id}`]);
      const scored: { id: string; model_id: string; model_version: number; public_score: number | null; private_score: number | null; created_at: Date }[] = await tx.query(
        `SELECT s.id, s.model_id, s.model_version, s.public_score, s.private_score, s.created_at FROM benchmark_submissions s
          JOIN models m ON m.id = s.model_id WHERE s.benchmark_id = $1 AND s.status = 'SCORED'`,
        [benchmark.id],
      );
      const ranked = rankLeaderboard(
        scored.map((s) => ({ ...s, submitterId: s.model_id, scored: true, publicScore: s.public_score, privateScore: s.private_score, createdAt: new Date(s.created_at) })),
        { higherIsBetter: METRICS[benchmark.metric].higherIsBetter, final },
      );
      const old = new Map<string, number>(
        ((await tx.query(`SELECT model_id, rank FROM benchmark_model_standings WHERE benchmark_id = $1`, [benchmark.id])) as { model_id: string; rank: number }[]).map((r) => [r.model_id, r.rank]),
      );
      await tx.query(`DELETE FROM benchmark_model_standings WHERE benchmark_id = $1`, [benchmark.id]);
      if (ranked.length > 0) {
        await tx.query(
          `INSERT INTO benchmark_model_standings (benchmark_id, model_id, submission_id, model_version, score, rank, final)
           SELECT $1, u.model_id, u.submission_id, u.model_version, u.score, u.rank, $7
             FROM unnest($2::uuid[], $3::uuid[], $4::int[], $5::float8[], $6::int[]) AS u(model_id, submission_id, model_version, score, rank)`,
          [
            benchmark.id,
            ranked.map((e) => e.best.model_id),
            ranked.map((e) => e.best.id),
            ranked.map((e) => e.best.model_version),
            ranked.map((e) => (final ? e.best.private_score : e.best.public_score)),
            ranked.map((e) => e.rank),
            final,
          ],
        );
      }
      if (benchmark.visibility === Visibility.PRIVATE) return;
      const slug = await this.slugOf(tx, benchmark);
      for (const e of ranked) {
        const before = old.get(e.best.model_id);
        const kind =
          e.rank === 1 && before !== 1
            ? NotificationKind.MODEL_TOOK_FIRST_PLACE
            : e.rank <= TOP && (before === undefined || before > TOP)
              ? NotificationKind.MODEL_ENTERED_TOP_TEN
              : null;
        if (!kind) continue;
        const score = final ? e.best.private_score : e.best.public_score;
        announced.push(
          await this.fanOut.record(tx, {
            kind,
            subject: { kind: SubjectKind.MODEL, id: e.best.model_id },
            version: e.best.model_version,
            detail: `on ${slug} (rank ${e.rank}, ${benchmark.metric} ${score})`,
          }),
        );
      }
    });
    for (const announce of announced) announce();
  }

  /** Model.standings: the benchmarks the viewer may read on which the model is ranked or entered, best rank first. */
  async standingsOf(principal: Principal | null, model: Model): Promise<ModelStanding[]> {
    await this.refreshClosed(`SELECT DISTINCT benchmark_id FROM benchmark_model_standings WHERE model_id = $1 AND NOT final`, [model.id]);
    const rows: StandingRow[] = await this.db.query(
      `SELECT b.benchmark_id, st.rank, st.score, st.model_version, st.final, e.model_id IS NOT NULL AS entered, t.handle AS team,
              (SELECT count(*)::int FROM benchmark_model_standings a WHERE a.benchmark_id = b.benchmark_id) AS models
         FROM (SELECT benchmark_id FROM benchmark_model_standings WHERE model_id = $1 UNION SELECT benchmark_id FROM benchmark_entries WHERE model_id = $1) b
         LEFT JOIN benchmark_model_standings st ON st.benchmark_id = b.benchmark_id AND st.model_id = $1
         LEFT JOIN benchmark_entries e ON e.benchmark_id = b.benchmark_id AND e.model_id = $1
         LEFT JOIN organizations t ON t.id = e.team_id
        ORDER BY st.rank NULLS LAST, b.benchmark_id`,
      [model.id],
    );
    const out: ModelStanding[] = [];
    for (const row of rows) {
      const benchmark = await this.benchmarks.byId(row.benchmark_id);
      if (!benchmark || (await this.benchmarks.permission(principal, benchmark)) === undefined) continue;
      out.push({
        benchmark,
        rank: row.rank,
        score: row.score,
        modelVersion: row.model_version,
        models: row.models,
        final: row.final ?? !this.benchmarks.isOpen(benchmark),
        entered: row.entered,
        team: row.team,
      });
    }
    return out;
  }

  /** ModelRanking (the catalog's `bestOn`): the standings on the benchmark "owner/name" the viewer may read. */
  async rankSql(principal: Principal | null, ref: string, bind: (value: unknown) => string): Promise<{ where: string; rank: string }> {
    const parts = ref.split('/');
    if (parts.length !== 2 || !parts[0] || !parts[1]) throw badInput('bestOn', 'must be a benchmark owner/name');
    const benchmark = await this.benchmarks.get(principal, parts[0], parts[1]);
    await this.refreshClosed(`SELECT $1::uuid AS benchmark_id FROM benchmark_model_standings WHERE benchmark_id = $1 AND NOT final LIMIT 1`, [benchmark.id]);
    const id = bind(benchmark.id);
    return {
      where: `EXISTS (SELECT 1 FROM benchmark_model_standings bs WHERE bs.model_id = m.id AND bs.benchmark_id = ${id})`,
      rank: `(SELECT bs.rank FROM benchmark_model_standings bs WHERE bs.model_id = m.id AND bs.benchmark_id = ${id})`,
    };
  }

  /** Rewrites the standings of the benchmarks `sql` finds whose deadline passed since (the final ranking replaces the public one). */
  private async refreshClosed(sql: string, params: unknown[]): Promise<void> {
    const ids: { benchmark_id: string }[] = await this.db.query(sql, params);
    for (const { benchmark_id } of ids) {
      const benchmark = await this.benchmarks.byId(benchmark_id);
      if (benchmark && !this.benchmarks.isOpen(benchmark)) await this.refresh(benchmark);
    }
  }

  /**
   * enterStandingBenchmark: needs write on the model and read on the benchmark, which must be a
   * standing one (no deadline). The team is checked as a submission's. The model's newest version
   * is submitted at once when the benchmark can evaluate it and it was not submitted yet.
   */
  async enter(principal: Principal, modelRef: { owner: string; name: string }, ref: { owner: string; name: string }, team: string | null): Promise<ModelStanding> {
    requireModelsWrite(principal);
    const model = await this.catalog.get(principal, modelRef.owner, modelRef.name, 'write');
    const benchmark = await this.benchmarks.get(principal, ref.owner, ref.name);
    if (benchmark.deadline) {
      throw badInput('benchmark', `${ref.owner}/${ref.name} has a deadline: only a standing benchmark (no deadline) takes entries; submit versions to it yourself`);
    }
    const resolved = await resolveTeam(this.db, principal, benchmark, team);
    await this.db.query(
      `INSERT INTO benchmark_entries (benchmark_id, model_id, user_id, team_id) VALUES ($1, $2, $3, $4)
       ON CONFLICT (benchmark_id, model_id) DO UPDATE SET user_id = EXCLUDED.user_id, team_id = EXCLUDED.team_id`,
      [benchmark.id, model.id, principal.user.id, resolved?.id ?? null],
    );
    const [newest] = await this.db.query(`SELECT max(number)::int AS number FROM model_versions WHERE model_id = $1`, [model.id]);
    if (newest?.number != null) await this.versionChanged({ modelId: model.id, number: newest.number });
    return (await this.standingsOf(principal, model)).find((s) => s.benchmark.id === benchmark.id)!;
  }

  /** leaveStandingBenchmark: new versions are no longer submitted; the model's standing stays. */
  async leave(principal: Principal, modelRef: { owner: string; name: string }, ref: { owner: string; name: string }): Promise<boolean> {
    requireModelsWrite(principal);
    const model = await this.catalog.get(principal, modelRef.owner, modelRef.name, 'write');
    const benchmark = await this.benchmarks.get(principal, ref.owner, ref.name);
    const [{ n }] = await this.db.query(
      `WITH d AS (DELETE FROM benchmark_entries WHERE benchmark_id = $1 AND model_id = $2 RETURNING 1) SELECT count(*)::int AS n FROM d`,
      [benchmark.id, model.id],
    );
    return n > 0;
  }

  /** The catalog's version listener: submits the version to every standing benchmark the model is entered in. */
  versionChanged(change: VersionChange): Promise<void> {
    const queued = (this.queues.get(change.modelId) ?? Promise.resolve()).then(() => this.submitVersion(change));
    const tail = queued.catch(() => undefined);
    this.queues.set(change.modelId, tail);
    void tail.then(() => {
      if (this.queues.get(change.modelId) === tail) this.queues.delete(change.modelId);
    });
    return queued;
  }

  private async submitVersion({ modelId, number }: VersionChange): Promise<void> {
    const entries: { benchmark_id: string; user_id: string; team: string | null; model_owner: string; model_name: string; bench_owner: string; bench_name: string; submitted: boolean }[] =
      await this.db.query(
        `SELECT e.benchmark_id, e.user_id, t.handle AS team, coalesce(mu.username, mo.handle) AS model_owner, m.name AS model_name,
                coalesce(bu.username, bo.handle) AS bench_owner, b.name AS bench_name,
                EXISTS (SELECT 1 FROM benchmark_submissions s JOIN model_versions v ON v.id = s.model_version_id
                         WHERE s.benchmark_id = e.benchmark_id AND v.model_id = e.model_id AND v.number = $2 AND s.status <> 'FAILED') AS submitted
           FROM benchmark_entries e JOIN models m ON m.id = e.model_id JOIN benchmarks b ON b.id = e.benchmark_id
           LEFT JOIN organizations t ON t.id = e.team_id
           LEFT JOIN users mu ON mu.id = m.owner_id LEFT JOIN organizations mo ON mo.id = m.owner_id
           LEFT JOIN users bu ON bu.id = b.owner_id LEFT JOIN organizations bo ON bo.id = b.owner_id
          WHERE e.model_id = $1`,
        [modelId, number],
      );
    for (const entry of entries) {
      if (entry.submitted) continue;
      const [user] = await this.accounts.usersByIds([entry.user_id]);
      if (!user) continue;
      // The hub acts for whoever entered the model, with what they may do themselves.
      const principal: Principal = { user, via: 'session', credentialId: `standing-entry:${entry.benchmark_id}`, scopes: 'all' };
      try {
        const submission = await this.submissions.submit(
          principal,
          { owner: entry.bench_owner, name: entry.bench_name },
          { owner: entry.model_owner, name: entry.model_name, version: number },
          { team: entry.team, automatic: true },
        );
        this.log.info({ submissionId: submission.id, benchmarkId: entry.benchmark_id, modelId, version: number }, 'a new model version was submitted to a standing benchmark');
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        this.log.info({ benchmarkId: entry.benchmark_id, modelId, version: number, reason: error.message }, 'a new model version was not submitted to a standing benchmark');
      }
    }
  }

  private async slugOf(tx: { query: DataSource['query'] }, benchmark: Benchmark): Promise<string> {
    const [row] = await tx.query(
      `SELECT coalesce((SELECT username FROM users WHERE id = $1), (SELECT handle FROM organizations WHERE id = $1)) AS owner`,
      [benchmark.ownerId],
    );
    return `${row?.owner ?? '?'}/${benchmark.name}`;
  }
}

/** As jobs:write (the operation's scope) an API key entering a model needs models:write: it changes what the model's versions do. */
function requireModelsWrite(principal: Principal): void {
  if (!hasScope(principal, Scope.MODELS_WRITE)) throw forbidden('This API key lacks the models:write scope');
}
