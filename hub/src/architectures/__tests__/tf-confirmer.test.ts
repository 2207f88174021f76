import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../logger.js';
import { ModelSpecValidator } from '../model-spec-validator.js';
import { WorkerTfConfirmer } from '../tf-confirmer.js';

// The worker runs compiled code: the one `npm test` builds into dist/ before the tests run.
const workerUrl = new URL('../../../../dist/hub/src/architectures/spec-build-worker.js', import.meta.url);
const spec = (units: number) => ({ kind: 'sequential', inputShape: [null, 4], layers: [{ type: 'gru', units }, { type: 'dense', units: 2 }] });

describe('WorkerTfConfirmer (TF.js builds in a worker thread that is replaced now and then)', () => {
  const confirmer = new WorkerTfConfirmer({ recycleAfter: 3, workerUrl });
  afterAll(() => confirmer.close());

  it('confirms specs in a worker, replacing it after recycleAfter builds, with the same answers', async () => {
    expect(existsSync(workerUrl)).toBe(true);
    const validator = new ModelSpecValidator({}, confirmer, createLogger({ logLevel: 'silent' }));
    const results = await Promise.all(Array.from({ length: 7 }, (_, i) => validator.validate(spec(i + 1))));
    expect(results.map((r) => r.errors)).toEqual(Array.from({ length: 7 }, () => []));
    expect(results.map((r) => r.totalParams)).toEqual(Array.from({ length: 7 }, (_, i) => 3 * (i + 1) * (4 + i + 1 + 1) + (i + 1) * 2 + 2));
    expect(confirmer.started).toBe(3);
  });

  it('answers with TF.js’s refusal instead of throwing', async () => {
    const result = await confirmer.confirm({ kind: 'sequential', inputShape: [2], layers: [{ type: 'dense', units: 1e9 }] }, {});
    expect(result).toEqual({ ok: false, message: expect.stringContaining('layers[0].units') });
  });

  it('stops an idle worker and starts another when needed', async () => {
    const idle = new WorkerTfConfirmer({ idleMs: 50, workerUrl });
    expect(await idle.confirm(spec(2), {})).toMatchObject({ ok: true });
    await new Promise((r) => setTimeout(r, 300));
    expect(await idle.confirm(spec(2), {})).toMatchObject({ ok: true, totalParams: 3 * 2 * 7 + 6 });
    expect(idle.started).toBe(2);
    await idle.close();
  });
});
