import 'reflect-metadata';
import { afterAll, describe, expect, it } from 'vitest';
import { CronSchedules } from '../cron-schedule.js';
import { holdoutQueries } from '../holdout-sql.js';

describe('Retraining: cron schedules on any clock', () => {
  const schedules = new CronSchedules();
  afterAll(() => schedules.close());

  it('answers the next time strictly after an instant, in UTC', () => {
    expect(schedules.nextAfter('0 3 * * 1', new Date('2026-12-07T02:59:59.500Z')).toISOString()).toBe('2026-12-07T03:00:00.000Z');
    expect(schedules.nextAfter('0 3 * * 1', new Date('2026-12-07T03:00:00.000Z')).toISOString()).toBe('2026-12-14T03:00:00.000Z');
    expect(schedules.nextAfter('*/30 * * * * *', new Date('2026-12-07T03:00:10Z')).toISOString()).toBe('2026-12-07T03:00:30.000Z');
  });

  it('counts the times a schedule fired between two instants (what a hub that was down missed)', () => {
    expect(schedules.firesBetween('0 3 * * 1', new Date('2026-12-07T03:00:05Z'), new Date('2026-12-21T05:00:00Z'))).toBe(2);
    expect(schedules.firesBetween('0 3 * * 1', new Date('2026-12-07T03:00:05Z'), new Date('2026-12-07T04:00:00Z'))).toBe(0);
    expect(schedules.firesBetween('* * * * * *', new Date('2026-01-01T00:00:00Z'), new Date('2026-02-01T00:00:00Z'))).toBe(1000);
  });
});

describe('Retraining: the holdout and training queries', () => {
  it('holds out hashed new rows, keyed on every column, and trains on the rest', () => {
    const { holdout, training } = holdoutQueries('SELECT a, "B" FROM x.d@3', 'SELECT a, "B" FROM x.d@1', ['a', 'B']);
    const key = (alias: string) => `md5(CAST(json_build_array(${alias}."a", ${alias}."B") AS TEXT))`;
    const unseen = `${key('aimass_new')} NOT IN (SELECT ${key('aimass_old')} FROM (SELECT a, "B" FROM x.d@1) AS aimass_old)`;
    expect(holdout).toBe(`SELECT * FROM (SELECT a, "B" FROM x.d@3) AS aimass_new WHERE left(${key('aimass_new')}, 1) IN ('0', '1') AND ${unseen}`);
    expect(training).toBe(`SELECT * FROM (SELECT a, "B" FROM x.d@3) AS aimass_new WHERE NOT (left(${key('aimass_new')}, 1) IN ('0', '1') AND ${unseen})`);
  });
});
