import { Arg, Args, Authorized, Ctx, ID, Int, Mutation, Query, Resolver, Root, Subscription } from 'type-graphql';
import { ConnectionType, PageArgs, type Page } from '../graphql/connection.js';
import type { Context } from '../graphql/context.js';
import { Notification } from './notification.entity.js';

const NotificationConnection = ConnectionType(Notification, 'Notification');

@Resolver()
export class NotificationsResolver {
  @Authorized()
  @Query(() => NotificationConnection, { description: 'Your inbox, newest first. Items about things you can no longer read are left out' })
  notifications(
    @Args(() => PageArgs) page: PageArgs,
    @Arg('unreadOnly', () => Boolean, { defaultValue: false }) unreadOnly: boolean,
    @Ctx() ctx: Context,
  ): Promise<Page<Notification>> {
    return ctx.services.notifications.list(ctx.principal!, page, unreadOnly);
  }

  @Authorized()
  @Query(() => Int)
  unreadNotificationCount(@Ctx() ctx: Context): Promise<number> {
    return ctx.services.notifications.unreadCount(ctx.principal!);
  }

  @Authorized()
  @Mutation(() => Int, { description: 'Marks these notifications read (at most 500); answers how many were unread. Ids not yours are ignored' })
  markNotificationsRead(@Arg('ids', () => [ID]) ids: string[], @Ctx() ctx: Context): Promise<number> {
    return ctx.services.notifications.markRead(ctx.principal!, ids);
  }

  @Authorized()
  @Mutation(() => Int, { description: 'Marks your whole inbox read; answers how many were unread' })
  markAllNotificationsRead(@Ctx() ctx: Context): Promise<number> {
    return ctx.services.notifications.markAllRead(ctx.principal!);
  }

  @Authorized()
  @Subscription(() => Notification, {
    topics: 'NOTIFICATION_ADDED',
    // One channel per user: nobody receives another user's notifications.
    topicId: ({ context }: { context: Context }) => context.principal!.user.id,
    description: 'Each new item of your inbox, as it arrives',
  })
  notificationAdded(@Root() notification: Notification): Notification {
    return notification;
  }
}
