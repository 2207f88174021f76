/** Rows of `deployment_alert_rules` and `deployment_incidents` into what the evaluator and GraphQL use. */
import { AlertAction, AlertCondition, AlertMetric } from './alert-words.js';
import type { DeploymentAlertRule, DeploymentIncident, AlertMeasurement } from './alert.types.js';
import type { Measurement } from './judge-window.js';

export interface RuleRow {
  id: string;
  deployment_id: string;
  name: string;
  metric: string;
  condition: string;
  threshold: number | null;
  sensitivity: number;
  window_seconds: number;
  baseline_minutes: number;
  min_requests: number;
  action: string;
  enabled: boolean;
  created_at: Date;
  updated_at: Date;
}

/** A rule as the evaluator judges it, and as an incident keeps it (`deployment_incidents.rule`). */
export interface StoredRule {
  id: string;
  deploymentId: string;
  name: string;
  metric: AlertMetric;
  condition: AlertCondition;
  threshold: number | null;
  sensitivity: number;
  windowSeconds: number;
  baselineMinutes: number;
  minRequests: number;
  action: AlertAction;
  enabled: boolean;
  createdAt: string;
  updatedAt: string;
}

export function ruleOf(r: RuleRow): StoredRule {
  return {
    id: r.id,
    deploymentId: r.deployment_id,
    name: r.name,
    metric: r.metric as AlertMetric,
    condition: r.condition as AlertCondition,
    threshold: r.threshold === null ? null : Number(r.threshold),
    sensitivity: Number(r.sensitivity),
    windowSeconds: Number(r.window_seconds),
    baselineMinutes: Number(r.baseline_minutes),
    minRequests: Number(r.min_requests),
    action: r.action as AlertAction,
    enabled: r.enabled,
    createdAt: new Date(r.created_at).toISOString(),
    updatedAt: new Date(r.updated_at).toISOString(),
  };
}

export function ruleType(r: StoredRule): DeploymentAlertRule {
  return { ...r, createdAt: new Date(r.createdAt), updatedAt: new Date(r.updatedAt) };
}

export interface IncidentRow {
  id: string;
  rule_id: string | null;
  rule: StoredRule;
  opened_at: Date;
  resolved_at: Date | null;
  opened_values: Measurement;
  resolved_values: Measurement | null;
  action: Record<string, unknown> | null;
}

function measurement(m: Measurement): AlertMeasurement {
  return { windowStart: new Date(m.windowStart), windowEnd: new Date(m.windowEnd), value: m.value, requests: m.requests, threshold: m.threshold, band: m.band };
}

export function incidentType(r: IncidentRow): DeploymentIncident {
  return {
    id: r.id,
    ruleId: r.rule_id,
    rule: ruleType(r.rule),
    openedAt: new Date(r.opened_at),
    resolvedAt: r.resolved_at ? new Date(r.resolved_at) : null,
    opened: measurement(r.opened_values),
    resolved: r.resolved_values ? measurement(r.resolved_values) : null,
    action: r.action,
  };
}
