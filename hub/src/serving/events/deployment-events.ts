/**
 * A deployment's events: each is a row of its timeline and, through the notifications fan-out in
 * the same transaction, an inbox notification (kind DEPLOYMENT_EVENT) and a webhook delivery for
 * everyone following the deployment. Its creator follows it from creation; anyone who may change
 * it can follow it too (`subscribe(input: { kind: DEPLOYMENT, … })`, with a webhook).
 *
 * The notification's event id is the timeline row's id, so a webhook carries the event's kind and
 * facts (notifications/webhook-worker.ts) without a copy of them in every inbox row.
 */
import type { DataSource } from 'typeorm';
import { rows, type Queryable } from '../../db/rows.js';
import { paginate, type Page, type PageArgs } from '../../db/paging.js';
import { NotificationKind, SubjectKind, type NotificationFanOut } from '../../notifications/index.js';
import { DeploymentEvent } from './deployment-event.entity.js';

export interface DeploymentEventInput {
  /** One upper-case word: CREATED, VERSION_CHANGED, ROLLOUT_STEP, INCIDENT_OPENED, BUDGET_WARNING… */
  kind: string;
  /** One sentence for people: the timeline, the inbox and the webhook payload show it. */
  message: string;
  /** Machine-readable facts; JSON. */
  detail?: Record<string, unknown>;
}

const KIND = /^[A-Z][A-Z0-9_]{0,63}$/;
const MAX_MESSAGE = 900;

export class DeploymentEvents {
  constructor(
    private readonly db: DataSource,
    private readonly fanOut: NotificationFanOut,
  ) {}

  /** Inside the caller's transaction; run the answer after the commit (it wakes inboxes and webhooks). */
  async record(tx: Queryable, deploymentId: string, event: DeploymentEventInput): Promise<() => void> {
    if (!KIND.test(event.kind)) throw new Error(`A deployment event's kind is one upper-case word, not ${JSON.stringify(event.kind)}`);
    const message = event.message.trim().slice(0, MAX_MESSAGE);
    const [row] = rows<{ id: string }>(
      await tx.query(`INSERT INTO deployment_events (deployment_id, kind, message, detail) VALUES ($1, $2, $3, $4) RETURNING id`, [
        deploymentId,
        event.kind,
        message,
        JSON.stringify(event.detail ?? {}),
      ]),
    );
    return this.fanOut.record(tx, {
      kind: NotificationKind.DEPLOYMENT_EVENT,
      subject: { kind: SubjectKind.DEPLOYMENT, id: deploymentId },
      version: null,
      detail: message,
      eventId: row!.id,
    });
  }

  /** `record` in a transaction of its own, announced once it commits. */
  async publish(deploymentId: string, event: DeploymentEventInput): Promise<void> {
    const announce = await this.db.transaction((tx) => this.record(tx, deploymentId, event));
    announce();
  }

  /** The timeline, newest first, optionally of some kinds only. */
  timeline(deploymentId: string, args: PageArgs, kinds: readonly string[] | null): Promise<Page<DeploymentEvent>> {
    const qb = this.db.getRepository(DeploymentEvent).createQueryBuilder('e').where('e.deploymentId = :id', { id: deploymentId });
    if (kinds?.length) qb.andWhere('e.kind = ANY(:kinds)', { kinds: [...kinds] });
    return paginate(qb, args);
  }
}
