import { describe, expect, it } from 'vitest';
import { JobKinds } from '../job-kinds.js';

const echo = { submittable: true, readsData: false };

describe('Job kinds: the hooks each module declares for the kinds it owns', () => {
  it('refuse to start when a kind of schema/job-kinds.ts has no hooks, naming it', () => {
    const kinds = new JobKinds();
    kinds.add('compute', { echo });
    expect(() => kinds.assertComplete()).toThrow(/No hub handler for job kind\(s\): benchmark, train, predict/);
  });

  it('refuse a kind two modules declare, naming both', () => {
    const kinds = new JobKinds();
    kinds.add('compute', { echo });
    expect(() => kinds.add('ml', { echo })).toThrow(/"echo" is declared by both compute and ml/);
  });

  it('answer the hooks of the module that declared the kind', async () => {
    const kinds = new JobKinds();
    const seen: string[] = [];
    kinds.add('compute', { echo, benchmark: { submittable: true, readsData: false, onSucceeded: async (job) => void seen.push(job.nodeId) } });
    kinds.add('training', { train: { submittable: false, readsData: true, checkResult: async () => 'no run' } });
    kinds.add('ml', { predict: { submittable: false, readsData: true } });
    kinds.add('serving', { serve: { submittable: false, readsData: true } });
    expect(() => kinds.assertComplete()).not.toThrow();
    await kinds.of('benchmark').onSucceeded?.({ id: 'j', nodeId: 'n1' }, { gflops: 1, stepsPerSecond: 1, backend: 'cpu' } as never);
    expect(seen).toEqual(['n1']);
    expect(await kinds.of('train').checkResult?.({ id: 'j', nodeId: 'n' }, {} as never)).toBe('no run');
    expect(kinds.of('predict').submittable).toBe(false);
  });
});
