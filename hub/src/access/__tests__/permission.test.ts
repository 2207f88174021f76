import { describe, expect, it } from 'vitest';
import { allows, effectivePermission, type AccessFacts } from '../permission.js';

const stranger: AccessFacts = { isOwner: false, orgRole: undefined, collaborator: undefined, visibility: 'private', isPlatformAdmin: false };

describe('Per-row access', () => {
  it('gives a stranger nothing on a private row, and read on public or unlisted ones', () => {
    expect(effectivePermission(stranger)).toBeUndefined();
    expect(effectivePermission({ ...stranger, visibility: 'public' })).toBe('read');
    expect(effectivePermission({ ...stranger, visibility: 'unlisted' })).toBe('read');
  });

  it('gives the owner, org owners and org admins admin; org members write', () => {
    expect(effectivePermission({ ...stranger, isOwner: true })).toBe('admin');
    expect(effectivePermission({ ...stranger, orgRole: 'owner' })).toBe('admin');
    expect(effectivePermission({ ...stranger, orgRole: 'admin' })).toBe('admin');
    expect(effectivePermission({ ...stranger, orgRole: 'member' })).toBe('write');
  });

  it('takes the strongest of several grants', () => {
    expect(effectivePermission({ ...stranger, collaborator: 'read', orgRole: 'member' })).toBe('write');
    expect(effectivePermission({ ...stranger, collaborator: 'admin', visibility: 'public' })).toBe('admin');
  });

  it('orders permissions read < write < admin', () => {
    expect(allows('admin', 'write')).toBe(true);
    expect(allows('write', 'admin')).toBe(false);
    expect(allows('read', 'read')).toBe(true);
    expect(allows(undefined, 'read')).toBe(false);
  });
});
