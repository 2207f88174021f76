/**
 * Champion and challenger (docs/promotion.md). The champion is the version a model's `production`
 * alias points at; a challenger is another version of it. A comparison scores both on the same
 * data — the verified scores of a benchmark the model is entered in, else a holdout query scored
 * by the hub's ML.EVALUATE (holdout-scores.ts) — and the model's promotion rule decides
 * (promotion-rule.ts). When the comparison decides (a retraining's `judge`, or compareVersions
 * with `promote`) and the challenger wins, production moves to it (deployments following the alias
 * roll over: catalog's `aliasMoved` signal) and the version is published with a changelog of its
 * data and scores beside the champion's; otherwise it stays a draft and the comparison says why.
 * Owners move production by hand too (production-moves.ts). Every step is in the model's timeline
 * and reaches its followers.
 *
 * A promotion moves production in one transaction holding the alias row, checked against the
 * champion the comparison scored: when production moved meanwhile the challenger is not promoted
 * over a version it was never compared with.
 */
import type { DataSource } from 'typeorm';
import type { AccountsService, Principal } from '../accounts/index.js';
import type { CatalogService, Model, PublishingService, StoredLineage } from '../catalog/index.js';
import { ModelVersion, ModelVersionStatus } from '../catalog/index.js';
import type { Config } from '../config.js';
import { paginate, type Page, type PageArgs } from '../db/paging.js';
import { AppError, badInput, notFound } from '../errors.js';
import { checks } from '../validation/checks.js';
import type { Logger } from '../logger.js';
import type { BenchmarkScores } from './benchmark-scores.js';
import { changelog } from './changelog.js';
import { holdoutQuery, holdoutScores, type HoldoutScorer } from './holdout-scores.js';
import type { ModelTimeline } from './model-timeline.js';
import { PRODUCTION, type ProductionMoves } from './production-moves.js';
import { ComparisonMethod, ComparisonStatus, PromotionComparison, type MetricComparison, type PromotionRuleType } from './promotion-comparison.entity.js';
import { decide, defaultRule, lowerIsBetter, metricsOf, metricWords, taskOfMetric, type PromotionRuleInput, type Scores, type Task } from './promotion-rule.js';

export interface JudgeInput {
  modelId: string;
  /** The draft version the run trained. */
  challengerVersion: number;
  /** SELECT over dataset versions (pinned @n), same columns as training; null: none. */
  holdoutSql: string | null;
  /** "owner/name@n" the challenger trained on (for the changelog). */
  dataVersions: string[];
  retrainingRunId: string | null;
}

export interface JudgeOutcome {
  comparisonId: string;
  promoted: boolean;
  reason: string;
  scores: Record<string, { champion: number | null; challenger: number }>;
}

/** What a timeline event of another domain says (recordModelEvent). */
export interface ModelEventDetail {
  /** One sentence for people (default: the kind in words). */
  message?: string;
  /** The model version it is about. */
  version?: number | null;
  [fact: string]: unknown;
}

interface ModelRow {
  id: string;
  owner: string;
  name: string;
  task: string;
  created_by: string | null;
}

export class PromotionService {
  constructor(
    private readonly db: DataSource,
    private readonly config: Config,
    private readonly catalog: CatalogService,
    private readonly publishing: PublishingService,
    private readonly timeline: ModelTimeline,
    private readonly production: ProductionMoves,
    private readonly scorer: HoldoutScorer,
    private readonly accounts: Pick<AccountsService, 'usersByIds'>,
    private readonly benchmarks: BenchmarkScores | null,
    private readonly log: Logger,
  ) {}

  // ── Rules ────────────────────────────────────────────────────────────────

  /** The model's rule (its task's default until an owner sets one); null to those who may not change the model. */
  async ruleOf(principal: Principal | null, model: Model): Promise<PromotionRuleType | null> {
    if (!(await this.canChange(principal, model))) return null;
    const row = await this.modelById(model.id);
    return this.effectiveRule(row, await this.taskOf(row));
  }

  async setRule(principal: Principal, owner: string, name: string, input: PromotionRuleInput): Promise<PromotionRuleType> {
    const model = await this.writable(principal, owner, name);
    return this.writeRule(principal, model, input);
  }

