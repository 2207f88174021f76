import { describe, expect, it } from 'vitest';
import { REFRESH_AHEAD_MS, RememberedLookups } from '../doors/remembered-lookups.js';

const TTL = 3_000;

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

describe('remembered lookups', () => {
  it('sends one lookup for requests that miss together, and shares its answer', async () => {
    const remembered = new RememberedLookups<string>(TTL, () => 0);
    const pending = deferred<string>();
    let lookups = 0;
    const lookup = () => (lookups++, pending.promise);
    const answers = Promise.all(Array.from({ length: 64 }, () => remembered.get('k', lookup)));
    pending.resolve('alice');
    expect(await answers).toEqual(Array(64).fill('alice'));
    expect(lookups).toBe(1);
  });

  it('does not share a failure: each waiter asks for itself', async () => {
    const remembered = new RememberedLookups<string>(TTL, () => 0);
    const first = deferred<string>();
    let lookups = 0;
    const waiting = [remembered.get('k', () => (lookups++, first.promise)), remembered.get('k', async () => (lookups++, 'bob'))];
    first.reject(new Error('NOT_FOUND'));
    const [a, b] = await Promise.allSettled(waiting);
    expect(a.status).toBe('rejected');
    expect(b).toEqual({ status: 'fulfilled', value: 'bob' });
    expect(lookups).toBe(2);
  });

  it('renews an answer near its end in the background, and drops it when the renewal fails', async () => {
    let now = 0;
    const remembered = new RememberedLookups<string>(TTL, () => now);
    let lookups = 0;
    let fail = false;
    const lookup = async () => {
      lookups++;
      if (fail) throw new Error('revoked');
      return `v${lookups}`;
    };
    expect(await remembered.get('k', lookup)).toBe('v1');
    now = TTL - REFRESH_AHEAD_MS + 1;
    expect(await remembered.get('k', lookup)).toBe('v1'); // still valid: answered at once
    await new Promise((r) => setImmediate(r));
    expect(lookups).toBe(2);
    expect(await remembered.get('k', lookup)).toBe('v2');
    fail = true;
    now += TTL - REFRESH_AHEAD_MS + 1;
    expect(await remembered.get('k', lookup)).toBe('v2');
    await new Promise((r) => setImmediate(r));
    await expect(remembered.get('k', lookup)).rejects.toThrow('revoked');
  });

  it('keeps no answer of a lookup that ran across a forget', async () => {
    const remembered = new RememberedLookups<string>(TTL, () => 0);
    const pending = deferred<string>();
    let lookups = 0;
    const first = remembered.get('k', () => (lookups++, pending.promise));
    remembered.forgetWhere(() => true);
    pending.resolve('before');
    expect(await first).toBe('before');
    expect(await remembered.get('k', async () => (lookups++, 'after'))).toBe('after');
    expect(lookups).toBe(2);
  });
});
