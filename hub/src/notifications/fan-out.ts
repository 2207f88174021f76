/**
 * Turning a change (a model version published or deprecated, a dataset version loaded) into inbox
 * rows and webhook deliveries for everyone subscribed who may read the subject.
 *
 * Why inside the caller's transaction, and not from an EventBus listener: the EventBus is in
 * memory and fire-and-forget. A listener would write the rows after the change committed, so a
 * crash, a restart or a failed insert in between would lose the notification for good, and with
 * several hubs on a shared bus every hub's listener would write it again. Written in the same
 * transaction as the change, the notification exists exactly when the change does: both commit
 * or neither. The webhook deliveries are queue rows written in that transaction too, so the
 * worker (webhook-worker.ts) on any hub picks them up, even after a restart.
 *
 * The fan-out is two set-based statements whatever the number of subscribers, and runs on the
 * caller's connection only (PGlite has one: nothing here may wait on another connection).
 * After the commit, the caller runs the function `record` answers; it signals every hub (this
 * one at once) to push the new rows to live `notificationAdded` subscribers and to wake the
 * webhook worker. If that signal is lost, the inbox is still right and the worker still finds
 * the deliveries on its next poll.
 */
import { randomUUID } from 'node:crypto';
import type { Signals } from '../db/signals.js';
import { assertUnreachable } from '../errors.js';
import { NotificationKind } from './notification-kind.js';
import { rows, type Queryable } from '../db/rows.js';
import { canReadSubjectSql, SUBJECT_TABLE, type SubjectRules } from './subject-access.js';
import { loadSubjects } from './subject-names.js';
import type { NotificationSubject, SubjectRef } from './subject.js';

export interface SubjectEvent {
  kind: NotificationKind;
  subject: SubjectRef;
  /** The model or dataset version it is about. */
  version: number | null;
  /** Words the message adds: a deprecation's reason, a dataset version's size, a standing's benchmark and rank, what happened to a deployment. */
  detail?: string;
  /** The notifications' event id (default: a new one); a deployment event passes its timeline row's id, which webhooks look up. */
  eventId?: string;
}

/** Runs after the commit; does nothing when no one was told. */
export type Announce = () => void;

const MAX_DETAIL = 1000;

export function notificationMessage(event: SubjectEvent, subject: NotificationSubject): string {
  const slug = `${subject.owner}/${subject.name}`;
  const detail = event.detail?.trim().slice(0, MAX_DETAIL);
  switch (event.kind) {
    case NotificationKind.MODEL_VERSION_PUBLISHED:
      return `Version ${event.version} of ${slug} was published`;
    case NotificationKind.MODEL_VERSION_DEPRECATED:
      return `Version ${event.version} of ${slug} was deprecated${detail ? `: ${detail}` : ''}`;
    case NotificationKind.DATASET_VERSION_CREATED:
      return `Version ${event.version} of ${slug} is ready${detail ? ` (${detail})` : ''}`;
    case NotificationKind.DEPLOYMENT_EVENT:
      return `Deployment ${slug}: ${detail ?? 'changed'}`;
    case NotificationKind.MODEL_TIMELINE_EVENT:
      return `${slug}: ${detail ?? 'changed'}`;
    case NotificationKind.MODEL_ENTERED_TOP_TEN:
      return `${slug}@${event.version} entered the top 10${detail ? ` ${detail}` : ''}`;
    case NotificationKind.MODEL_TOOK_FIRST_PLACE:
      return `${slug}@${event.version} took first place${detail ? ` ${detail}` : ''}`;
    case NotificationKind.NODE_QUARANTINED:
      return `${detail ?? 'A node was quarantined'} (evaluating ${slug}@${event.version})`;
    case NotificationKind.BENCHMARK_FINAL_RANKING:
      return `${slug}@${event.version}: final ranking${detail ? ` ${detail}` : ''}`;
    default:
      return assertUnreachable(event.kind);
  }
}

/** A notification told to named users, not to subscribers (`subscription_id` NULL): no webhook. */
export interface DirectEvent extends SubjectEvent {
  userIds: readonly string[];
}

export class NotificationFanOut {
  constructor(
    private readonly rules: SubjectRules,
    private readonly signals: Signals,
  ) {}

  /** Writes the notifications and deliveries of `event` with `tx` (the caller's transaction). */
  async record(tx: Queryable, event: SubjectEvent): Promise<Announce> {
    const subject = (await loadSubjects(tx, [event.subject])).get(event.subject.id);
    if (!subject) return () => undefined;
    const eventId = event.eventId ?? randomUUID();
    const { column } = SUBJECT_TABLE[event.subject.kind];
    const inserted = rows<{ id: string }>(
      await tx.query(
        `INSERT INTO notifications (user_id, subscription_id, event_id, kind, model_id, dataset_id, deployment_id, version, message)
         SELECT s.user_id, s.id, $1, $2, s.model_id, s.dataset_id, s.deployment_id, $4, $5
         FROM notification_subscriptions s JOIN users u ON u.id = s.user_id
         WHERE s.${column} = $3 AND ${canReadSubjectSql(this.rules, 's', 's.user_id', 'u.is_admin')}
         RETURNING id`,
        [eventId, event.kind, event.subject.id, event.version, notificationMessage(event, subject)],
      ),
    );
    if (inserted.length === 0) return () => undefined;
    await tx.query(
      `INSERT INTO webhook_deliveries (subscription_id, notification_id, kind)
       SELECT s.id, n.id, n.kind FROM notifications n JOIN notification_subscriptions s ON s.id = n.subscription_id
       WHERE n.event_id = $1 AND s.webhook_url IS NOT NULL`,
      [eventId],
    );
    return () => this.signals.emit('notificationsAdded', { eventId });
  }

  /**
   * Writes one notification to each of `userIds` and signals it at once (the caller has no
   * transaction to join: a quarantine is already saved). Each user still sees it only while they
   * may read its subject.
   */
  async direct(tx: Queryable, event: DirectEvent): Promise<void> {
    (await this.recordDirect(tx, event))();
  }

  /**
   * Writes one notification to each of `userIds` with `tx` (the caller's transaction) and answers
   * the signal to run after the commit. With `event.eventId` shared with a `record` of the same
   * change, a user who already got it through a subscription (with its webhook) is not told twice.
   */
  async recordDirect(tx: Queryable, event: DirectEvent): Promise<Announce> {
    const subject = (await loadSubjects(tx, [event.subject])).get(event.subject.id);
    if (!subject || event.userIds.length === 0) return () => undefined;
    const eventId = event.eventId ?? randomUUID();
    const { column } = SUBJECT_TABLE[event.subject.kind];
    const inserted = rows<{ id: string }>(
      await tx.query(
        `INSERT INTO notifications (user_id, subscription_id, event_id, kind, ${column}, version, message)
         SELECT DISTINCT u, NULL::uuid, $1::uuid, $2, $3::uuid, $4::int, $5 FROM unnest($6::uuid[]) AS u
          WHERE NOT EXISTS (SELECT 1 FROM notifications n WHERE n.event_id = $1::uuid AND n.user_id = u)
         RETURNING id`,
        [eventId, event.kind, event.subject.id, event.version, notificationMessage(event, subject), [...event.userIds]],
      ),
    );
    if (inserted.length === 0) return () => undefined;
    return () => this.signals.emit('notificationsAdded', { eventId });
  }
}
