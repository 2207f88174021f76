/**
 * Sends webhook deliveries from the durable queue (webhook-queue.ts). One worker runs in every
 * hub; SKIP LOCKED keeps them from sending one row twice at once.
 *
 * The loop: claim a batch of due rows, send them concurrently, record each outcome; then sleep
 * until the next row comes due (at most {@link POLL_CEILING_MS}), or until woken by a
 * `notificationsAdded` signal (new deliveries, from this hub or another). Retries back off
 * exponentially: retryBaseMs · 2^(attempt−1), at most retryMaxMs, plus up to 10% jitter so a
 * receiver coming back is not hit by every retry at once. After maxAttempts the row fails.
 *
 * Nothing here may take the hub down: every pass catches and logs, and the loop goes on. close()
 * stops claiming, aborts requests in flight and gives their rows back untried, then returns.
 */
import type { DataSource } from 'typeorm';
import type { Config } from '../config.js';
import type { Signals } from '../db/signals.js';
import type { Logger } from '../logger.js';
import { canReadSubjectSql, type SubjectRules } from './subject-access.js';
import { loadSubjects } from './subject-names.js';
import { subjectOf, type NotificationSubject } from './subject.js';
import type { StoredAttempt } from './webhook-delivery.entity.js';
import { claimDeliveries, dropDelivery, finishDelivery, nextDueInMs, releaseDelivery, type ClaimedDelivery, type Outcome } from './webhook-queue.js';
import { postWebhook } from './webhook-sender.js';
import { DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER, signBody, TIMESTAMP_HEADER } from './webhook-signature.js';

/** Longest sleep between passes: rows held by a hub that died come due without a signal. */
export const POLL_CEILING_MS = 5000;
const BATCH = 10;
const MIN_SLEEP_MS = 50;
/** How long past the request timeout a claimed row stays held before another hub may take it. */
const HOLD_SLACK_MS = 30_000;

export function backoffMs(attempt: number, baseMs: number, maxMs: number, random = Math.random): number {
  const delay = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(delay * (1 + 0.1 * random()));
}

interface DeliveryRow {
  id: string;
  kind: string;
  subscription_id: string;
  webhook_url: string | null;
  webhook_secret: string | null;
  notification_id: string;
  model_id: string | null;
  dataset_id: string | null;
  deployment_id: string | null;
  /** A deployment event's kind and facts (deployment subjects only). */
  event_kind: string | null;
  event_detail: Record<string, unknown> | null;
  /** A model timeline event's kind and facts (MODEL_TIMELINE_EVENT notifications only). */
  model_event_kind: string | null;
  model_event_detail: Record<string, unknown> | null;
  version: number | null;
  message: string;
  created_at: Date;
  readable: boolean;
}

export class WebhookWorker {
  private running: Promise<void> | undefined;
  private closed = false;
  private wakeUp: (() => void) | undefined;
  private woken = false;
  private readonly abort = new AbortController();
  private readonly stop: () => void;

  constructor(
    private readonly db: DataSource,
    private readonly config: Config,
    private readonly rules: SubjectRules,
    signals: Signals,
    private readonly log: Logger,
  ) {
    this.stop = signals.on('notificationsAdded', () => this.wake());
  }

  start(): void {
    this.running ??= this.loop();
  }

