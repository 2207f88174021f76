import { Arg, Authorized, Ctx, Int, Mutation, Resolver, Root, Subscription } from 'type-graphql';
import type { Context } from '../graphql/context.js';
import { whileReadable } from '../graphql/while-readable.js';
import { ModelEvent } from './model-event.js';
import { ModelVersion } from './model-version.entity.js';

@Resolver()
export class PublishingResolver {
  @Authorized()
  @Mutation(() => ModelVersion, { description: 'Write the model card of a draft version (markdown)' })
  setModelCard(
    @Arg('owner', () => String) owner: string,
    @Arg('name', () => String) name: string,
    @Arg('number', () => Int) number: number,
    @Arg('card', () => String) card: string,
    @Ctx() ctx: Context,
  ): Promise<ModelVersion> {
    return ctx.services.publishing.setCard(ctx.principal!, owner, name, number, card);
  }

  @Authorized()
  @Mutation(() => ModelVersion, { description: 'Publish a draft; needs a model card and a license on the model' })
  publishModelVersion(@Arg('owner', () => String) owner: string, @Arg('name', () => String) name: string, @Arg('number', () => Int) number: number, @Ctx() ctx: Context): Promise<ModelVersion> {
    return ctx.services.publishing.publish(ctx.principal!, owner, name, number);
  }

  @Authorized()
  @Mutation(() => ModelVersion, { description: 'Deprecate a published version, saying why and what to use instead' })
  deprecateModelVersion(
    @Arg('owner', () => String) owner: string,
    @Arg('name', () => String) name: string,
    @Arg('number', () => Int) number: number,
    @Arg('message', () => String) message: string,
    @Ctx() ctx: Context,
  ): Promise<ModelVersion> {
    return ctx.services.publishing.deprecate(ctx.principal!, owner, name, number, message);
  }

  @Authorized()
  @Mutation(() => ModelVersion, { description: 'Take a published or deprecated version back to draft' })
  unpublishModelVersion(@Arg('owner', () => String) owner: string, @Arg('name', () => String) name: string, @Arg('number', () => Int) number: number, @Ctx() ctx: Context): Promise<ModelVersion> {
    return ctx.services.publishing.unpublish(ctx.principal!, owner, name, number);
  }

  @Authorized()
  @Subscription(() => ModelEvent, {
    // A model you may not see is NOT_FOUND here too; access is checked again for every event.
    subscribe: async ({ args, context }) => {
      const ctx = context as Context;
      const { owner, name } = args as { owner: string; name: string };
      const model = await ctx.services.catalog.get(ctx.principal, owner, name);
      return whileReadable(ctx.services.events.subscribe('MODEL_EVENT', model.id), () => ctx.services.catalog.get(ctx.principal, owner, name));
    },
    description: 'Versions of a model being published, deprecated or unpublished',
  })
  modelEvents(@Root() event: ModelEvent, @Arg('owner', () => String) _owner: string, @Arg('name', () => String) _name: string): ModelEvent {
    return event;
  }
}
