/**
 * A deployment's alert rules and incidents, for those with write access to it (docs/alerts.md):
 * creating, changing and deleting a rule needs write access (FORBIDDEN to those who only see the
 * deployment, NOT_FOUND to those who do not); reading them answers null to those without it.
 */
import type { DataSource } from 'typeorm';
import type { Principal } from '../../accounts/index.js';
import { asUuid } from '../../db/ids.js';
import { rows } from '../../db/rows.js';
import { isUniqueViolation } from '../../db/unique-violation.js';
import { AppError, conflict, notFound } from '../../errors.js';
import { checks, type Checks } from '../../validation/checks.js';
import type { Deployment } from '../deployment.entity.js';
import type { DeploymentsService } from '../deployments.service.js';
import { AlertAction, AlertCondition, AlertMetric } from './alert-words.js';
import type { CreateAlertRuleInput, DeploymentAlertRule, DeploymentIncident, UpdateAlertRuleInput } from './alert.types.js';
import { MIN_BASELINE_SAMPLES } from './robust-band.js';
import { incidentType, ruleOf, ruleType, type IncidentRow, type RuleRow, type StoredRule } from './rule-rows.js';

/** Rules one deployment may have. */
export const MAX_RULES = 20;
/** Incidents one page lists at most. */
export const MAX_INCIDENTS = 100;
const MAX_WINDOW_SECONDS = 3600;

export interface AlertLimits {
  /** The finest metrics tier: windows are multiples of its resolution, baselines within its retention. */
  resolutionSeconds: number;
  keepSeconds: number;
}

/** A rule's settings as checked. */
type RuleDraft = Omit<StoredRule, 'id' | 'deploymentId' | 'createdAt' | 'updatedAt'>;

export class AlertRulesService {
  constructor(
    private readonly db: DataSource,
    private readonly deployments: Pick<DeploymentsService, 'get' | 'fullNames'>,
    private readonly limits: AlertLimits,
  ) {}

  async create(principal: Principal, input: CreateAlertRuleInput): Promise<DeploymentAlertRule> {
    const d = await this.deployments.get(principal, input.owner, input.deployment, 'write');
    const c = checks();
    const rule = this.check(c, {
      name: input.name,
      metric: input.metric,
      condition: input.condition,
      threshold: input.threshold ?? null,
      sensitivity: input.sensitivity ?? 4,
      windowSeconds: input.windowSeconds,
      baselineMinutes: input.baselineMinutes ?? 60,
      minRequests: input.minRequests ?? 10,
      action: input.action ?? AlertAction.NONE,
      enabled: input.enabled ?? true,
    });
    c.throwIfAny();
    const [{ count }] = rows<{ count: string }>(await this.db.query(`SELECT count(*) AS count FROM deployment_alert_rules WHERE deployment_id = $1`, [d.id]));
    if (Number(count) >= MAX_RULES) throw new AppError('BAD_USER_INPUT', `A deployment has at most ${MAX_RULES} alert rules`, [{ field: 'name', message: `at most ${MAX_RULES} rules` }]);
    try {
      const [row] = rows<RuleRow>(
        await this.db.query(
          `INSERT INTO deployment_alert_rules (deployment_id, name, metric, condition, threshold, sensitivity, window_seconds, baseline_minutes, min_requests, action, enabled, created_by)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING *`,
          [d.id, rule.name, rule.metric, rule.condition, rule.threshold, rule.sensitivity, rule.windowSeconds, rule.baselineMinutes, rule.minRequests, rule.action, rule.enabled, principal.user.id],
        ),
      );
      return ruleType(ruleOf(row));
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict(`The deployment already has an alert rule named ${rule.name}`, 'name');
      throw error;
    }
  }

  async update(principal: Principal, id: string, input: UpdateAlertRuleInput): Promise<DeploymentAlertRule> {
    const current = ruleOf(await this.writable(principal, id));
    const c = checks();
    const rule = this.check(c, {
      name: input.name ?? current.name,
      metric: current.metric,
      condition: current.condition,
      threshold: input.threshold ?? current.threshold,
      sensitivity: input.sensitivity ?? current.sensitivity,
      windowSeconds: input.windowSeconds ?? current.windowSeconds,
      baselineMinutes: input.baselineMinutes ?? current.baselineMinutes,
      minRequests: input.minRequests ?? current.minRequests,
      action: input.action ?? current.action,
      enabled: input.enabled ?? current.enabled,
    });
    c.throwIfAny();
    try {
      const [row] = rows<RuleRow>(
        await this.db.query(
          `UPDATE deployment_alert_rules SET name = $2, threshold = $3, sensitivity = $4, window_seconds = $5, baseline_minutes = $6, min_requests = $7, action = $8, enabled = $9, updated_at = now()
           WHERE id = $1 RETURNING *`,
          [id, rule.name, rule.threshold, rule.sensitivity, rule.windowSeconds, rule.baselineMinutes, rule.minRequests, rule.action, rule.enabled],
        ),
      );
      if (!row) throw notFound('Alert rule');
      return ruleType(ruleOf(row));
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict(`The deployment already has an alert rule named ${rule.name}`, 'name');
      throw error;
    }
  }

