/**
 * Following models and datasets: subscribe (to something you can read; anything else is
 * NOT_FOUND), change the webhook or plan, unsubscribe, list yours, and read a subscription's
 * webhook delivery log.
 *
 * A subscription to something you can no longer read is dormant: it is left out of your list,
 * NOT_FOUND by id, and tells you nothing (fan-out.ts checks access for every event). It wakes
 * up if your access comes back.
 *
 * The webhook secret is made here and answered once, by the mutation that made it.
 */
import type { DataSource } from 'typeorm';
import { hasScope, type Principal } from '../accounts/index.js';
import { Scope } from '../accounts/index.js';
import { checks, type Checks } from '../validation/checks.js';
import type { Config } from '../config.js';
import { asUuid } from '../db/ids.js';
import { isUniqueViolation } from '../db/unique-violation.js';
import { AppError, conflict, forbidden, notFound } from '../errors.js';
import { paginate, type Page, type PageArgs } from '../db/paging.js';
import { checkPlan, type PlanValue } from './plan.js';
import { canReadSubjectSql, SUBJECT_TABLE, type SubjectRules } from './subject-access.js';
import { loadSubjects } from './subject-names.js';
import { NotificationSubscription } from './subscription.entity.js';
import { SubjectKind, subjectColumns, subjectOf } from './subject.js';
import { WebhookDelivery } from './webhook-delivery.entity.js';
import { newWebhookSecret } from './webhook-signature.js';
import { checkWebhookUrl } from './webhook-url.js';

/** How a kind's owning domain finds `owner/name` for a caller: NOT_FOUND when they may not read it. */
export interface SubjectLookup {
  get(principal: Principal, owner: string, name: string): Promise<{ id: string }>;
}

export interface SubscribeRequest {
  kind: SubjectKind;
  owner: string;
  name: string;
  webhookUrl?: string | null;
  plan?: PlanValue | null;
}

export interface SubscriptionChange {
  webhookUrl?: string | null;
  removeWebhook?: boolean | null;
  rotateWebhookSecret?: boolean | null;
  plan?: PlanValue | null;
  removePlan?: boolean | null;
}

export interface SubscribeResult {
  subscription: NotificationSubscription;
  /** Only when this call made a new secret; never shown again. */
  webhookSecret: string | null;
}

const SCOPE: Record<SubjectKind, Scope> = { [SubjectKind.MODEL]: Scope.MODELS_READ, [SubjectKind.DATASET]: Scope.DATASETS_READ, [SubjectKind.DEPLOYMENT]: Scope.MODELS_READ };
const SUBJECT_PROPERTY = { [SubjectKind.MODEL]: 'modelId', [SubjectKind.DATASET]: 'datasetId', [SubjectKind.DEPLOYMENT]: 'deploymentId' } as const;
const WHAT: Record<SubjectKind, string> = { [SubjectKind.MODEL]: 'model', [SubjectKind.DATASET]: 'dataset', [SubjectKind.DEPLOYMENT]: 'deployment' };

export class SubscriptionsService {
  constructor(
    private readonly db: DataSource,
    private readonly config: Config,
    private readonly rules: SubjectRules,
    private readonly lookups: Record<SubjectKind, SubjectLookup>,
  ) {}

  private get repo() {
    return this.db.getRepository(NotificationSubscription);
  }

  private webhookUrl(c: Checks, raw: string): string | null {
    try {
      return checkWebhookUrl(raw, this.config.webhooks.allowPrivate);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      error.fields.forEach((f) => c.add(f.field, f.message));
      return null;
    }
  }

  private requireScope(principal: Principal, kind: SubjectKind): void {
    if (!hasScope(principal, SCOPE[kind])) throw forbidden(`This API key lacks the ${SCOPE[kind]} scope`);
  }

  async subscribe(principal: Principal, input: SubscribeRequest): Promise<SubscribeResult> {
    const c = checks();
    const url = input.webhookUrl != null ? this.webhookUrl(c, input.webhookUrl) : null;
    const plan = input.plan ? checkPlan(c, input.kind, input.plan) : null;
    c.throwIfAny();
    this.requireScope(principal, input.kind);
    const subject = await this.lookups[input.kind].get(principal, input.owner, input.name);
    const secret = url ? newWebhookSecret() : null;
    let row: NotificationSubscription;
    try {
      row = await this.repo.save(
        this.repo.create({
          userId: principal.user.id,
          ...subjectColumns({ kind: input.kind, id: subject.id }),
          webhookUrl: url,
          webhookSecret: secret,
          planName: plan?.name ?? null,
          planDailyRequestQuota: plan?.dailyRequestQuota ?? null,
        }),
      );
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict(`You already follow this ${WHAT[input.kind]}; change it with updateSubscription`, 'name');
      throw error;
    }
    return { subscription: await this.withSubject(await this.repo.findOneByOrFail({ id: row.id })), webhookSecret: secret };
  }

