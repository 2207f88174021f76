import { describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from '../password.js';
import { hashToken, issueToken, tokenKind } from '../tokens.js';
import { checks } from '../../validation/checks.js';

describe('Passwords', () => {
  it('verifies the right password only, with a fresh salt each time', async () => {
    const a = await hashPassword('hunter2 hunter2');
    const b = await hashPassword('hunter2 hunter2');
    expect(a).not.toBe(b);
    expect(await verifyPassword('hunter2 hunter2', a)).toBe(true);
    expect(await verifyPassword('hunter2 hunter3', a)).toBe(false);
    expect(await verifyPassword('anything', 'not-a-hash')).toBe(false);
  });
});

describe('Tokens', () => {
  it('are 256-bit, kind-prefixed, and stored as their SHA-256', () => {
    const t = issueToken('amk');
    expect(t.token).toMatch(/^amk_[A-Za-z0-9_-]{43}$/);
    expect(t.token.startsWith(t.prefix)).toBe(true);
    expect(t.hash).toBe(hashToken(t.token));
    expect(t.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(tokenKind(t.token)).toBe('amk');
    expect(tokenKind('xyz_abc')).toBeUndefined();
    expect(issueToken('amk').token).not.toBe(t.token);
  });
});

describe('Handles', () => {
  it('accept GitHub-style names and refuse the rest with a reason', () => {
    for (const ok of ['a', 'alice', 'Alice-Smith', 'x1-2-3', 'a'.repeat(39)]) expect(checks().handle('h', ok).problems, ok).toEqual([]);
    for (const bad of ['', '-a', 'a-', 'a--b', 'a'.repeat(40), 'a b', 'ä', 'a_b', 'admin', 'GraphQL'])
      expect(checks().handle('h', bad).problems.length, bad).toBe(1);
  });

  it('refuse control characters in display text but keep other unicode', () => {
    expect(checks().text('d', 'Zoë 🤖 日本', { max: 100 }).problems).toEqual([]);
    expect(checks().text('d', 'a\u0000b', { max: 100 }).problems).toEqual([{ field: 'd', message: 'must not contain control or unassigned characters' }]);
    expect(checks().text('d', '🤖'.repeat(101), { max: 100 }).problems[0].message).toBe('must be at most 100 characters');
  });
});