  /** CREATE MODEL / ALTER MODEL … OPTIONS (promote_metric, promote_min_improvement, promote_tolerance): the retraining domain hands them here. */
  async setRuleFromSql(principal: Principal, modelId: string, rule: PromotionRuleInput): Promise<void> {
    const row = await this.modelById(modelId);
    await this.catalog.get(principal, row.owner, row.name, 'write');
    await this.writeRule(principal, row, rule);
  }

  private async writeRule(principal: Principal, model: ModelRow, input: PromotionRuleInput): Promise<PromotionRuleType> {
    const task = await this.taskOf(model);
    const current = await this.effectiveRule(model, task);
    const metric = input.metric?.trim().toLowerCase() || current.metric;
    const minImprovement = input.minImprovement ?? current.minImprovement;
    const tolerance = input.tolerance ?? current.tolerance;
    const c = checks();
    const metricTask = taskOfMetric(metric);
    if (!metricTask) c.add('metric', `use one of ML.EVALUATE's metrics: ${metricsOf(task).join(', ')}`);
    else if (metricTask !== task) c.add('metric', `${metric} is a ${metricTask} metric; ${model.owner}/${model.name} is a ${task} model (use ${metricsOf(task).join(', ')})`);
    if (!Number.isFinite(minImprovement) || minImprovement < 0) c.add('minImprovement', 'must be a number ≥ 0, in the metric’s units');
    if (!Number.isFinite(tolerance) || tolerance < 0) c.add('tolerance', 'must be a number ≥ 0, in each secondary metric’s units');
    c.throwIfAny();
    await this.db.query(
      `INSERT INTO promotion_rules (model_id, metric, min_improvement, tolerance, updated_by) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (model_id) DO UPDATE SET metric = EXCLUDED.metric, min_improvement = EXCLUDED.min_improvement, tolerance = EXCLUDED.tolerance,
         updated_by = EXCLUDED.updated_by, updated_at = now()`,
      [model.id, metric, minImprovement, tolerance, principal.user.id],
    );
    return ruleType({ metric, minImprovement, tolerance }, true);
  }

  private async effectiveRule(model: ModelRow, task: Task): Promise<PromotionRuleType> {
    const [row] = await this.db.query(`SELECT metric, min_improvement, tolerance FROM promotion_rules WHERE model_id = $1`, [model.id]);
    if (!row) return ruleType(defaultRule(task), false);
    return ruleType({ metric: row.metric, minImprovement: Number(row.min_improvement), tolerance: Number(row.tolerance) }, true);
  }

  // ── Comparisons ──────────────────────────────────────────────────────────

  /**
   * compareVersions: compares version `challenger` with production on `holdoutSql` (or the
   * benchmark the model is entered in). Answers at once with the comparison EVALUATING; it is
   * DECIDED (or FAILED) once both versions are scored. With `promote`, a win moves production.
   */
  async compare(principal: Principal, owner: string, name: string, challenger: number, holdoutSql: string | null, promote: boolean): Promise<PromotionComparison> {
    const model = await this.writable(principal, owner, name);
    const version = await this.catalog.version(principal, owner, name, { number: challenger });
    const comparison = await this.start(model, version, principal, { holdoutSql, dataVersions: null, retrainingRunId: null, decides: promote });
    void this.finish(comparison, model, principal).catch(() => undefined);
    return comparison;
  }

  /**
   * A retraining's challenger judged against production: resolves once decided. The hub acts for
   * the user who made the challenger (or the model's creator), with what they may do themselves.
   * Never throws for a worse challenger; throws typed errors for bad input, and UNAVAILABLE when
   * a version could not be scored.
   */
  async judge(input: JudgeInput): Promise<JudgeOutcome> {
    const model = await this.modelById(input.modelId);
    const [version] = await this.db.getRepository(ModelVersion).findBy({ modelId: model.id, number: input.challengerVersion });
    if (!version) throw badInput('challengerVersion', `${model.owner}/${model.name} has no version ${input.challengerVersion}`);
    const principal = await this.actingFor(version.createdBy ?? model.created_by);
    const comparison = await this.start(model, version, principal, {
      holdoutSql: input.holdoutSql,
      dataVersions: input.dataVersions,
      retrainingRunId: input.retrainingRunId,
      decides: true,
    });
    const done = await this.finish(comparison, model, principal);
    if (done.status === ComparisonStatus.FAILED) throw new AppError('UNAVAILABLE', done.reason ?? 'the comparison failed');
    const scores: JudgeOutcome['scores'] = {};
    for (const s of done.scores) if (s.challenger != null) scores[s.metric] = { champion: s.champion, challenger: s.challenger };
    return { comparisonId: done.id, promoted: done.promoted, reason: done.reason ?? '', scores };
  }

