import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The subscription centre: who follows which model or dataset (with an optional webhook and, for
 * models, a plan), the inbox, and the durable webhook delivery queue (claimed with
 * FOR UPDATE SKIP LOCKED, so several hubs never send one delivery twice at once).
 */
export class Notifications1765100000000 implements MigrationInterface {
  name = 'Notifications1765100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE notification_subscriptions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        model_id uuid REFERENCES models(id) ON DELETE CASCADE,
        dataset_id uuid REFERENCES datasets(id) ON DELETE CASCADE,
        webhook_url text,
        webhook_secret text,
        plan_name text,
        plan_daily_request_quota int,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now(),
        CHECK ((model_id IS NULL) <> (dataset_id IS NULL)),
        CHECK ((webhook_url IS NULL) = (webhook_secret IS NULL)),
        CHECK ((plan_name IS NULL) = (plan_daily_request_quota IS NULL)),
        CHECK (plan_name IS NULL OR model_id IS NOT NULL),
        CHECK (plan_daily_request_quota IS NULL OR plan_daily_request_quota > 0)
      )`);
    await q.query(`CREATE UNIQUE INDEX notification_subscriptions_user_model ON notification_subscriptions (user_id, model_id) WHERE model_id IS NOT NULL`);
    await q.query(`CREATE UNIQUE INDEX notification_subscriptions_user_dataset ON notification_subscriptions (user_id, dataset_id) WHERE dataset_id IS NOT NULL`);
    await q.query(`CREATE INDEX notification_subscriptions_model ON notification_subscriptions (model_id) WHERE model_id IS NOT NULL`);
    await q.query(`CREATE INDEX notification_subscriptions_dataset ON notification_subscriptions (dataset_id) WHERE dataset_id IS NOT NULL`);
    await q.query(`CREATE INDEX notification_subscriptions_mine ON notification_subscriptions (user_id, created_at DESC, id DESC)`);

    await q.query(`
      CREATE TABLE notifications (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        subscription_id uuid REFERENCES notification_subscriptions(id) ON DELETE SET NULL,
        event_id uuid NOT NULL,
        kind text NOT NULL,
        model_id uuid REFERENCES models(id) ON DELETE CASCADE,
        dataset_id uuid REFERENCES datasets(id) ON DELETE CASCADE,
        version int,
        message text NOT NULL,
        read_at timestamptz(3),
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        CHECK ((model_id IS NULL) <> (dataset_id IS NULL)),
        UNIQUE (user_id, event_id)
      )`);
    await q.query(`CREATE INDEX notifications_inbox ON notifications (user_id, created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX notifications_unread ON notifications (user_id) WHERE read_at IS NULL`);
    await q.query(`CREATE INDEX notifications_event ON notifications (event_id)`);

    await q.query(`
      CREATE TABLE webhook_deliveries (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        subscription_id uuid NOT NULL REFERENCES notification_subscriptions(id) ON DELETE CASCADE,
        notification_id uuid NOT NULL REFERENCES notifications(id) ON DELETE CASCADE,
        kind text NOT NULL,
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sending', 'succeeded', 'failed')),
        attempts int NOT NULL DEFAULT 0,
        next_attempt_at timestamptz(3) NOT NULL DEFAULT now(),
        locked_until timestamptz(3),
        last_attempt_at timestamptz(3),
        last_status_code int,
        last_error text,
        attempt_log jsonb NOT NULL DEFAULT '[]',
        delivered_at timestamptz(3),
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        UNIQUE (subscription_id, notification_id)
      )`);
    await q.query(`CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status IN ('pending', 'sending')`);
    await q.query(`CREATE INDEX webhook_deliveries_log ON webhook_deliveries (subscription_id, created_at DESC, id DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS webhook_deliveries`);
    await q.query(`DROP TABLE IF EXISTS notifications`);
    await q.query(`DROP TABLE IF EXISTS notification_subscriptions`);
  }
}
