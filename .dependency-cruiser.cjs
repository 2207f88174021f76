/**
 * The hub's import rules (docs/hub-modules.md), checked by test/import-graph.test.ts.
 *
 * - No import circles, type-only imports included.
 * - A domain (a folder under hub/src named below) imports another domain only through that
 *   domain's index.ts: its module and public surface. Entities are part of that surface.
 * - The ground floor imports no domain and no wiring: anyone may use it.
 * - The node agent imports nothing of the hub's (the protocol lives in schema/).
 */
const DOMAINS = '(accounts|architectures|artifacts|catalog|compute|datasets|ml|notifications|sharing|sql|storage|training)';
/** Files every domain may use, that use no domain. */
const FLOOR = [
  '^hub/src/db/',
  '^hub/src/http/(client-address|error-handler|request-context|security-headers|bearer|body-size)',
  '^hub/src/graphql/(connection|format-error|keyset-search|metrics-plugin|sql-statements-plugin|while-readable)\\.ts$',
  '^hub/src/(access|validation)',
  '^hub/src/(errors|config|logger|metrics|pubsub|module)\\.ts$',
];

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'An import circle: modules in it load in an order no one chose, and none of them stands alone.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-domain-internals',
      severity: 'error',
      comment: "A domain imports another domain only through its index.ts (the module's public surface).",
      from: { path: `^hub/src/${DOMAINS}/` },
      to: { path: `^hub/src/${DOMAINS}/`, pathNot: ['^hub/src/$1/', `^hub/src/${DOMAINS}/index\\.ts$`] },
    },
    {
      name: 'floor-imports-no-domain',
      severity: 'error',
      comment: 'The ground floor is used by every domain, so it uses none (and none of the wiring).',
      from: { path: FLOOR },
      to: { path: '^hub/src/', pathNot: FLOOR },
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
