/**
 * The final ranking of a benchmark, announced once its deadline has passed
 * (docs/benchmarks.md#final-ranking).
 *
 * Every hub looks for benchmarks whose deadline has passed (by the benchmarks' clock,
 * BenchmarksService.currentTime) and whose final ranking was not announced, every
 * AIMASS_BENCHMARK_CLOSE_CHECK_SECONDS and at start. A hub claims one by setting its
 * `final_ranking_announced_at` in a transaction that writes the notifications too: two hubs that
 * find it at once write them once (the second finds it claimed), and a hub that stops halfway
 * leaves it unclaimed for the next look.
 *
 * Told, kind BENCHMARK_FINAL_RANKING, about the model of their best submission:
 * - each submitter of a competitor on the final board (a team's submitters each): their final
 *   (private) rank among the competitors, and how far it moved from their public rank (the shake-up);
 * - the followers of each model on the board (inbox and webhook, through their subscription;
 *   not for a private benchmark, as standings): the model's final rank among the models.
 * A submitter who follows the model hears it once, through the subscription.
 */
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { Visibility } from '../accounts/index.js';
import { METRICS, type Benchmark, type BenchmarksService } from '../benchmarks/index.js';
import { rows, type Queryable } from '../db/rows.js';
import type { Logger } from '../logger.js';
import { NotificationKind, SubjectKind, type Announce, type NotificationFanOut } from '../notifications/index.js';
import { finalRanking, shakeUp } from './final-ranking.js';

/** Benchmarks announced per look (the next look takes the rest). */
const PER_LOOK = 50;

const shown = (x: number | null) => (x === null ? 'none' : String(Number(x.toPrecision(6))));

export class FinalRankings {
  private timer: NodeJS.Timeout | undefined;
  private looking: Promise<number> | undefined;
  /** Told after a benchmark's final ranking was announced (the standings turn final). */
  private readonly listeners: ((benchmark: Benchmark) => Promise<void>)[] = [];

  constructor(
    private readonly db: DataSource,
    private readonly benchmarks: BenchmarksService,
    private readonly fanOut: NotificationFanOut,
    private readonly everyMs: number,
    private readonly log: Logger,
    private readonly counters: { checks: { inc(): void }; announced: { inc(): void } },
  ) {}

  onAnnounced(listener: (benchmark: Benchmark) => Promise<void>): void {
    this.listeners.push(listener);
  }

  start(): void {
    void this.look();
    this.timer = setInterval(() => void this.look(), this.everyMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.looking;
  }

  /** Announces every benchmark closed and not announced yet; answers how many this hub announced. Never throws. */
  look(): Promise<number> {
    if (this.looking) return this.looking;
    this.looking = (async () => {
      let announced = 0;
      try {
        const due: { id: string }[] = await this.db.query(
          `SELECT id FROM benchmarks WHERE deadline <= $1 AND final_ranking_announced_at IS NULL ORDER BY deadline, id LIMIT ${PER_LOOK}`,
          [this.benchmarks.currentTime()],
        );
        for (const { id } of due) if (await this.announce(id)) announced++;
        this.counters.checks.inc();
      } catch (error) {
        this.log.error({ err: error }, 'announcing final rankings failed');
      } finally {
        this.looking = undefined;
      }
      return announced;
    })();
    return this.looking;
  }

  /** Claims and announces one closed benchmark's final ranking; false when it is open, gone, or announced already. */
  async announce(benchmarkId: string): Promise<boolean> {
    const benchmark = await this.benchmarks.byId(benchmarkId);
    if (!benchmark || this.benchmarks.isOpen(benchmark)) return false;
    const told: Announce[] = [];
    const claimed = await this.db.transaction(async (tx) => {
      const [claim] = rows(await tx.query(
        `UPDATE benchmarks SET final_ranking_announced_at = now() WHERE id = $1 AND final_ranking_announced_at IS NULL AND deadline <= $2 RETURNING id`,
        [benchmark.id, this.benchmarks.currentTime()],
      ));
      if (!claim) return false;
      told.push(...(await this.tell(tx, benchmark)));
      return true;
    });
    if (!claimed) return false;
    for (const announce of told) announce();
    this.counters.announced.inc();
    this.log.info({ benchmarkId }, 'a benchmark’s final ranking was announced');
    for (const listener of this.listeners) {
      try {
        await listener(benchmark);
      } catch (error) {
        this.log.warn({ err: error, benchmarkId }, 'a listener of a final ranking failed');
      }
    }
    return true;
  }

  /** Writes the notifications of the final ranking with `tx`. */
  private async tell(tx: Queryable, benchmark: Benchmark): Promise<Announce[]> {
    const submissions: {
      id: string;
      submitter_id: string;
      team_id: string | null;
      team: string | null;
      model_id: string;
      model_version: number;
      status: string;
      public_score: number | null;
      private_score: number | null;
      created_at: Date;
    }[] = await tx.query(
      `SELECT s.id, s.submitter_id, s.team_id, t.handle AS team, s.model_id, s.model_version, s.status, s.public_score, s.private_score, s.created_at
         FROM benchmark_submissions s JOIN models m ON m.id = s.model_id LEFT JOIN organizations t ON t.id = s.team_id
        WHERE s.benchmark_id = $1`,
      [benchmark.id],
    );
    const board = finalRanking(
      submissions.map((r) => ({
        id: r.id,
        // A team competes as one (as on the leaderboard).
        submitterId: r.team_id ?? r.submitter_id,
        submitterUserId: r.submitter_id,
        team: r.team,
        modelId: r.model_id,
        modelVersion: r.model_version,
        scored: r.status === 'SCORED',
        publicScore: r.public_score,
        privateScore: r.private_score,
        createdAt: new Date(r.created_at),
      })),
      METRICS[benchmark.metric].higherIsBetter,
    );
    const [owner] = await tx.query(
      `SELECT coalesce((SELECT username FROM users WHERE id = $1), (SELECT handle FROM organizations WHERE id = $1)) AS handle`,
      [benchmark.ownerId],
    );
    const slug = `${owner?.handle ?? '?'}/${benchmark.name}`;
    const metric = String(benchmark.metric).toLowerCase();
    const told: Announce[] = [];
    // One event per model: its followers through their subscriptions, then the submitters who do not follow it.
    const eventOf = new Map<string, string>();
    if (benchmark.visibility !== Visibility.PRIVATE) {
      for (const place of board.models) {
        const eventId = randomUUID();
        eventOf.set(place.best.modelId, eventId);
        told.push(
          await this.fanOut.record(tx, {
            kind: NotificationKind.BENCHMARK_FINAL_RANKING,
            subject: { kind: SubjectKind.MODEL, id: place.best.modelId },
            version: place.best.modelVersion,
            eventId,
            detail: `on ${slug}: rank ${place.rank} of ${place.of} models, private ${metric} ${shown(place.best.privateScore)}; ${shakeUp(place.rank, place.publicRank)}`,
          }),
        );
      }
    }
    for (const place of board.competitors) {
      told.push(
        await this.fanOut.recordDirect(tx, {
          kind: NotificationKind.BENCHMARK_FINAL_RANKING,
          subject: { kind: SubjectKind.MODEL, id: place.best.modelId },
          version: place.best.modelVersion,
          eventId: eventOf.get(place.best.modelId),
          userIds: place.users,
          detail: `on ${slug}: ${place.best.team ? `your team ${place.best.team}` : 'you'} finished ${place.rank} of ${place.of}, private ${metric} ${shown(place.best.privateScore)}; ${shakeUp(place.rank, place.publicRank)}`,
        }),
      );
    }
    return told;
  }
}
