/**
 * The evaluator: on each run (a timer, AIMASS_ALERTS_EVALUATE_SECONDS) it judges every enabled
 * rule over its latest complete window and opens or resolves incidents (docs/alerts.md):
 *
 * - the condition holds and the rule has no open incident: one is opened (the values measured),
 *   an INCIDENT_OPENED event is recorded in the same transaction, and once it committed the rule's
 *   action runs and an ALERT_ACTION event says what it did;
 * - the condition no longer holds (or the rule was disabled or deleted) and an incident is open:
 *   it is resolved (the values measured), with an INCIDENT_RESOLVED event;
 * - undecided (an anomaly rule without enough history for a band): nothing changes.
 *
 * One hub runs it at a time (the `alerts` claim of monitoring/task-claim.ts), so an incident is
 * opened once whatever the number of hubs. It reads the time from an injectable clock: a window
 * ends on the finest tier's grid at least {@link SETTLE_MS} before now, so every hub has written
 * its tallies of it.
 */
import type { DataSource } from 'typeorm';
import { rows, type Queryable } from '../../db/rows.js';
import type { Logger } from '../../logger.js';
import type { DeploymentEvents } from '../events/deployment-events.js';
import type { Clock } from '../quotas/clock.js';
import { withTaskClaim } from '../monitoring/task-claim.js';
import type { ActionOutcome, AlertActions } from './alert-actions.js';
import { AlertAction, AlertCondition, AlertMetric } from './alert-words.js';
import { judgeWindow, type Measurement } from './judge-window.js';
import { median } from './robust-band.js';
import { ruleOf, type RuleRow, type StoredRule } from './rule-rows.js';
import { readWindows } from './window-figures.js';

/** A window is judged once every hub's tallies of it are written (they write every second). */
export const SETTLE_MS = 2000;

/** Where incidents are told: the deployment's timeline, its followers' inbox and webhooks (events/deployment-events.ts). */
export type DeploymentEventSink = Pick<DeploymentEvents, 'record' | 'publish'>;

export interface EvaluationResult {
  opened: string[];
  resolved: string[];
}

interface Opened {
  incidentId: string;
  rule: StoredRule;
  measured: Measurement;
  baselineRequestsPerSecond: number | null;
}

export class AlertEvaluator {
  constructor(
    private readonly db: DataSource,
    private readonly resolutionSeconds: number,
    private readonly events: DeploymentEventSink,
    private readonly actions: AlertActions,
    private readonly log: Logger,
    private readonly clock: Clock,
  ) {}

  /** One run: judges every rule, then runs the opened incidents' actions. Undefined when another hub holds the claim. */
  async evaluate(): Promise<EvaluationResult | undefined> {
    const now = this.clock.now();
    const resMs = this.resolutionSeconds * 1000;
    const end = Math.floor((now - SETTLE_MS) / resMs) * resMs;
    const announce: (() => void)[] = [];
    const opened: Opened[] = [];
    const result = await withTaskClaim(this.db, 'alerts', async (tx) => {
      const done: EvaluationResult = { opened: [], resolved: [] };
      const rules = rows<RuleRow & { deployment_created_at: Date; open_incident: string | null }>(
        await tx.query(
          `SELECT r.*, d.created_at AS deployment_created_at,
                  (SELECT i.id FROM deployment_incidents i WHERE i.rule_id = r.id AND i.resolved_at IS NULL) AS open_incident
           FROM deployment_alert_rules r JOIN deployments d ON d.id = r.deployment_id WHERE r.enabled ORDER BY r.created_at, r.id`,
        ),
      );
      for (const row of rules) {
        const rule = ruleOf(row);
        const windows = await readWindows(tx, {
          deploymentId: row.deployment_id,
          resolutionSeconds: this.resolutionSeconds,
          windowSeconds: rule.windowSeconds,
          baselineMinutes: rule.baselineMinutes,
          end,
          notBefore: new Date(row.deployment_created_at).getTime(),
        });
        const { holds, measured } = judgeWindow(rule, windows);
        if (holds === true && !row.open_incident) {
          const baselineRates = windows.baseline.map((w) => w.requestsPerSecond);
          const [incident] = rows<{ id: string }>(
            await tx.query(
              `INSERT INTO deployment_incidents (rule_id, deployment_id, rule, opened_at, opened_values) VALUES ($1, $2, $3::jsonb, $4, $5::jsonb)
               ON CONFLICT (rule_id) WHERE resolved_at IS NULL DO NOTHING RETURNING id`,
              [rule.id, row.deployment_id, JSON.stringify(rule), new Date(now), JSON.stringify(measured)],
            ),
          );
          if (!incident) continue;
          done.opened.push(incident.id);
          opened.push({ incidentId: incident.id, rule, measured, baselineRequestsPerSecond: baselineRates.length ? median(baselineRates) : null });
          announce.push(
            await this.events.record(tx, row.deployment_id, {
              kind: 'INCIDENT_OPENED',
              message: `Alert ${rule.name}: ${describe(rule, measured)}`,
              detail: { incidentId: incident.id, ruleId: rule.id, rule: rule.name, metric: rule.metric, condition: rule.condition, measured, action: rule.action },
            }),
          );
        } else if (holds === false && row.open_incident) {
          if (await this.resolve(tx, row.open_incident, row.deployment_id, rule, measured, now, announce)) done.resolved.push(row.open_incident);
        }
      }
      // Incidents whose rule was disabled or deleted resolve: nothing watches them any more.
      const orphans = rows<{ id: string; deployment_id: string; rule: StoredRule }>(
        await tx.query(
          `SELECT i.id, i.deployment_id, i.rule FROM deployment_incidents i LEFT JOIN deployment_alert_rules r ON r.id = i.rule_id
           WHERE i.resolved_at IS NULL AND (r.id IS NULL OR NOT r.enabled)`,
        ),
      );
      for (const o of orphans) {
        if (await this.resolve(tx, o.id, o.deployment_id, o.rule, null, now, announce)) done.resolved.push(o.id);
      }
      return { doneUntil: new Date(end), value: done };
    });
    for (const a of announce) a();
    for (const o of opened) await this.act(o, end, now);
    try {
      await this.actions.liftExpiredThrottles(now);
    } catch (error) {
      this.log.warn({ err: error }, 'lifting expired key throttles failed; the next run tries again');
    }
    return result;
  }

