import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Serving's limits and meter (hub/src/serving/quotas/):
 * - `api_keys` gains its own inference limits (requests per second, requests per UTC day);
 * - `serving_daily_counts`: requests spent per limit and UTC day (a key's, a subscriber plan's,
 *   a deployment's); `serving_rate_buckets`: one token bucket per per-second limit. Both are
 *   spent by `serving_admit()` (one call admits the requests a hub has waiting on the same
 *   limits), so every hub on the database sees the same counts;
 * - `serving_usage`: metered usage per minute, deployment, user and API key (null: a session),
 *   with fixed-bucket histograms of latency and batch size.
 * Rows name deployments by id without a foreign key: usage outlives its deployment.
 */
export class ServingUsage1766910000000 implements MigrationInterface {
  name = 'ServingUsage1766910000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE api_keys
      ADD COLUMN requests_per_second double precision CHECK (requests_per_second > 0),
      ADD COLUMN daily_requests integer CHECK (daily_requests > 0)`);
    await q.query(`CREATE TABLE serving_daily_counts (
      key text NOT NULL,
      day date NOT NULL,
      used integer NOT NULL,
      PRIMARY KEY (key, day)
    )`);
    await q.query(`CREATE TABLE serving_rate_buckets (
      key text PRIMARY KEY,
      tokens double precision NOT NULL,
      refilled_at timestamptz NOT NULL
    )`);
    // Admits up to p_count requests that share these limits: as many as every limit has left, and
    // spends that many of each (none when one is spent). Rows are locked one by one in (kind, key)
    // order, the same order in every call, so concurrent calls on other hubs wait for each other
    // instead of deadlocking, and none sees a count another is about to change. Answers per limit
    // what it had left before (requests for a day, tokens for a bucket), how many were admitted,
    // and the seconds to the next UTC midnight. p_now: the caller's clock (tests), or null for the
    // database's.
    await q.query(`CREATE FUNCTION serving_admit(p_kinds text[], p_keys text[], p_limits double precision[], p_count integer, p_now timestamptz)
      RETURNS TABLE (limit_kind text, limit_key text, limit_value double precision, left_before double precision,
                     granted integer, to_midnight double precision)
      LANGUAGE plpgsql AS $fn$
      DECLARE
        t timestamptz := coalesce(p_now, now());
        d date := (t AT TIME ZONE 'UTC')::date;
        r record;
        cur double precision;
        kinds text[] := '{}';
        keys text[] := '{}';
        lims double precision[] := '{}';
        lefts double precision[] := '{}';
        admit integer := p_count;
      BEGIN
        FOR r IN SELECT u.k AS kind, u.key AS key, u.lim AS lim
                 FROM unnest(p_kinds, p_keys, p_limits) AS u(k, key, lim) ORDER BY u.k, u.key COLLATE "C" LOOP
          IF r.kind = 'day' THEN
            INSERT INTO serving_daily_counts AS c (key, day, used) VALUES (r.key, d, 0)
              ON CONFLICT (key, day) DO UPDATE SET used = c.used
              RETURNING r.lim - c.used INTO cur;
          ELSE
            -- The refill is stored even when nothing is admitted: it depends on the time only.
            INSERT INTO serving_rate_buckets AS b (key, tokens, refilled_at) VALUES (r.key, greatest(r.lim, 1), t)
              ON CONFLICT (key) DO UPDATE
              SET tokens = least(greatest(r.lim, 1), b.tokens + greatest(0, extract(epoch FROM t - b.refilled_at)) * r.lim),
                  refilled_at = greatest(b.refilled_at, t)
              RETURNING b.tokens INTO cur;
          END IF;
          kinds := kinds || r.kind::text;
          keys := keys || r.key::text;
          lims := lims || r.lim::double precision;
          lefts := lefts || cur;
          admit := least(admit, greatest(0, floor(cur))::integer);
        END LOOP;
        FOR i IN 1..coalesce(array_length(keys, 1), 0) LOOP
          IF admit > 0 THEN
            IF kinds[i] = 'day' THEN
              UPDATE serving_daily_counts SET used = used + admit WHERE key = keys[i] AND day = d;
            ELSE
              UPDATE serving_rate_buckets SET tokens = tokens - admit WHERE key = keys[i];
            END IF;
          END IF;
          limit_kind := kinds[i];
          limit_key := keys[i];
          limit_value := lims[i];
          left_before := lefts[i];
          granted := admit;
          to_midnight := extract(epoch FROM ((d + 1)::timestamp AT TIME ZONE 'UTC') - t);
          RETURN NEXT;
        END LOOP;
      END
      $fn$`);
    await q.query(`CREATE TABLE serving_usage (
      minute timestamptz NOT NULL,
      deployment_id uuid NOT NULL,
      user_id uuid NOT NULL,
      api_key_id uuid,
      requests integer NOT NULL,
      rows bigint NOT NULL,
      errors integer NOT NULL,
      compute_ms double precision NOT NULL,
      latency_counts integer[] NOT NULL,
      batch_size_counts integer[] NOT NULL,
      CONSTRAINT serving_usage_key UNIQUE NULLS NOT DISTINCT (minute, deployment_id, user_id, api_key_id)
    )`);
    // The deployment owner's view and the last minute's figures read by deployment and time; the
    // key owner's by user.
    await q.query(`CREATE INDEX serving_usage_deployment ON serving_usage (deployment_id, minute)`);
    await q.query(`CREATE INDEX serving_usage_user ON serving_usage (user_id, minute)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS serving_usage`);
    await q.query(`DROP FUNCTION IF EXISTS serving_admit(text[], text[], double precision[], integer, timestamptz)`);
    await q.query(`DROP TABLE IF EXISTS serving_rate_buckets`);
    await q.query(`DROP TABLE IF EXISTS serving_daily_counts`);
    await q.query(`ALTER TABLE api_keys DROP COLUMN IF EXISTS requests_per_second, DROP COLUMN IF EXISTS daily_requests`);
  }
}
