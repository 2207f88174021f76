import { Arg, Authorized, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import type { AppError } from '../errors.js';
import type { Context } from '../graphql/context.js';
import type { LoginResult } from './accounts.service.js';
import { AuthPayload, LogInInput, SignUpInput } from './accounts.inputs.js';
import { User } from './user.entity.js';

/** The rest of this operation sees the new session's user as the caller (so `user { email }` resolves). */
function signedIn(ctx: Context, result: LoginResult): LoginResult {
  ctx.principal = { user: result.user, via: 'session', credentialId: 'new', scopes: 'all' };
  return result;
}

@Resolver()
export class AuthResolver {
  @Mutation(() => AuthPayload, { description: 'Create an account and start a session' })
  async signUp(@Arg('input', () => SignUpInput) input: SignUpInput, @Ctx() ctx: Context): Promise<AuthPayload> {
    return signedIn(ctx, await ctx.services.accounts.signUp(input, ctx.client));
  }

  @Mutation(() => AuthPayload, { description: 'Start a session. Rate-limited per account and per IP.' })
  async logIn(@Arg('input', () => LogInInput) input: LogInInput, @Ctx() ctx: Context): Promise<AuthPayload> {
    try {
      const result = await ctx.services.accounts.logIn(input.login, input.password, ctx.client);
      ctx.log.info({ userId: result.user.id, ip: ctx.client.ip }, 'login succeeded');
      return signedIn(ctx, result);
    } catch (error) {
      // An audit trail of refused logins; the login name is not logged, it may be a mistyped password.
      ctx.log.warn({ ip: ctx.client.ip, code: (error as AppError).code }, 'login refused');
      throw error;
    }
  }

  @Authorized()
  @Mutation(() => Boolean, { description: 'End the session this request was made with' })
  async logOut(@Ctx() ctx: Context): Promise<boolean> {
    await ctx.services.accounts.logOut(ctx.principal!);
    return true;
  }

  @Authorized()
  @Query(() => User, { description: 'The signed-in user' })
  me(@Ctx() ctx: Context): User {
    return ctx.principal!.user;
  }
}
