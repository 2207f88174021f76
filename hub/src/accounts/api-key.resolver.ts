import { Arg, Args, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { ConnectionType, PageArgs, type Page } from '../graphql/connection.js';
import type { Context } from '../graphql/context.js';
import { CreateApiKeyInput, CreateApiKeyPayload } from './accounts.inputs.js';
import { ApiKey } from './api-key.entity.js';

const ApiKeyConnection = ConnectionType(ApiKey, 'ApiKey');

/** API keys are managed from a signed-in session only: a key cannot mint or revoke keys. */
@Resolver(() => ApiKey)
export class ApiKeyResolver {
  @Authorized()
  @Query(() => ApiKeyConnection, { description: 'Your API keys, newest first' })
  apiKeys(
    @Args(() => PageArgs) page: PageArgs,
    @Arg('includeRevoked', () => Boolean, { nullable: true }) includeRevoked: boolean | null,
    @Ctx() ctx: Context,
  ): Promise<Page<ApiKey>> {
    return ctx.services.apiKeys.list(ctx.principal!, { ...page, includeRevoked });
  }

  @Authorized()
  @Mutation(() => CreateApiKeyPayload)
  createApiKey(@Arg('input', () => CreateApiKeyInput) input: CreateApiKeyInput, @Ctx() ctx: Context): Promise<CreateApiKeyPayload> {
    return ctx.services.apiKeys.create(ctx.principal!, input);
  }

  @Authorized()
  @Mutation(() => ApiKey)
  revokeApiKey(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<ApiKey> {
    return ctx.services.apiKeys.revoke(ctx.principal!, id);
  }
}
