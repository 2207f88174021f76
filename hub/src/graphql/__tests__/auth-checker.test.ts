import type { AuthCheckerFn } from 'type-graphql';
import { describe, expect, it } from 'vitest';
import type { Principal } from '../../accounts/principal.js';
import { Scope } from '../../accounts/scopes.js';
import type { User } from '../../accounts/user.entity.js';
import { AppError } from '../../errors.js';
import { ADMIN, ANYONE, authChecker } from '../auth-checker.js';
import type { Context } from '../context.js';

const user = { id: 'u1', username: 'ada', isAdmin: false } as User;
const session: Principal = { user, via: 'session', credentialId: 's1', scopes: 'all' };
const modelsKey: Principal = { user, via: 'apiKey', credentialId: 'k1', scopes: new Set([Scope.MODELS_READ]) };

/** Runs the checker as type-graphql would for one operation with `roles`; answers true or the error code. */
function check(principal: Principal | null, roles: string[], authError: AppError | null = null): true | string {
  const context = { principal, authError } as Context;
  try {
    return (authChecker as AuthCheckerFn<Context>)({ context, root: undefined, args: {}, info: undefined as never }, roles) as true;
  } catch (error) {
    return (error as AppError).code;
  }
}

describe('authChecker', () => {
  it('lets a visitor without an account call what is marked ANYONE, and nothing else', () => {
    expect(check(null, [ANYONE])).toBe(true);
    expect(check(null, [ADMIN])).toBe('UNAUTHENTICATED');
    expect(check(null, [])).toBe('UNAUTHENTICATED');
  });

  it('does not take a refused credential for a visitor', () => {
    expect(check(null, [ANYONE], new AppError('UNAUTHENTICATED', 'This session has ended'))).toBe('UNAUTHENTICATED');
  });

  it('still holds signed-in callers to the other roles listed with ANYONE (API key scopes are the operation guard’s)', () => {
    expect(check(session, [ANYONE])).toBe(true);
    expect(check(modelsKey, [ANYONE])).toBe(true);
    expect(check(session, [ANYONE, ADMIN])).toBe('FORBIDDEN');
    expect(check(modelsKey, [ANYONE, ADMIN])).toBe('FORBIDDEN');
  });
});
