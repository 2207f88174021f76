import { describe, expect, it } from 'vitest';
import type { Principal } from '../../accounts/index.js';
import { CALLER_TTL_MS, RecentAuthenticator, RecentCallable } from '../doors/recent-callers.js';

function fakeSignals() {
  const listeners: ((p: { credentialId: string }) => void)[] = [];
  return {
    on: (_kind: string, fn: (p: { credentialId: string }) => void) => {
      listeners.push(fn);
      return () => undefined;
    },
    revoke: (credentialId: string) => listeners.forEach((fn) => fn({ credentialId })),
  };
}

const principal = (credentialId: string) => ({ credentialId, via: 'apiKey', scopes: 'all', user: { id: 'u' } }) as unknown as Principal;

describe('the inference path’s memory of callers', () => {
  it('asks the credential lookup once per token within the TTL, again after it, and at once after a revocation', async () => {
    let now = 0;
    let lookups = 0;
    const signals = fakeSignals();
    const auth = new RecentAuthenticator({ authenticate: async () => (lookups++, principal('key-1')), requireKeyAccess: () => undefined }, signals as never, () => now);
    await auth.authenticate('t');
    await auth.authenticate('t');
    expect(lookups).toBe(1);
    now += CALLER_TTL_MS + 1;
    await auth.authenticate('t');
    expect(lookups).toBe(2);
    signals.revoke('key-1');
    await auth.authenticate('t');
    expect(lookups).toBe(3);
  });

  it('never keeps a failed lookup, and forgets a deployment that changed', async () => {
    let calls = 0;
    let fail = true;
    const signals = fakeSignals();
    const callable = new RecentCallable(
      {
        callable: async () => {
          calls++;
          if (fail) throw new Error('NOT_FOUND');
          return { target: { id: 'd-1' } as never, access: { via: 'member', plan: null } };
        },
      },
      signals as never,
      () => 0,
    );
    await expect(callable.callable(principal('s'), 'alice', 'iris')).rejects.toThrow();
    fail = false;
    await callable.callable(principal('s'), 'alice', 'iris');
    await callable.callable(principal('s'), 'Alice', 'IRIS');
    expect(calls).toBe(2);
    callable.forget('d-1');
    await callable.callable(principal('s'), 'alice', 'iris');
    expect(calls).toBe(3);
    signals.revoke('s');
    await callable.callable(principal('s'), 'alice', 'iris');
    expect(calls).toBe(4);
  });
});
