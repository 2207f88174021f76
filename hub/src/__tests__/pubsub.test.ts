import { describe, expect, it } from 'vitest';
import { inProcessChannel } from '../events/hub-channel.js';
import { createLogger } from '../logger.js';
import { createMetrics } from '../metrics.js';
import { createEventBus } from '../pubsub.js';

describe('event bus', () => {
  const listening = async (metrics: ReturnType<typeof createMetrics>, topic: string) =>
    (await metrics.liveSubscriptions.get()).values.find((v) => v.labels.topic === topic)?.value ?? 0;

  it('counts a subscription by topic from the moment it listens until it ends, and delivers while it does', async () => {
    const metrics = createMetrics();
    const bus = createEventBus(inProcessChannel(), createLogger({ logLevel: 'silent' }), metrics);
    const first = bus.subscribe('TRAINING_EPOCH', 'job-1');
    const second = bus.subscribe('TRAINING_EPOCH', 'job-2');
    // A subscription made but not yet iterated has no listener: nothing published now would reach it.
    expect(await listening(metrics, 'TRAINING_EPOCH')).toBe(0);
    const next = first.next();
    const other = second.next();
    expect(await listening(metrics, 'TRAINING_EPOCH')).toBe(2);
    bus.publish('TRAINING_EPOCH', 'job-1', { epoch: 1 } as never);
    expect((await next).value).toEqual({ epoch: 1 });
    await first.return(undefined);
    expect(await listening(metrics, 'TRAINING_EPOCH')).toBe(1);
    await second.return(undefined);
    await other;
    expect(await listening(metrics, 'TRAINING_EPOCH')).toBe(0);
    expect(await listening(metrics, 'JOB_UPDATED')).toBe(0);
    expect((await metrics.liveSubscriptionsStarted.get()).values).toEqual([{ labels: { topic: 'TRAINING_EPOCH' }, value: 2 }]);
  });
});
