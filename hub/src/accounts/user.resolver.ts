import { Arg, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../graphql/context.js';
import { User } from './user.entity.js';

@Resolver(() => User)
export class UserResolver {
  @Query(() => User, { description: 'A user by username (case-insensitive)' })
  user(@Arg('username', () => String) username: string, @Ctx() ctx: Context): Promise<User> {
    return ctx.services.accounts.userByUsername(username);
  }

  @FieldResolver(() => Boolean, { nullable: true, description: 'A platform administrator? Seen by admins and the user; null to others' })
  isAdmin(@Root() user: User, @Ctx() ctx: Context): boolean | null {
    const viewer = ctx.principal?.user;
    return viewer && (viewer.isAdmin || viewer.id === user.id) ? user.isAdmin : null;
  }

  @FieldResolver(() => String, { nullable: true, description: 'Only you see your own email' })
  email(@Root() user: User, @Ctx() ctx: Context): string | null {
    return ctx.principal?.user.id === user.id ? user.email : null;
  }
}
