import { describe, expect, it } from 'vitest';
import { sweepCredentials, type Credential } from '../credential-sweep.js';

describe('sweepCredentials', () => {
  const session = (credentialId: string): Credential => ({ via: 'session', credentialId });

  it('ends the connections whose credential is no longer live, and keeps the others', async () => {
    const open = new Map([['a', session('s1')], ['b', session('s2')]]);
    const ended: string[] = [];
    await sweepCredentials(open, async () => new Set(['s2']), (socket) => ended.push(socket));
    expect(ended).toEqual(['a']);
  });

  it('leaves a connection opened while the check ran for the next pass', async () => {
    const open = new Map([['a', session('s1')]]);
    const ended: string[] = [];
    let answer!: (alive: Set<string>) => void;
    let asked: Credential[] = [];
    const pass = sweepCredentials(
      open,
      (credentials) => {
        asked = credentials;
        return new Promise((resolve) => (answer = resolve));
      },
      (socket) => ended.push(socket),
    );
    open.set('late', session('s9')); // connected while the query is out
    answer(new Set(['s1']));
    await pass;
    expect(asked).toEqual([session('s1')]);
    expect(ended).toEqual([]);
  });

  it('does not end a connection that closed while the check ran', async () => {
    const open = new Map([['a', session('s1')]]);
    const ended: string[] = [];
    await sweepCredentials(
      open,
      async () => {
        open.delete('a');
        return new Set();
      },
      (socket) => ended.push(socket),
    );
    expect(ended).toEqual([]);
  });
});
