/**
 * The hub's import rules (docs/hub-modules.md), checked by test/import-graph.test.ts
 * (`npx depcruise hub/src node-agent/src --config .dependency-cruiser.cjs`).
 *
 * Layers of hub/src, bottom up:
 * - the ground floor (FLOOR): used by everyone, imports no domain;
 * - the doors (DOORS): the GraphQL plumbing that knows who is calling, so it reads the accounts
 *   domain's identity files (principal, key access, scopes) and nothing else of any domain;
 * - the domains (DOMAINS), one folder each, meeting only through each other's index.ts;
 * - the wiring (WIRING): builds the modules and the server; nothing imports it but itself.
 * And: no import circles (type-only imports count); the node agent imports nothing of the hub.
 */
const DOMAINS = '(accounts|architectures|artifacts|benchmarks|catalog|compute|datasets|evaluation|leaderboards|ml|notifications|promotion|retraining|serving|sharing|sql|storage|training)';
const FLOOR = [
  '^hub/src/db/',
  '^hub/src/http/',
  '^hub/src/graphql/(connection|format-error|keyset-search|while-readable|paging)',
  '^hub/src/(access|events|validation)(/|\\.ts$)',
  '^hub/src/(errors|config|config-parsers|config-variables|logger|metrics|module|tf)\\.ts$',
];
/** The event bus's topic map: it names the domain types its topics carry, as types only. */
const TOPICS = '^hub/src/pubsub\\.ts$';
const WIRING = ['^hub/src/(services|server|main|local-agent|entities|api-routes)\\.ts$', '^hub/src/graphql/(schema|print-schema)\\.ts$', '^hub/src/cli/'];
const DOORS = { path: '^hub/src/graphql/', pathNot: [...FLOOR, ...WIRING] };
const IDENTITY = '^hub/src/accounts/(principal|key-access|scopes)\\.ts$';

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'An import circle: its files load in an order no one chose, and none of them stands alone.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-domain-internals',
      severity: 'error',
      comment: "A domain imports another domain only through its index.ts (the module and its public surface, entities included).",
      from: { path: `^hub/src/${DOMAINS}/` },
      to: { path: `^hub/src/${DOMAINS}/`, pathNot: ['^hub/src/$1/', `^hub/src/${DOMAINS}/index\\.ts$`] },
    },
    {
      name: 'floor-imports-no-domain',
      severity: 'error',
      comment: 'The ground floor is used by every domain, so it uses none (nor the doors, nor the wiring).',
      from: { path: FLOOR },
      to: { path: '^hub/src/', pathNot: [...FLOOR, TOPICS] },
    },
    {
      name: 'topics-name-types-only',
      severity: 'error',
      comment: "The event bus's topic map may name domain types, as type-only imports.",
      from: { path: TOPICS },
      to: { path: '^hub/src/', pathNot: FLOOR, dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'doors-know-only-identity',
      severity: 'error',
      comment: "The GraphQL plumbing reads who is calling (accounts' principal, key access, scopes), nothing else of a domain.",
      from: DOORS,
      to: { path: `^hub/src/${DOMAINS}/`, pathNot: IDENTITY },
    },
    {
      name: 'nothing-imports-wiring',
      severity: 'error',
      comment: 'The wiring (services.ts, server.ts, entities.ts, api-routes.ts, graphql/schema.ts) builds the hub; no domain, door or floor file reaches back into it.',
      from: { pathNot: WIRING },
      to: { path: WIRING },
    },
    {
      name: 'no-unresolvable',
      severity: 'error',
      comment: 'An import the checker cannot resolve would drop out of the graph unchecked.',
      from: { path: '^(hub|node-agent)/src/' },
      to: { couldNotResolve: true, path: '^\\.' },
    },
    {
      name: 'agent-imports-no-hub',
      severity: 'error',
      comment: 'The agent and the hub share only the protocol (schema/).',
      from: { path: '^node-agent/src/' },
      to: { path: '^hub/src/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(__tests__|\\.test\\.ts$)' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
