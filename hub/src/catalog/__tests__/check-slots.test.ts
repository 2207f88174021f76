import { describe, expect, it } from 'vitest';
import { AppError } from '../../errors.js';
import { CheckSlots } from '../check-slots.js';

describe('CheckSlots: bounded concurrent model checks', () => {
  it('runs at most `concurrency` at once, queues the next ones in order, and refuses past the waiting line', async () => {
    const slots = new CheckSlots(2, 2);
    let active = 0;
    let most = 0;
    const order: number[] = [];
    const gates: (() => void)[] = [];
    const job = (i: number) =>
      slots.run(async () => {
        active++;
        most = Math.max(most, active);
        await new Promise<void>((r) => gates.push(r));
        order.push(i);
        active--;
        return i;
      });
    const runs = [job(1), job(2), job(3), job(4)];
    await expect(job(5)).rejects.toMatchObject({ code: 'RATE_LIMITED' } satisfies Partial<AppError>);
    expect(slots.load).toEqual({ running: 2, waiting: 2 });
    while (order.length < 4) {
      await new Promise((r) => setImmediate(r));
      gates.shift()?.();
    }
    expect(await Promise.all(runs)).toEqual([1, 2, 3, 4]);
    expect(most).toBe(2);
    expect(slots.load).toEqual({ running: 0, waiting: 0 });
  });

  it('frees the slot when the work throws', async () => {
    const slots = new CheckSlots(1, 0);
    await expect(slots.run(() => Promise.reject(new Error('bad model')))).rejects.toThrow('bad model');
    expect(await slots.run(async () => 'ok')).toBe('ok');
  });
});