  /** One comparison, to those who may change its model (NOT_FOUND otherwise). */
  async comparison(principal: Principal | null, id: string): Promise<PromotionComparison> {
    const found = /^[0-9a-f-]{36}$/i.test(id) ? await this.db.getRepository(PromotionComparison).findOneBy({ id }) : null;
    if (!found) throw notFound('Comparison');
    const model = await this.modelById(found.modelId);
    try {
      await this.catalog.get(principal, model.owner, model.name, 'write');
    } catch (error) {
      if (error instanceof AppError && (error.code === 'FORBIDDEN' || error.code === 'NOT_FOUND' || error.code === 'UNAUTHENTICATED')) throw notFound('Comparison');
      throw error;
    }
    return found;
  }

  /** The model's comparisons, newest first; null to those who may not change it. */
  async comparisons(principal: Principal | null, model: Model, page: PageArgs): Promise<Page<PromotionComparison> | null> {
    if (!(await this.canChange(principal, model))) return null;
    return paginate(this.db.getRepository(PromotionComparison).createQueryBuilder('c').where('c.modelId = :id', { id: model.id }), page);
  }

  private async start(
    model: ModelRow,
    version: ModelVersion,
    principal: Principal,
    options: { holdoutSql: string | null; dataVersions: string[] | null; retrainingRunId: string | null; decides: boolean },
  ): Promise<PromotionComparison> {
    const holdout = options.holdoutSql == null || options.holdoutSql.trim() === '' ? null : holdoutQuery(options.holdoutSql);
    const champion = await this.production.champion(this.db, model.id);
    if (champion?.versionId === version.id) throw badInput('challenger', `version ${version.number} is ${model.owner}/${model.name}'s production version already`);
    const benchmark = this.benchmarks ? await this.benchmarks.entryOf(model.id) : null;
    let method: ComparisonMethod;
    if (benchmark) method = ComparisonMethod.BENCHMARK;
    else if (holdout) method = ComparisonMethod.HOLDOUT;
    else if (!champion) method = ComparisonMethod.NONE;
    else throw badInput('holdoutSql', `give a holdout query: ${model.owner}/${model.name} is entered in no benchmark, and version ${version.number} must be scored on the same data as production (version ${champion.number})`);
    const task = await this.taskOf(model);
    let rule = await this.effectiveRule(model, task);
    // A benchmark scores its own metric (and the secondary ones it keeps): the default rule decides by it.
    if (benchmark && !rule.custom && taskOfMetric(benchmark.metric) === task) rule = ruleType({ ...defaultRule(task), metric: benchmark.metric }, false);
    const dataVersions = options.dataVersions ?? (await this.dataVersionsOf(version));
    const saved = await this.db.transaction(async (tx) => {
      const row = await tx.getRepository(PromotionComparison).save(
        tx.getRepository(PromotionComparison).create({
          modelId: model.id,
          challengerVersionId: version.id,
          challengerVersion: version.number,
          championVersionId: champion?.versionId ?? null,
          championVersion: champion?.number ?? null,
          method,
          holdoutSql: method === ComparisonMethod.HOLDOUT ? holdout : null,
          benchmarkId: benchmark?.benchmarkId ?? null,
          dataVersions,
          retrainingRunId: options.retrainingRunId,
          decides: options.decides,
          status: ComparisonStatus.EVALUATING,
          rule,
          scores: [],
          wins: null,
          promoted: false,
          reason: null,
          requestedBy: principal.user.id,
          finishedAt: null,
        }),
      );
      const against = champion ? `production (version ${champion.number})` : 'no production version';
      const on = method === ComparisonMethod.BENCHMARK ? `the verified scores of ${benchmark!.slug}` : method === ComparisonMethod.HOLDOUT ? 'a holdout query' : 'no data';
      const announce = await this.timeline.record(tx, model.id, {
        kind: 'COMPARISON_STARTED',
        version: version.number,
        message: `Version ${version.number} is being compared with ${against} on ${on}`,
        detail: { comparisonId: row.id, challenger: version.number, champion: champion?.number ?? null, method, retrainingRunId: options.retrainingRunId },
      });
      return { row, announce };
    });
    saved.announce();
    return saved.row;
  }