  /** Run a pass now rather than at the next due time. */
  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.stop();
    this.abort.abort();
    this.wake();
    await this.running;
  }

  private async loop(): Promise<void> {
    while (!this.closed) {
      let sleepMs = POLL_CEILING_MS;
      try {
        this.woken = false;
        const claimed = await this.pass();
        if (claimed === BATCH) continue;
        const due = await nextDueInMs(this.db);
        // Due now yet nothing claimed: another hub holds those rows for a moment; don't spin.
        if (due !== null) sleepMs = Math.min(sleepMs, claimed === 0 ? Math.max(due, MIN_SLEEP_MS) : due);
      } catch (error) {
        if (this.closed) break;
        this.log.error({ err: error }, 'webhook pass failed');
      }
      await this.sleep(sleepMs);
    }
  }

  private sleep(ms: number): Promise<void> {
    if (this.closed || this.woken || ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakeUp = () => {
        this.wakeUp = undefined;
        done();
      };
    });
  }

  /** One batch: claim, send, record. Answers how many rows it claimed. */
  private async pass(): Promise<number> {
    const { maxAttempts, timeoutMs } = this.config.webhooks;
    const claimed = await claimDeliveries(this.db, BATCH, maxAttempts, timeoutMs + HOLD_SLACK_MS);
    if (claimed.length === 0) return 0;
    const rows = await this.details(claimed.map((c) => c.id));
    const subjects = await loadSubjects(this.db, [...rows.values()].map((r) => subjectOf({ modelId: r.model_id, datasetId: r.dataset_id, deploymentId: r.deployment_id })));
    await Promise.all(
      claimed.map((delivery) =>
        this.deliver(delivery, rows.get(delivery.id), subjects).catch((error) => this.log.error({ err: error, delivery: delivery.id }, 'webhook delivery failed unexpectedly')),
      ),
    );
    return claimed.length;
  }

  private async deliver(delivery: ClaimedDelivery, row: DeliveryRow | undefined, subjects: Map<string, NotificationSubject>): Promise<void> {
    if (!row) return; // unsubscribed meanwhile: the row went with the subscription
    if (!row.readable || !row.webhook_url || !row.webhook_secret) {
      // The subscriber may no longer read the subject, or removed the webhook: they get nothing.
      await dropDelivery(this.db, delivery);
      return;
    }
    const subject = subjects.get(row.model_id ?? row.dataset_id ?? row.deployment_id!);
    if (!subject) {
      await dropDelivery(this.db, delivery);
      return;
    }
    const timestamp = Math.floor(Date.now() / 1000);
    const body = JSON.stringify({
      id: row.id,
      type: row.kind,
      timestamp,
      attempt: delivery.attempt,
      subscriptionId: row.subscription_id,
      notification: {
        id: row.notification_id,
        kind: row.kind,
        message: row.message,
        version: row.version,
        createdAt: new Date(row.created_at).toISOString(),
        subject: { kind: subject.kind, owner: subject.owner, name: subject.name },
      },
      ...(row.event_kind ? { deploymentEvent: { kind: row.event_kind, detail: row.event_detail ?? {} } } : {}),
      ...(row.model_event_kind ? { modelEvent: { kind: row.model_event_kind, detail: row.model_event_detail ?? {} } } : {}),
    });
    const at = new Date();
    const { timeoutMs, allowPrivate, maxAttempts, retryBaseMs, retryMaxMs } = this.config.webhooks;
    const result = await postWebhook(
      row.webhook_url,
      body,
      {
        [SIGNATURE_HEADER]: signBody(row.webhook_secret, body),
        [TIMESTAMP_HEADER]: String(timestamp),
        [DELIVERY_HEADER]: row.id,
        [EVENT_HEADER]: row.kind,
      },
      { timeoutMs, allowPrivate, signal: this.abort.signal },
    );
    if (this.abort.signal.aborted && !result.ok) {
      await releaseDelivery(this.db, delivery);
      return;
    }
    const log: StoredAttempt = { attempt: delivery.attempt, at: at.toISOString(), durationMs: result.durationMs, statusCode: result.statusCode, error: result.error };
    let outcome: Outcome;
    if (result.ok) outcome = { status: 'succeeded', log };
    else if (result.retryable && delivery.attempt < maxAttempts) outcome = { status: 'pending', retryInMs: backoffMs(delivery.attempt, retryBaseMs, retryMaxMs), log };
    else outcome = { status: 'failed', log };
    await finishDelivery(this.db, delivery, outcome);
    if (outcome.status !== 'succeeded') this.log.info({ delivery: row.id, attempt: delivery.attempt, status: outcome.status, error: result.error }, 'webhook attempt failed');
  }

  private async details(ids: string[]): Promise<Map<string, DeliveryRow>> {
    const rows: DeliveryRow[] = await this.db.query(
      `SELECT w.id, w.kind, s.id AS subscription_id, s.webhook_url, s.webhook_secret,
              n.id AS notification_id, n.model_id, n.dataset_id, n.deployment_id, n.version, n.message, n.created_at,
              e.kind AS event_kind, e.detail AS event_detail, me.kind AS model_event_kind, me.detail AS model_event_detail,
              ${canReadSubjectSql(this.rules, 'n', 's.user_id', 'u.is_admin')} AS readable
       FROM webhook_deliveries w
         JOIN notification_subscriptions s ON s.id = w.subscription_id
         JOIN notifications n ON n.id = w.notification_id
         JOIN users u ON u.id = s.user_id
         -- A deployment event's notification carries the timeline row's id as its event id.
         LEFT JOIN deployment_events e ON n.deployment_id IS NOT NULL AND e.id = n.event_id
         -- So does a model timeline event's (promotion/).
         LEFT JOIN model_timeline_events me ON n.kind = 'MODEL_TIMELINE_EVENT' AND me.id = n.event_id
       WHERE w.id = ANY($1::uuid[])`,
      [ids],
    );
    return new Map(rows.map((r) => [r.id, r]));
  }
}
