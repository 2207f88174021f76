import { Authorized, Resolver, Root, Subscription } from 'type-graphql';
import type { Context } from '../graphql/context.js';
import { AccountEvent } from './account-event.js';

@Resolver()
export class AccountEventsResolver {
  @Authorized()
  @Subscription(() => AccountEvent, {
    topics: 'ACCOUNT_EVENT',
    // One channel per user: nobody receives another user's events.
    topicId: ({ context }: { context: Context }) => context.principal!.user.id,
    description: 'Live changes to your account: API keys, nodes connecting and disconnecting, memberships',
  })
  accountEvents(@Root() event: AccountEvent): AccountEvent {
    return event;
  }
}