  /** Scores both versions, decides, and moves production when the comparison decides and the challenger wins. Never throws: a failure ends it FAILED. */
  private async finish(comparison: PromotionComparison, model: ModelRow, principal: Principal): Promise<PromotionComparison> {
    const started = Date.now();
    try {
      const task = await this.taskOf(model);
      const scored = await this.score(comparison, model, principal, task);
      const rule = comparison.rule!;
      const verdict = decide(rule, task, scored, comparison.championVersion !== null);
      const scores = sideBySide(task, rule.metric, scored);
      if (comparison.decides && verdict.wins) return await this.promote(comparison, model, principal, scores, verdict.reason, started);
      const kind = comparison.decides ? 'KEPT' : 'COMPARED';
      const message = comparison.decides
        ? `Version ${comparison.challengerVersion} was not promoted: ${verdict.reason}`
        : `Version ${comparison.challengerVersion} ${verdict.wins ? 'would win' : 'would not win'}: ${verdict.reason}`;
      return await this.settle(comparison, { status: ComparisonStatus.DECIDED, scores, wins: verdict.wins, promoted: false, reason: verdict.reason }, { kind, message }, started);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      this.log.warn({ err: error, comparisonId: comparison.id }, 'a comparison failed');
      return this.settle(comparison, { status: ComparisonStatus.FAILED, reason }, { kind: 'COMPARISON_FAILED', message: `The comparison of version ${comparison.challengerVersion} failed: ${reason}` }, started).catch(
        (err: unknown) => {
          this.log.error({ err, comparisonId: comparison.id }, 'a failed comparison could not be recorded');
          return Object.assign(comparison, { status: ComparisonStatus.FAILED, reason });
        },
      );
    }
  }

  /** Both versions' scores on the comparison's data, by metric. */
  private async score(comparison: PromotionComparison, model: ModelRow, principal: Principal, task: Task): Promise<Scores> {
    const waitMs = this.config.promotion.waitMs;
    let champion: Record<string, number | null> | null = null;
    let challenger: Record<string, number | null> = {};
    if (comparison.method === ComparisonMethod.HOLDOUT) {
      const ref = { owner: model.owner, name: model.name };
      [champion, challenger] = await Promise.all([
        comparison.championVersion === null ? null : holdoutScores(this.scorer, principal, ref, comparison.championVersion, comparison.holdoutSql!, waitMs),
        holdoutScores(this.scorer, principal, ref, comparison.challengerVersion, comparison.holdoutSql!, waitMs),
      ]);
    } else if (comparison.method === ComparisonMethod.BENCHMARK) {
      const benchmark = this.benchmarks!;
      [champion, challenger] = await Promise.all([
        comparison.championVersion === null ? null : benchmark.verifiedScores(principal, comparison.benchmarkId!, model.id, comparison.championVersion, waitMs),
        benchmark.verifiedScores(principal, comparison.benchmarkId!, model.id, comparison.challengerVersion, waitMs),
      ]);
    }
    const scores: Scores = {};
    for (const m of metricsOf(task)) scores[m] = { champion: champion?.[m] ?? null, challenger: challenger[m] ?? null };
    return scores;
  }

  private async promote(comparison: PromotionComparison, model: ModelRow, principal: Principal, scores: MetricComparison[], reason: string, started: number): Promise<PromotionComparison> {
    const moved = await this.db.transaction(async (tx) => {
      const now = await this.production.champion(tx, model.id, true);
      if ((now?.versionId ?? null) !== comparison.championVersionId) return false;
      await this.production.move(tx, model.id, now, { versionId: comparison.challengerVersionId, number: comparison.challengerVersion }, 'promoted', comparison.id);
      return true;
    });
    if (!moved) {
      const why = `production moved while the versions were compared: compare version ${comparison.challengerVersion} with the new production version`;
      return this.settle(comparison, { status: ComparisonStatus.DECIDED, scores, wins: true, promoted: false, reason: `${reason}; not promoted: ${why}` }, { kind: 'KEPT', message: `Version ${comparison.challengerVersion} was not promoted: ${why}` }, started);
    }
    this.catalog.aliasMoved(model.id, PRODUCTION);
    const published = await this.publishWithChangelog(comparison, model, principal, scores, reason);
    const from = comparison.championVersion === null ? '' : ` (was version ${comparison.championVersion})`;
    return this.settle(
      comparison,
      { status: ComparisonStatus.DECIDED, scores, wins: true, promoted: true, reason },
      { kind: 'PROMOTED', message: `Version ${comparison.challengerVersion} is production${from}: ${reason}${published}` },
      started,
    );
  }

