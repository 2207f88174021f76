/**
 * A version's verified scores on the benchmark its model is entered in (leaderboards' standing
 * entries, docs/benchmarks.md#standings). A new version of an entered model is submitted by the
 * standing itself; when no live submission of the version exists yet it is submitted here, for
 * the user who entered the model and their team, as the standing would. Its scores are the
 * submission's public metrics once SCORED: runs on independent nodes agreed (or a trusted node's
 * run passed the hub's spot check) and the hub scored them; the labels never left the hub.
 */
import type { AccountsService, Principal } from '../accounts/index.js';
import type { DataSource } from 'typeorm';
import { AppError } from '../errors.js';
import type { SubmissionsService } from '../leaderboards/index.js';

export interface BenchmarkScores {
  /** The benchmark the model was entered in first (its metric by ML.EVALUATE's name), or null. */
  entryOf(modelId: string): Promise<{ benchmarkId: string; slug: string; metric: string } | null>;
  /** The verified metrics (ML.EVALUATE's names) of version `number` on the benchmark; waits up to `waitMs` for them. */
  verifiedScores(principal: Principal, benchmarkId: string, modelId: string, number: number, waitMs: number): Promise<Record<string, number | null>>;
}

/** Benchmark metric names → ML.EVALUATE's. */
const AS_EVALUATE: Record<string, string> = {
  accuracy: 'accuracy',
  macro_f1: 'f1_score',
  log_loss: 'log_loss',
  roc_auc: 'roc_auc',
  rmse: 'root_mean_squared_error',
  mae: 'mean_absolute_error',
  r2: 'r2_score',
};
const POLL_MS = 500;

export class LeaderboardScores implements BenchmarkScores {
  constructor(
    private readonly db: DataSource,
    private readonly submissions: Pick<SubmissionsService, 'submit'>,
    private readonly accounts: Pick<AccountsService, 'usersByIds'>,
  ) {}

  async entryOf(modelId: string): Promise<{ benchmarkId: string; slug: string; metric: string } | null> {
    const [row] = await this.db.query(
      `SELECT e.benchmark_id, b.metric, coalesce(u.username, o.handle) || '/' || b.name AS slug
       FROM benchmark_entries e JOIN benchmarks b ON b.id = e.benchmark_id LEFT JOIN users u ON u.id = b.owner_id LEFT JOIN organizations o ON o.id = b.owner_id
       WHERE e.model_id = $1 ORDER BY e.created_at LIMIT 1`,
      [modelId],
    );
    return row ? { benchmarkId: row.benchmark_id, slug: row.slug, metric: AS_EVALUATE[row.metric] ?? row.metric } : null;
  }

  async verifiedScores(principal: Principal, benchmarkId: string, modelId: string, number: number, waitMs: number): Promise<Record<string, number | null>> {
    const deadline = Date.now() + waitMs;
    let id = await this.liveSubmission(benchmarkId, modelId, number);
    if (!id) id = await this.submit(principal, benchmarkId, modelId, number);
    for (;;) {
      const [s] = await this.db.query(`SELECT status, error, public_metrics FROM benchmark_submissions WHERE id = $1`, [id]);
      if (s?.status === 'SCORED') {
        const metrics = (s.public_metrics ?? {}) as Record<string, number | null>;
        return Object.fromEntries(Object.entries(metrics).map(([k, v]) => [AS_EVALUATE[k] ?? k, typeof v === 'number' ? v : null]));
      }
      if (!s || s.status === 'FAILED') throw new AppError('UNAVAILABLE', `the benchmark evaluation of version ${number} failed: ${s?.error ?? 'its submission is gone'}`);
      if (Date.now() >= deadline) throw new AppError('UNAVAILABLE', `the benchmark evaluation of version ${number} was not verified in ${Math.round(waitMs / 1000)} s (AIMASS_PROMOTION_WAIT_MS)`);
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }

  /** The newest submission of the version that did not fail (scored, or on its way). */
  private async liveSubmission(benchmarkId: string, modelId: string, number: number): Promise<string | null> {
    const [row] = await this.db.query(
      `SELECT s.id FROM benchmark_submissions s JOIN model_versions v ON v.id = s.model_version_id
       WHERE s.benchmark_id = $1 AND v.model_id = $2 AND v.number = $3 AND s.status <> 'FAILED'
       ORDER BY (s.status = 'SCORED') DESC, s.created_at DESC LIMIT 1`,
      [benchmarkId, modelId, number],
    );
    return row ? String(row.id) : null;
  }

  /** Submits as the standing entry would: for whoever entered the model, with their team. */
  private async submit(principal: Principal, benchmarkId: string, modelId: string, number: number): Promise<string> {
    const [entry] = await this.db.query(
      `SELECT e.user_id, t.handle AS team, coalesce(mu.username, mo.handle) AS model_owner, m.name AS model_name, coalesce(bu.username, bo.handle) AS bench_owner, b.name AS bench_name
       FROM benchmark_entries e JOIN models m ON m.id = e.model_id JOIN benchmarks b ON b.id = e.benchmark_id
       LEFT JOIN organizations t ON t.id = e.team_id
       LEFT JOIN users mu ON mu.id = m.owner_id LEFT JOIN organizations mo ON mo.id = m.owner_id
       LEFT JOIN users bu ON bu.id = b.owner_id LEFT JOIN organizations bo ON bo.id = b.owner_id
       WHERE e.benchmark_id = $1 AND e.model_id = $2`,
      [benchmarkId, modelId],
    );
    if (!entry) throw new AppError('CONFLICT', 'the model left the benchmark while it was being compared');
    const [user] = await this.accounts.usersByIds([entry.user_id]);
    const submitter: Principal = user ? { user, via: 'session', credentialId: `standing-entry:${benchmarkId}`, scopes: 'all' } : principal;
    const submission = await this.submissions.submit(
      submitter,
      { owner: entry.bench_owner, name: entry.bench_name },
      { owner: entry.model_owner, name: entry.model_name, version: number },
      { team: entry.team, automatic: true },
    );
    return submission.id;
  }
}
