import { Arg, Args, Authorized, Ctx, Field, ID, Mutation, ObjectType, Query, Resolver } from 'type-graphql';
import { ConnectionType, PageArgs, type Page } from '../graphql/connection.js';
import type { Context } from '../graphql/context.js';
import { SubscribeInput, UpdateSubscriptionInput } from './notifications.inputs.js';
import { SubjectKind } from './subject.js';
import { NotificationSubscription } from './subscription.entity.js';
import { WebhookDelivery } from './webhook-delivery.entity.js';

const SubscriptionConnection = ConnectionType(NotificationSubscription, 'NotificationSubscription');
const WebhookDeliveryConnection = ConnectionType(WebhookDelivery, 'WebhookDelivery');

@ObjectType('SubscribePayload')
export class SubscribePayload {
  @Field(() => NotificationSubscription) subscription: NotificationSubscription;

  @Field(() => String, {
    nullable: true,
    description: 'The webhook signing secret, when this call made one. Shown this once only: keep it to verify X-AIMass-Signature',
  })
  webhookSecret: string | null;
}

@Resolver()
export class SubscriptionsResolver {
  @Authorized()
  @Mutation(() => SubscribePayload, {
    description: 'Follow a model or dataset you can read (NOT_FOUND otherwise; CONFLICT if you already do), optionally with a webhook and (models) a plan',
  })
  subscribe(@Arg('input', () => SubscribeInput) input: SubscribeInput, @Ctx() ctx: Context): Promise<SubscribePayload> {
    return ctx.services.subscriptions.subscribe(ctx.principal!, input);
  }

  @Authorized()
  @Mutation(() => SubscribePayload, { description: 'Change the webhook or plan of one of your subscriptions' })
  updateSubscription(
    @Arg('id', () => ID) id: string,
    @Arg('input', () => UpdateSubscriptionInput) input: UpdateSubscriptionInput,
    @Ctx() ctx: Context,
  ): Promise<SubscribePayload> {
    return ctx.services.subscriptions.update(ctx.principal!, id, input);
  }

  @Authorized()
  @Mutation(() => Boolean, { description: 'Stop following; pending webhook deliveries are dropped, your inbox keeps its items' })
  unsubscribe(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<boolean> {
    return ctx.services.subscriptions.unsubscribe(ctx.principal!, id);
  }

  @Authorized()
  @Query(() => SubscriptionConnection, { description: 'What you follow, newest first' })
  mySubscriptions(
    @Args(() => PageArgs) page: PageArgs,
    @Arg('kind', () => SubjectKind, { nullable: true }) kind: SubjectKind | null,
    @Ctx() ctx: Context,
  ): Promise<Page<NotificationSubscription>> {
    return ctx.services.subscriptions.list(ctx.principal!, page, kind ?? null);
  }

  @Authorized()
  @Query(() => NotificationSubscription, { description: 'One of your subscriptions' })
  subscription(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<NotificationSubscription> {
    return ctx.services.subscriptions.get(ctx.principal!, id);
  }

  @Authorized()
  @Query(() => NotificationSubscription, { nullable: true, description: 'Your subscription to owner/name, or null if you do not follow it' })
  subscriptionTo(
    @Arg('kind', () => SubjectKind) kind: SubjectKind,
    @Arg('owner', () => String) owner: string,
    @Arg('name', () => String) name: string,
    @Ctx() ctx: Context,
  ): Promise<NotificationSubscription | null> {
    return ctx.services.subscriptions.to(ctx.principal!, kind, owner, name);
  }

  @Authorized()
  @Query(() => WebhookDeliveryConnection, { description: 'The webhook delivery log of one of your subscriptions, newest first' })
  webhookDeliveries(
    @Arg('subscriptionId', () => ID) subscriptionId: string,
    @Args(() => PageArgs) page: PageArgs,
    @Ctx() ctx: Context,
  ): Promise<Page<WebhookDelivery>> {
    return ctx.services.subscriptions.deliveries(ctx.principal!, subscriptionId, page);
  }
}
