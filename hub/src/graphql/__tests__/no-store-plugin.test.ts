import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { buildSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import { noStorePlugin } from '../no-store-plugin.js';

const schema = buildSchema(`type Query { hello: String! fails: String! }`);
const rootValue = {
  hello: () => 'hi',
  fails: () => {
    throw new Error('no');
  },
};

/** The Cache-Control header Apollo answers `query` with, given `plugins`. */
async function cacheControl(plugins: ApolloServerPlugin[], query: string): Promise<string | undefined> {
  const server = new ApolloServer({ schema, rootValue, plugins });
  await server.start();
  try {
    const res = await server.executeOperation({ query });
    return res.http.headers.get('cache-control');
  } finally {
    await server.stop();
  }
}

describe('noStorePlugin', () => {
  it('answers the same Cache-Control as Apollo’s default cache control plugin, without its per-field hook', async () => {
    for (const query of ['{ hello }', '{ fails }', '{ nope }', '{']) {
      const apollo = await cacheControl([], query);
      const ours = await cacheControl([ApolloServerPluginCacheControlDisabled(), noStorePlugin() as ApolloServerPlugin], query);
      expect(ours, query).toBe(apollo);
      expect(ours, query).toBe('no-store');
    }
  });

  it('keeps a Cache-Control header set earlier in the request', async () => {
    const earlier: ApolloServerPlugin = {
      async requestDidStart() {
        return {
          async willSendResponse({ response }) {
            response.http.headers.set('cache-control', 'private, max-age=0');
          },
        };
      },
    };
    expect(await cacheControl([ApolloServerPluginCacheControlDisabled(), earlier, noStorePlugin() as ApolloServerPlugin], '{ hello }')).toBe('private, max-age=0');
  });
});
