import { describe, expect, it } from 'vitest';
import { allows, effectivePermission, type AccessFacts } from '../access.js';
import { OrgRole } from '../membership.entity.js';

const stranger: AccessFacts = { isOwner: false, orgRole: undefined, collaborator: undefined, visibility: 'private', isPlatformAdmin: false };

describe('Per-row access', () => {
  it('gives a stranger nothing on a private row, and read on public or unlisted ones', () => {
    expect(effectivePermission(stranger)).toBeUndefined();
    expect(effectivePermission({ ...stranger, visibility: 'public' })).toBe('read');
    expect(effectivePermission({ ...stranger, visibility: 'unlisted' })).toBe('read');
  });

  it('gives the owner, org owners and org admins admin; org members write', () => {
    expect(effectivePermission({ ...stranger, isOwner: true })).toBe('admin');
    expect(effectivePermission({ ...stranger, orgRole: OrgRole.OWNER })).toBe('admin');
    expect(effectivePermission({ ...stranger, orgRole: OrgRole.ADMIN })).toBe('admin');
    expect(effectivePermission({ ...stranger, orgRole: OrgRole.MEMBER })).toBe('write');
  });

  it('takes the strongest of several grants', () => {
    expect(effectivePermission({ ...stranger, collaborator: 'read', orgRole: OrgRole.MEMBER })).toBe('write');
    expect(effectivePermission({ ...stranger, collaborator: 'admin', visibility: 'public' })).toBe('admin');
  });

  it('orders permissions read < write < admin', () => {
    expect(allows('admin', 'write')).toBe(true);
    expect(allows('write', 'admin')).toBe(false);
    expect(allows('read', 'read')).toBe(true);
    expect(allows(undefined, 'read')).toBe(false);
  });
});
