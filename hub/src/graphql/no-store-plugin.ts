import type { ApolloServerPlugin } from '@apollo/server';
import type { Context } from './context.js';

/**
 * `Cache-Control: no-store` on every GraphQL answer over HTTP, which is what Apollo's default cache
 * control plugin sends for this schema (no `@cacheControl` hints, so every answer is uncacheable).
 * That plugin works the answer out per resolved field (a `willResolveField` hook, which makes Apollo
 * wrap every resolver of every request): on a catalog page of 50 models that is about 1,500 calls
 * and the garbage they leave, for a header that never changes. server.ts installs this one and
 * `ApolloServerPluginCacheControlDisabled()` instead. A header set earlier in the request is kept.
 */
export function noStorePlugin(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          if (!response.http.headers.has('cache-control')) response.http.headers.set('cache-control', 'no-store');
        },
      };
    },
  };
}
