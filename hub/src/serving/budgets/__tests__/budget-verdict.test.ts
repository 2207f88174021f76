/**
 * The budget's arithmetic on a clock the test drives (no sleeps): replica time is split exactly at
 * UTC month boundaries; the warning comes once at 80 %, the owner's action once at 100 %; a new
 * month lifts the hold and arms both again; a raised limit lifts the hold; a clock behind the stored
 * month changes nothing; the hold caps the autoscaler's count (a planner's floor included) and stops.
 */
import { describe, expect, it } from 'vitest';
import { decide, initialState } from '../../autoscale/kpa.js';
import { budgetCeiling, capByBudget } from '../budget-hold.js';
import { budgetVerdict, type StoredBudget } from '../budget-verdict.js';
import { monthOf, splitByMonth } from '../replica-months.js';

const H = 3_600_000;
const at = (iso: string) => Date.parse(iso);

describe('replica months', () => {
  it('names the UTC month and splits a stretch exactly at its boundaries', () => {
    expect(monthOf(at('2026-12-31T23:59:59.999Z'))).toBe('2026-12-01');
    expect(monthOf(at('2027-01-01T00:00:00Z'))).toBe('2027-01-01');
    const parts = splitByMonth(at('2026-12-31T22:30:00Z'), at('2027-01-01T01:00:00Z'));
    expect(parts).toEqual([
      { month: '2026-12-01', ms: 1.5 * H },
      { month: '2027-01-01', ms: 1 * H },
    ]);
    // A stretch over two whole months counts each month's own length.
    const long = splitByMonth(at('2027-01-15T00:00:00Z'), at('2027-03-02T00:00:00Z'));
    expect(long.map((p) => [p.month, p.ms / H])).toEqual([
      ['2027-01-01', 17 * 24],
      ['2027-02-01', 28 * 24],
      ['2027-03-01', 24],
    ]);
    expect(splitByMonth(5, 5)).toEqual([]);
  });
});

describe('budget verdict', () => {
  const budget = (over: Partial<StoredBudget> = {}): StoredBudget => ({ limitReplicaHours: 10, action: 'stop', month: '2026-12-01', warnedAt: null, exceededAt: null, ...over });
  const t = at('2026-12-10T12:00:00Z');

  it('warns once at 80 %, applies the action once at 100 %', () => {
    expect(budgetVerdict(budget(), '2026-12-01', 7.9, null, t)).toMatchObject({ hold: null, events: [] });
    const warned = budgetVerdict(budget(), '2026-12-01', 8, null, t);
    expect(warned).toMatchObject({ hold: null, events: ['warning'], next: { warnedAt: t, exceededAt: null } });
    expect(budgetVerdict(warned.next, '2026-12-01', 9.5, null, t + 1000).events).toEqual([]);
    const exceeded = budgetVerdict(warned.next, '2026-12-01', 10, null, t + 2000);
    expect(exceeded).toMatchObject({ hold: 'stop', events: ['exceeded'], next: { warnedAt: t, exceededAt: t + 2000 } });
    expect(budgetVerdict(exceeded.next, '2026-12-01', 12, 'stop', t + 3000)).toMatchObject({ hold: 'stop', events: [] });
  });

  it('passing the limit at once applies the action without a separate warning', () => {
    const v = budgetVerdict(budget({ action: 'cap' }), '2026-12-01', 11, null, t);
    expect(v).toMatchObject({ hold: 'cap', events: ['exceeded'], next: { warnedAt: t, exceededAt: t } });
  });

  it('a new month lifts the hold and arms the warning and the action again', () => {
    const held = budget({ warnedAt: t, exceededAt: t });
    const jan = at('2027-01-01T00:00:05Z');
    const v = budgetVerdict(held, '2027-01-01', 0.01, 'stop', jan);
    expect(v).toMatchObject({ hold: null, events: ['new-month'], next: { month: '2027-01-01', warnedAt: null, exceededAt: null } });
    expect(budgetVerdict(v.next, '2027-01-01', 8.5, null, jan + H).events).toEqual(['warning']);
  });

  it('a raised limit lifts the hold; a clock behind the stored month changes nothing', () => {
    const held = budget({ limitReplicaHours: 20, warnedAt: t, exceededAt: t });
    expect(budgetVerdict(held, '2026-12-01', 10.5, 'cap', t)).toMatchObject({ hold: null, events: ['lifted'], next: { exceededAt: null, warnedAt: null } });
    expect(budgetVerdict(budget({ month: '2027-01-01' }), '2026-12-01', 50, null, t)).toMatchObject({ hold: null, events: [] });
  });
});

describe('budget hold', () => {
  it('caps the autoscaler at max(minReplicas, 1), over a planner floor, and stops', () => {
    expect(budgetCeiling({ budget_hold: null, min_replicas: 2 })).toBe(Infinity);
    expect(budgetCeiling({ budget_hold: 'cap', min_replicas: 0 })).toBe(1);
    expect(budgetCeiling({ budget_hold: 'stop', min_replicas: 3 })).toBe(0);
    const settings = { targetConcurrency: 1, stableWindowSeconds: 60, panicWindowSeconds: 6, scaleDownDelaySeconds: 0, scaleToZeroAfterSeconds: null };
    const now = at('2026-12-10T12:00:00Z');
    // The planner's floor asks for 5; demand asks for 3; the cap holds 2.
    const next = decide(settings, { minReplicas: 2, maxReplicas: 8, floor: 5 }, { stableConcurrency: 3, panicConcurrency: 3, lastActiveAt: now, readyReplicas: 2 }, initialState(2, now), now);
    expect(next.wantedReplicas).toBe(5);
    expect(capByBudget({ budget_hold: 'cap', min_replicas: 2 }, next.wantedReplicas)).toEqual({ wanted: 2, note: 'held at 2 by its monthly budget (5 wanted)' });
    expect(capByBudget({ budget_hold: 'stop', min_replicas: 2 }, 5).wanted).toBe(0);
    expect(capByBudget({ budget_hold: null, min_replicas: 2 }, 5)).toEqual({ wanted: 5, note: null });
  });
});