  /** Publishes the promoted draft with the changelog as its model card; answers what to add to the timeline's sentence ("" when published). */
  private async publishWithChangelog(comparison: PromotionComparison, model: ModelRow, principal: Principal, scores: MetricComparison[], reason: string): Promise<string> {
    try {
      const version = await this.catalog.version(principal, model.owner, model.name, { number: comparison.challengerVersion });
      if (version.status !== ModelVersionStatus.DRAFT) return '';
      const champion = comparison.championVersionId ? await this.db.getRepository(ModelVersion).findOneBy({ id: comparison.championVersionId }) : null;
      const log = changelog({
        version: comparison.challengerVersion,
        champion: comparison.championVersion,
        at: new Date(),
        method: comparison.method,
        dataVersions: comparison.dataVersions,
        championDataVersions: champion ? await this.dataVersionsOf(champion) : [],
        scores,
        reason,
      });
      await this.publishing.setCard(principal, model.owner, model.name, version.number, version.card.trim() ? `${version.card.trim()}\n\n${log}` : log);
      await this.publishing.publish(principal, model.owner, model.name, version.number);
      return '';
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      return `; it stays a draft, not published: ${error.message}`;
    }
  }

  private async settle(
    comparison: PromotionComparison,
    patch: Partial<PromotionComparison>,
    event: { kind: string; message: string },
    started: number,
  ): Promise<PromotionComparison> {
    const finishedAt = new Date();
    const saved = await this.db.transaction(async (tx) => {
      const row = await tx.getRepository(PromotionComparison).save(Object.assign(comparison, patch, { finishedAt }));
      const announce = await this.timeline.record(tx, comparison.modelId, {
        kind: event.kind,
        version: comparison.challengerVersion,
        message: event.message,
        detail: {
          comparisonId: comparison.id,
          challenger: comparison.challengerVersion,
          champion: comparison.championVersion,
          method: comparison.method,
          promoted: row.promoted,
          wins: row.wins,
          scores: row.scores,
          dataVersions: comparison.dataVersions,
          retrainingRunId: comparison.retrainingRunId,
          durationMs: Date.now() - started,
        },
      });
      return { row, announce };
    });
    saved.announce();
    return saved.row;
  }

  /**
   * Housekeeping: a comparison still EVALUATING well past AIMASS_PROMOTION_WAIT_MS lost the hub
   * that ran it (a restart): it ends FAILED, saying so, and production stays.
   */
  async failAbandoned(): Promise<void> {
    const abandoned: PromotionComparison[] = await this.db
      .getRepository(PromotionComparison)
      .createQueryBuilder('c')
      .where(`c.status = 'evaluating' AND c.createdAt < now() - make_interval(secs => :secs)`, { secs: (this.config.promotion.waitMs * 2) / 1000 })
      .getMany();
    for (const c of abandoned) {
      await this.settle(c, { status: ComparisonStatus.FAILED, reason: 'the hub comparing the versions stopped before they were scored: compare again' }, { kind: 'COMPARISON_FAILED', message: `The comparison of version ${c.challengerVersion} was abandoned (its hub stopped): compare again` }, c.createdAt.getTime());
    }
  }

  // ── Timeline ─────────────────────────────────────────────────────────────

  /** A timeline event of another domain (retraining started/finished…): recorded and told to the model's followers. */
  async recordModelEvent(modelId: string, kind: string, detail: ModelEventDetail = {}): Promise<void> {
    const { message, version, ...facts } = detail;
    await this.timeline.publish(modelId, {
      kind,
      version: typeof version === 'number' ? version : null,
      message: typeof message === 'string' && message.trim() ? message : `${kind.charAt(0)}${kind.slice(1).toLowerCase().replace(/_/g, ' ')}`,
      detail: facts,
    });
  }

