import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // One copy of graphql under Vitest (see STACK.md): otherwise "Cannot use GraphQLObjectType from another module or realm".
    alias: { graphql: 'graphql/index.js' },
  },
  test: {
    include: ['test/**/*.test.ts', '{hub,node-agent,schema}/**/__tests__/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
    reporters: ['default'],
  },
});
