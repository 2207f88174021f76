/**
 * A model's timeline: each event is a row here and, through the notifications fan-out in the
 * same transaction, an inbox notification (kind MODEL_TIMELINE_EVENT) and a webhook delivery for
 * everyone following the model who may read it. The notification's event id is the row's id, so
 * a webhook carries the event's kind and facts (notifications/webhook-worker.ts).
 */
import type { DataSource } from 'typeorm';
import { paginate, type Page, type PageArgs } from '../db/paging.js';
import { rows, type Queryable } from '../db/rows.js';
import { badInput } from '../errors.js';
import { NotificationKind, SubjectKind, type NotificationFanOut } from '../notifications/index.js';
import { ModelTimelineEvent } from './model-timeline-event.entity.js';

export interface ModelEventInput {
  /** One upper-case word: RETRAINING_STARTED, COMPARED, PROMOTED, KEPT, ROLLED_BACK… */
  kind: string;
  /** One sentence for people: the timeline, the inbox and the webhook payload show it. */
  message: string;
  /** The model version it is about. */
  version?: number | null;
  /** Machine-readable facts; JSON. */
  detail?: Record<string, unknown>;
}

const KIND = /^[A-Z][A-Z0-9_]{0,63}$/;
const MAX_MESSAGE = 900;

export class ModelTimeline {
  constructor(
    private readonly db: DataSource,
    private readonly fanOut: NotificationFanOut,
  ) {}

  /** Inside the caller's transaction; run the answer after the commit (it wakes inboxes and webhooks). */
  async record(tx: Queryable, modelId: string, event: ModelEventInput): Promise<() => void> {
    if (!KIND.test(event.kind)) throw badInput('kind', `a model event's kind is one upper-case word, not ${JSON.stringify(event.kind)}`);
    const message = event.message.trim().slice(0, MAX_MESSAGE);
    const [row] = rows<{ id: string }>(
      await tx.query(`INSERT INTO model_timeline_events (model_id, kind, version, message, detail) VALUES ($1, $2, $3, $4, $5) RETURNING id`, [
        modelId,
        event.kind,
        event.version ?? null,
        message,
        JSON.stringify(event.detail ?? {}),
      ]),
    );
    return this.fanOut.record(tx, {
      kind: NotificationKind.MODEL_TIMELINE_EVENT,
      subject: { kind: SubjectKind.MODEL, id: modelId },
      version: event.version ?? null,
      detail: message,
      eventId: row!.id,
    });
  }

  /** `record` in a transaction of its own, announced once it commits. */
  async publish(modelId: string, event: ModelEventInput): Promise<void> {
    const announce = await this.db.transaction((tx) => this.record(tx, modelId, event));
    announce();
  }

  /** The timeline, newest first, optionally of some kinds only. */
  timeline(modelId: string, args: PageArgs, kinds: readonly string[] | null): Promise<Page<ModelTimelineEvent>> {
    const qb = this.db.getRepository(ModelTimelineEvent).createQueryBuilder('e').where('e.modelId = :id', { id: modelId });
    if (kinds?.length) qb.andWhere('e.kind = ANY(:kinds)', { kinds: [...kinds] });
    return paginate(qb, args);
  }
}
