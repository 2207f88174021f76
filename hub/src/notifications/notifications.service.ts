/**
 * The inbox: your notifications, newest first, what is unread, marking read, and pushing new ones
 * to live `notificationAdded` subscribers.
 *
 * Every read filters by {@link canReadSubjectSql}: a notification about a model or dataset you can
 * no longer read is not shown, not counted and not marked; it comes back if your access does.
 */
import type { DataSource } from 'typeorm';
import type { Principal } from '../accounts/index.js';
import type { Signals } from '../db/signals.js';
import { badInput } from '../errors.js';
import { paginate, type Page, type PageArgs } from '../db/paging.js';
import type { Logger } from '../logger.js';
import type { EventBus } from '../pubsub.js';
import { Notification } from './notification.entity.js';
import { rows } from '../db/rows.js';
import { canReadSubjectSql, type SubjectRules } from './subject-access.js';
import { loadSubjects } from './subject-names.js';
import { subjectOf } from './subject.js';

const MAX_IDS = 500;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class NotificationsService {
  private readonly stop: () => void;

  constructor(
    private readonly db: DataSource,
    private readonly rules: SubjectRules,
    private readonly events: EventBus,
    signals: Signals,
    private readonly log: Logger,
  ) {
    this.stop = signals.on('notificationsAdded', ({ eventId }) => {
      this.announce(eventId).catch((error) => this.log.error({ err: error, eventId }, 'could not announce notifications'));
    });
  }

  /** SQL true for the rows of `alias` the principal may still read (`:me` must be bound). */
  private readable(principal: Principal, alias: string): string {
    return canReadSubjectSql(this.rules, alias, ':me', principal.user.isAdmin ? 'true' : 'false');
  }

  private mine(principal: Principal, unreadOnly = false) {
    const qb = this.db
      .getRepository(Notification)
      .createQueryBuilder('n')
      .where('n.userId = :me', { me: principal.user.id })
      .andWhere(this.readable(principal, 'n'));
    if (unreadOnly) qb.andWhere('n.readAt IS NULL');
    return qb;
  }

  async list(principal: Principal, args: PageArgs, unreadOnly: boolean): Promise<Page<Notification>> {
    const page = await paginate(this.mine(principal, unreadOnly), args);
    await this.withSubjects(page.edges.map((e) => e.node));
    return page;
  }

  unreadCount(principal: Principal): Promise<number> {
    return this.mine(principal, true).getCount();
  }

  /** Marks some of your notifications read; answers how many were unread. Ids that are not yours are ignored. */
  async markRead(principal: Principal, ids: readonly string[]): Promise<number> {
    if (ids.length > MAX_IDS) throw badInput('ids', `at most ${MAX_IDS} at a time`);
    const valid = ids.filter((id) => UUID.test(id));
    if (valid.length === 0) return 0;
    return this.mark(principal, 'AND n.id = ANY($2::uuid[])', [valid]);
  }

  /** Marks every notification you can see read; answers how many were unread. */
  markAllRead(principal: Principal): Promise<number> {
    return this.mark(principal, '', []);
  }

  private async mark(principal: Principal, filter: string, params: unknown[]): Promise<number> {
    const readable = canReadSubjectSql(this.rules, 'n', '$1', principal.user.isAdmin ? 'true' : 'false');
    const marked = rows(
      await this.db.query(
        `UPDATE notifications n SET read_at = now() WHERE n.user_id = $1 AND n.read_at IS NULL ${filter} AND ${readable} RETURNING n.id`,
        [principal.user.id, ...params],
      ),
    );
    return marked.length;
  }

  /** Fills `subject` (owner/name) of each row; rows whose subject is gone are left without one. */
  async withSubjects(rows: Notification[]): Promise<Notification[]> {
    const subjects = await loadSubjects(this.db, rows.map(subjectOf));
    for (const row of rows) row.subject = subjects.get(subjectOf(row).id)!;
    return rows;
  }

  /** Pushes the notifications of one committed event to their users' live subscriptions. */
  private async announce(eventId: string): Promise<void> {
    const rows = await this.db.getRepository(Notification).find({ where: { eventId } });
    await this.withSubjects(rows);
    for (const row of rows) if (row.subject) this.events.publish('NOTIFICATION_ADDED', row.userId, row);
  }

  close(): void {
    this.stop();
  }
}