  /** Deletes the rule; its open incident resolves at the evaluator's next run, its past incidents stay. */
  async delete(principal: Principal, id: string): Promise<boolean> {
    await this.writable(principal, id);
    await this.db.query(`DELETE FROM deployment_alert_rules WHERE id = $1`, [id]);
    return true;
  }

  /** The deployment's rules, oldest first; null to those without write access. */
  async rules(viewer: Principal | null, d: Deployment): Promise<DeploymentAlertRule[] | null> {
    if (!(await this.mayWrite(viewer, d.id))) return null;
    const found = rows<RuleRow>(await this.db.query(`SELECT * FROM deployment_alert_rules WHERE deployment_id = $1 ORDER BY created_at, id`, [d.id]));
    return found.map((r) => ruleType(ruleOf(r)));
  }

  /** The deployment's incidents, newest first (`open`: only those still open), opened before `before`; null to those without write access. */
  async incidents(viewer: Principal | null, d: Deployment, args: { first: number; before?: Date | null; open?: boolean | null }): Promise<DeploymentIncident[] | null> {
    if (!(await this.mayWrite(viewer, d.id))) return null;
    const first = Math.max(1, Math.min(MAX_INCIDENTS, Math.floor(args.first)));
    const found = rows<IncidentRow>(
      await this.db.query(
        `SELECT * FROM deployment_incidents WHERE deployment_id = $1 AND ($2::timestamptz IS NULL OR opened_at < $2)
           AND ($3::boolean IS NULL OR (resolved_at IS NULL) = $3) ORDER BY opened_at DESC, id LIMIT ${first}`,
        [d.id, args.before ?? null, args.open ?? null],
      ),
    );
    return found.map(incidentType);
  }

  /** The rule `id` if the principal may change it: NOT_FOUND when they may not see its deployment, FORBIDDEN when they only see it. */
  private async writable(principal: Principal, id: string): Promise<RuleRow> {
    const [row] = rows<RuleRow>(await this.db.query(`SELECT * FROM deployment_alert_rules WHERE id = $1`, [asUuid(id, 'Alert rule')]));
    if (!row) throw notFound('Alert rule');
    const [owner, name] = ((await this.deployments.fullNames([row.deployment_id])).get(row.deployment_id) ?? '/').split('/');
    try {
      await this.deployments.get(principal, owner, name, 'write');
    } catch (error) {
      if (error instanceof AppError && error.code === 'NOT_FOUND') throw notFound('Alert rule');
      throw error;
    }
    return row;
  }

  private async mayWrite(viewer: Principal | null, deploymentId: string): Promise<boolean> {
    if (!viewer) return false;
    const [owner, name] = ((await this.deployments.fullNames([deploymentId])).get(deploymentId) ?? '/').split('/');
    try {
      await this.deployments.get(viewer, owner, name, 'write');
      return true;
    } catch (error) {
      if (error instanceof AppError && (error.code === 'NOT_FOUND' || error.code === 'FORBIDDEN')) return false;
      throw error;
    }
  }

  private check(c: Checks, r: RuleDraft): RuleDraft {
    const { resolutionSeconds, keepSeconds } = this.limits;
    c.text('name', r.name, { max: 100 });
    if (!Object.values(AlertMetric).includes(r.metric)) c.add('metric', 'is not a metric');
    if (!Object.values(AlertCondition).includes(r.condition)) c.add('condition', 'is not a condition');
    if (!Number.isInteger(r.windowSeconds) || r.windowSeconds < resolutionSeconds || r.windowSeconds > MAX_WINDOW_SECONDS || r.windowSeconds % resolutionSeconds !== 0) {
      c.add('windowSeconds', `must be a multiple of ${resolutionSeconds} s (the finest metrics resolution), at most ${MAX_WINDOW_SECONDS}`);
    }
    if (r.condition === AlertCondition.ANOMALY) {
      const maxMinutes = Math.floor(keepSeconds / 60) - Math.ceil(r.windowSeconds / 60);
      if (!Number.isInteger(r.baselineMinutes) || r.baselineMinutes < 1 || r.baselineMinutes > maxMinutes) {
        c.add('baselineMinutes', `must be 1–${maxMinutes} minutes (the finest metrics tier keeps ${Math.floor(keepSeconds / 60)})`);
      } else if (r.baselineMinutes * 60 < MIN_BASELINE_SAMPLES * r.windowSeconds) {
        c.add('baselineMinutes', `must hold at least ${MIN_BASELINE_SAMPLES} windows (${Math.ceil((MIN_BASELINE_SAMPLES * r.windowSeconds) / 60)} minutes for a ${r.windowSeconds} s window)`);
      }
      if (!(r.sensitivity >= 1 && r.sensitivity <= 20)) c.add('sensitivity', 'must be 1–20');
    } else if (r.threshold === null || !Number.isFinite(r.threshold) || r.threshold < 0) {
      c.add('threshold', 'is needed by ABOVE and BELOW, and is at least 0');
    } else if (r.metric === AlertMetric.ERROR_RATE && r.threshold > 1) {
      c.add('threshold', 'an error rate is a fraction: 0–1 (0.05 for 5 %)');
    }
    if (!Number.isInteger(r.minRequests) || r.minRequests < 1 || r.minRequests > 100_000) c.add('minRequests', 'must be 1–100000');
    if (!Object.values(AlertAction).includes(r.action)) c.add('action', 'is not an action');
    return r;
  }
}
