/**
 * The portal's API types are generated from schema/schema.graphql (web/src/api/generated.ts, by
 * `npm run types:web`), and every document the portal sends is valid against that schema. With
 * `tsc -p web` in `npm run typecheck`, an API change breaks the portal at compile time.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildSchema, Kind, parse, validate, type DocumentNode, type OperationDefinitionNode } from 'graphql';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import { describe, expect, it } from 'vitest';
import { VARIABLES } from '../hub/src/config.js';
import { findDocuments, generateTypes, OUTPUT_FILE, SCHEMA_FILE, SOURCE_DIR } from '../web/scripts/generate-types.mjs';

const schemaText = readFileSync(SCHEMA_FILE, 'utf8');

/**
 * The operations exported by web/src/**\/*-operations.ts, as the portal sends them (with their
 * fragments spliced in); one re-exported by a second module counts once.
 */
async function sentDocuments(): Promise<{ name: string; document: DocumentNode }[]> {
  const files = readdirSync(SOURCE_DIR, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('-operations.ts'))
    .sort();
  const sent = new Map<string, { name: string; document: DocumentNode }>();
  for (const file of files) {
    const module = (await import(pathToFileURL(join(SOURCE_DIR, file)).href)) as Record<string, unknown>;
    for (const [name, value] of Object.entries(module)) {
      if (typeof value !== 'string' || sent.has(value)) continue;
      const document = parse(value);
      // An exported fragment (shared between modules) is checked within the operations that use it.
      if (document.definitions.some((d) => d.kind === Kind.OPERATION_DEFINITION)) sent.set(value, { name: `${file}#${name}`, document });
    }
  }
  return [...sent.values()];
}

function operationName(document: DocumentNode): string | undefined {
  const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  return operation?.name?.value;
}

describe('portal API types', () => {
  it('web/src/api/generated.ts is what npm run types:web writes from the schema and the documents', async () => {
    const checkedIn = readFileSync(OUTPUT_FILE, 'utf8');
    const generated = await generateTypes();
    expect(checkedIn, 'web/src/api/generated.ts is stale: run npm run types:web').toBe(generated);
  });

  it('every operation the portal sends is valid against schema/schema.graphql', async () => {
    const schema = buildSchema(schemaText);
    const sent = await sentDocuments();
    expect(sent.length).toBeGreaterThan(80);
    for (const { name, document } of sent) {
      expect(operationName(document), `${name} is a named operation`).toBeTruthy();
      expect(validate(schema, document).map((error) => error.message), name).toEqual([]);
    }
  });

  it("every operation passes the hub's default depth, alias and cost limits", async () => {
    // As hub/src/server.ts configures graphql-armor, with the configuration's defaults.
    const armor = new ApolloArmor({
      maxDepth: { n: Number(VARIABLES.AIMASS_GRAPHQL_MAX_DEPTH.default), ignoreIntrospection: true },
      maxAliases: { n: Number(VARIABLES.AIMASS_GRAPHQL_MAX_ALIASES.default) },
      costLimit: { maxCost: Number(VARIABLES.AIMASS_GRAPHQL_MAX_COST.default) },
      maxTokens: { enabled: false },
      maxDirectives: { n: Number(VARIABLES.AIMASS_GRAPHQL_MAX_DIRECTIVES.default) },
    }).protect();
    const schema = buildSchema(schemaText);
    for (const { name, document } of await sentDocuments()) {
      expect(validate(schema, document, armor.validationRules).map((error) => error.message), name).toEqual([]);
    }
  });

  it('every marked operation is sent, and operation names are unique', async () => {
    const sentNames = (await sentDocuments()).map(({ document }) => operationName(document));
    expect(new Set(sentNames).size, 'two exported documents share an operation name').toBe(sentNames.length);
    const marked = findDocuments()
      .map(({ source }) => operationName(parse(source)))
      .filter((name) => name !== undefined);
    expect([...marked].sort()).toEqual([...sentNames].sort());
  });

  it('a field renamed in the schema fails generation and validation, naming the field', async () => {
    const renamed = schemaText.replace(/^(\s+)placement: String!$/m, '$1placementText: String!');
    expect(renamed).not.toBe(schemaText);
    await expect(generateTypes(renamed)).rejects.toThrow(
      'web/src/api/compute-operations.ts: Jobs: Cannot query field "placement" on type "Job". Did you mean "placementText"?',
    );
    const job = (await sentDocuments()).find(({ name }) => name.endsWith('#JOB'))!;
    expect(validate(buildSchema(renamed), job.document).map((error) => error.message).join('\n')).toMatch(/Cannot query field "placement" on type "Job"/);
  });
});