  async update(principal: Principal, id: string, change: SubscriptionChange): Promise<SubscribeResult> {
    const row = await this.own(principal, id);
    const kind = subjectOf(row).kind;
    const c = checks();
    const url = change.webhookUrl != null ? this.webhookUrl(c, change.webhookUrl) : null;
    if (change.webhookUrl != null && change.removeWebhook) c.add('removeWebhook', 'give a new webhookUrl or remove the webhook, not both');
    if (change.rotateWebhookSecret && (change.removeWebhook || (row.webhookUrl === null && change.webhookUrl == null))) {
      c.add('rotateWebhookSecret', 'this subscription has no webhook');
    }
    const plan = change.plan ? checkPlan(c, kind, change.plan) : null;
    if (change.plan && change.removePlan) c.add('removePlan', 'give a new plan or remove it, not both');
    c.throwIfAny();

    let secret: string | null = null;
    if (change.removeWebhook) {
      row.webhookUrl = null;
      row.webhookSecret = null;
    } else if (url) {
      if (row.webhookSecret === null) secret = newWebhookSecret();
      row.webhookUrl = url;
    }
    if (change.rotateWebhookSecret && !change.removeWebhook) secret = newWebhookSecret();
    if (secret) row.webhookSecret = secret;
    if (change.removePlan) {
      row.planName = null;
      row.planDailyRequestQuota = null;
    } else if (plan) {
      row.planName = plan.name;
      row.planDailyRequestQuota = plan.dailyRequestQuota;
    }
    row.updatedAt = new Date();
    await this.db.transaction(async (tx) => {
      await tx.getRepository(NotificationSubscription).save(row);
      // Nothing waits for a webhook that is gone; deliveries already sent stay in the log.
      if (change.removeWebhook) await tx.query(`DELETE FROM webhook_deliveries WHERE subscription_id = $1 AND status = 'pending'`, [row.id]);
    });
    return { subscription: await this.withSubject(row), webhookSecret: secret };
  }

  async unsubscribe(principal: Principal, id: string): Promise<boolean> {
    const row = await this.own(principal, id);
    await this.repo.delete({ id: row.id });
    return true;
  }

  async get(principal: Principal, id: string): Promise<NotificationSubscription> {
    return this.withSubject(await this.own(principal, id));
  }

  /** Your subscription to `owner/name`, or null; NOT_FOUND when you may not read the subject. */
  async to(principal: Principal, kind: SubjectKind, owner: string, name: string): Promise<NotificationSubscription | null> {
    this.requireScope(principal, kind);
    const subject = await this.lookups[kind].get(principal, owner, name);
    const row = await this.repo.findOneBy({ userId: principal.user.id, [SUBJECT_PROPERTY[kind]]: subject.id });
    return row ? this.withSubject(row) : null;
  }

  async list(principal: Principal, args: PageArgs, kind: SubjectKind | null): Promise<Page<NotificationSubscription>> {
    const qb = this.mine(principal);
    if (kind) qb.andWhere(`s.${SUBJECT_TABLE[kind].column} IS NOT NULL`);
    const page = await paginate(qb, args);
    await this.withSubjects(page.edges.map((e) => e.node));
    return page;
  }

  /** The delivery log of one of your subscriptions, newest first. */
  async deliveries(principal: Principal, subscriptionId: string, args: PageArgs): Promise<Page<WebhookDelivery>> {
    const row = await this.own(principal, subscriptionId);
    const qb = this.db.getRepository(WebhookDelivery).createQueryBuilder('w').where('w.subscriptionId = :id', { id: row.id });
    return paginate(qb, args);
  }

  private mine(principal: Principal) {
    return this.repo
      .createQueryBuilder('s')
      .where('s.userId = :me', { me: principal.user.id })
      .andWhere(canReadSubjectSql(this.rules, 's', ':me', principal.user.isAdmin ? 'true' : 'false'));
  }

  /** One of your subscriptions whose subject you can read; NOT_FOUND otherwise. */
  private async own(principal: Principal, id: string): Promise<NotificationSubscription> {
    const row = await this.mine(principal).andWhere('s.id = :id', { id: asUuid(id, 'Subscription') }).getOne();
    if (!row) throw notFound('Subscription');
    return row;
  }

  private async withSubject(row: NotificationSubscription): Promise<NotificationSubscription> {
    return (await this.withSubjects([row]))[0];
  }

  private async withSubjects(rows: NotificationSubscription[]): Promise<NotificationSubscription[]> {
    const subjects = await loadSubjects(this.db, rows.map(subjectOf));
    for (const row of rows) row.subject = subjects.get(subjectOf(row).id)!;
    return rows;
  }
}