  /** The model's timeline; null to those who may not change it. */
  async timelineOf(principal: Principal | null, model: Model, page: PageArgs, kinds: readonly string[] | null) {
    if (!(await this.canChange(principal, model))) return null;
    return this.timeline.timeline(model.id, page, kinds);
  }

  // ── Helpers ──────────────────────────────────────────────────────────────

  async canChange(principal: Principal | null, model: Model): Promise<boolean> {
    if (!principal) return false;
    const row = await this.modelById(model.id);
    try {
      await this.catalog.get(principal, row.owner, row.name, 'write');
      return true;
    } catch (error) {
      if (error instanceof AppError) return false;
      throw error;
    }
  }

  private async writable(principal: Principal, owner: string, name: string): Promise<ModelRow> {
    const model = await this.catalog.get(principal, owner, name, 'write');
    return this.modelById(model.id);
  }

  private async modelById(modelId: string): Promise<ModelRow> {
    const [row] = /^[0-9a-f-]{36}$/i.test(modelId)
      ? await this.db.query(
          `SELECT m.id, m.name, m.task, m.created_by, coalesce(u.username, o.handle) AS owner
           FROM models m LEFT JOIN users u ON u.id = m.owner_id LEFT JOIN organizations o ON o.id = m.owner_id WHERE m.id = $1`,
          [modelId],
        )
      : [];
    if (!row) throw notFound('Model');
    return row as ModelRow;
  }

  /** classification or regression: the model's task as training set it, else its newest version's signature (labels: a classifier). */
  private async taskOf(model: ModelRow): Promise<Task> {
    if (model.task === 'classification' || model.task === 'regression') return model.task;
    const [row] = await this.db.query(
      `SELECT jsonb_array_length(coalesce(signature->'labels', '[]'::jsonb)) AS labels FROM model_versions WHERE model_id = $1 ORDER BY number DESC LIMIT 1`,
      [model.id],
    );
    return Number(row?.labels ?? 0) > 0 ? 'classification' : 'regression';
  }

  /** owner/name@n of each dataset version a trained version read (from its lineage; ids the hub no longer has are left out). */
  private async dataVersionsOf(version: ModelVersion): Promise<string[]> {
    const lineage = (version.lineage ?? {}) as StoredLineage;
    const ids = lineage.datasetVersionIds ?? (lineage.datasetVersionId ? [lineage.datasetVersionId] : []);
    if (ids.length === 0) return [];
    const found: { id: string; ref: string }[] = await this.db.query(
      `SELECT dv.id, coalesce(u.username, o.handle) || '/' || d.name || '@' || dv.number AS ref
       FROM dataset_versions dv JOIN datasets d ON d.id = dv.dataset_id LEFT JOIN users u ON u.id = d.owner_id LEFT JOIN organizations o ON o.id = d.owner_id
       WHERE dv.id = ANY($1::uuid[])`,
      [ids],
    );
    const byId = new Map(found.map((r) => [r.id, r.ref]));
    return ids.flatMap((id) => (byId.has(id) ? [byId.get(id)!] : []));
  }

  /** The user `userId` as a principal with everything they may do themselves (the hub acts for them). */
  private async actingFor(userId: string | null): Promise<Principal> {
    const [user] = userId ? await this.accounts.usersByIds([userId]) : [];
    if (!user) throw new AppError('NOT_FOUND', 'the user who made the challenger no longer exists: nobody to compare it for');
    return { user, via: 'session', credentialId: 'promotion', scopes: 'all' };
  }
}

function ruleType(rule: { metric: string; minImprovement: number; tolerance: number }, custom: boolean): PromotionRuleType {
  return { ...rule, lowerIsBetter: lowerIsBetter(rule.metric), custom };
}

/** The task's metrics side by side, the deciding one first. */
function sideBySide(task: Task, metric: string, scores: Scores): MetricComparison[] {
  const names = [metric, ...metricsOf(task).filter((m) => m !== metric)];
  return names.map((m) => ({ metric: m, words: metricWords(m), champion: scores[m]?.champion ?? null, challenger: scores[m]?.challenger ?? null, lowerIsBetter: lowerIsBetter(m) }));
}