  private async resolve(tx: Queryable, incidentId: string, deploymentId: string, rule: StoredRule, measured: Measurement | null, now: number, announce: (() => void)[]): Promise<boolean> {
    const done = rows(
      await tx.query(`UPDATE deployment_incidents SET resolved_at = $2, resolved_values = $3::jsonb WHERE id = $1 AND resolved_at IS NULL RETURNING id`, [
        incidentId,
        new Date(now),
        measured ? JSON.stringify(measured) : null,
      ]),
    );
    if (done.length === 0) return false;
    announce.push(
      await this.events.record(tx, deploymentId, {
        kind: 'INCIDENT_RESOLVED',
        message: measured ? `Alert ${rule.name} resolved: ${describe(rule, measured)}` : `Alert ${rule.name} resolved: the rule was disabled or deleted`,
        detail: { incidentId, ruleId: rule.id, rule: rule.name, metric: rule.metric, condition: rule.condition, measured },
      }),
    );
    return true;
  }

  /** Runs an opened incident's action, stores and tells what it did. Never throws. */
  private async act(o: Opened, end: number, now: number): Promise<void> {
    if (o.rule.action === AlertAction.NONE) return;
    let outcome: ActionOutcome;
    try {
      outcome = await this.actions.apply({
        deploymentId: o.rule.deploymentId,
        incidentId: o.incidentId,
        ruleName: o.rule.name,
        action: o.rule.action,
        windowStart: o.measured.windowStart,
        windowEnd: end,
        resolutionSeconds: this.resolutionSeconds,
        baselineRequestsPerSecond: o.baselineRequestsPerSecond,
        now,
      });
    } catch (error) {
      this.log.error({ err: error, incidentId: o.incidentId, action: o.rule.action }, 'an alert action failed');
      outcome = { action: o.rule.action, applied: false, message: 'The action failed; the hub log says why' };
    }
    try {
      await this.db.query(`UPDATE deployment_incidents SET action = $2::jsonb WHERE id = $1`, [o.incidentId, JSON.stringify(outcome)]);
      await this.events.publish(o.rule.deploymentId, {
        kind: 'ALERT_ACTION',
        message: `Alert ${o.rule.name}: ${outcome.message}`,
        detail: { incidentId: o.incidentId, ruleId: o.rule.id, rule: o.rule.name, ...outcome },
      });
    } catch (error) {
      this.log.error({ err: error, incidentId: o.incidentId }, 'recording an alert action failed');
    }
  }
}

const METRIC_WORDS: Record<AlertMetric, [string, (v: number) => string]> = {
  [AlertMetric.REQUESTS_PER_SECOND]: ['requests per second', (v) => v.toFixed(2)],
  [AlertMetric.ERROR_RATE]: ['error rate', (v) => `${(v * 100).toFixed(1)} %`],
  [AlertMetric.P50_LATENCY_MS]: ['p50 latency', (v) => `${Math.round(v)} ms`],
  [AlertMetric.P95_LATENCY_MS]: ['p95 latency', (v) => `${Math.round(v)} ms`],
  [AlertMetric.P99_LATENCY_MS]: ['p99 latency', (v) => `${Math.round(v)} ms`],
};

/** "error rate 12.0 % over 60 s (threshold 5.0 %)", "requests per second 40.00 over 60 s (band 8.00–12.00)". */
export function describe(rule: Pick<StoredRule, 'metric' | 'condition' | 'windowSeconds'>, m: Measurement): string {
  const [name, show] = METRIC_WORDS[rule.metric];
  const value = m.value === null ? `too few requests (${m.requests})` : show(m.value);
  const against =
    rule.condition === AlertCondition.ANOMALY
      ? m.band
        ? ` (baseline band ${show(m.band.low)}–${show(m.band.high)}, median ${show(m.band.median)})`
        : ''
      : m.threshold !== null
        ? ` (${rule.condition === AlertCondition.ABOVE ? 'above' : 'below'} ${show(m.threshold)} alerts)`
        : '';
  return `${name} ${value} over ${rule.windowSeconds} s${against}`;
}
