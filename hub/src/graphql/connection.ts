/**
 * The GraphQL shape of a page of a list (db/paging.ts): `PageInfo`, the `first`/`after` arguments
 * and `<Name>Connection` / `<Name>Edge` object types, after Relay's cursor connections
 * (https://relay.dev/graphql/connections.htm).
 */
import { Kind, type FieldNode, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';
import { ArgsType, Field, Int, ObjectType, type ClassType } from 'type-graphql';
import type { Page, PageArgs as PageRequest, PageInfo as PageInfoShape } from '../db/paging.js';

export type { Edge, Page } from '../db/paging.js';

// simpleResolvers: graphql-js's default resolver reads these fields, not type-graphql's wrapper (an
// object and a closure per field; no field here has middleware or roles). Lists of 50 rows resolve
// over a thousand such fields a page (docs/performance.md, catalog search).
@ObjectType('PageInfo', { simpleResolvers: true })
export class PageInfo implements PageInfoShape {
  @Field(() => Boolean) hasNextPage: boolean;
  @Field(() => Boolean) hasPreviousPage: boolean;
  @Field(() => String, { nullable: true }) startCursor: string | null;
  @Field(() => String, { nullable: true }) endCursor: string | null;
}

@ArgsType()
export class PageArgs implements PageRequest {
  @Field(() => Int, { nullable: true, description: 'How many items, 1–100 (default 20)' })
  first?: number | null;

  @Field(() => String, { nullable: true, description: 'endCursor of the previous page' })
  after?: string | null;
}

/** Builds `<Name>Connection` and `<Name>Edge` object types for a node type. */
export function ConnectionType<T extends object>(node: ClassType<T>, name: string): ClassType<Page<T>> {
  @ObjectType(`${name}Edge`, { simpleResolvers: true })
  class EdgeType {
    @Field(() => String) cursor: string;
    @Field(() => node) node: T;
  }

  @ObjectType(`${name}Connection`, { simpleResolvers: true })
  class Connection {
    @Field(() => [EdgeType]) edges: EdgeType[];
    @Field(() => PageInfo) pageInfo: PageInfo;
    @Field(() => Int) totalCount: number;
  }
  return Connection;
}

/**
 * Names of the fields a connection query selects on its nodes (`edges { node { … } }`), through
 * fragments and inline fragments, so its resolver can read what they need with the page. A field
 * under `@skip`/`@include` counts as selected: reading it anyway costs a little, never an answer.
 */
export function selectedNodeFields(info: Pick<GraphQLResolveInfo, 'fieldNodes' | 'fragments'>): Set<string> {
  return selectedFieldsAt(info, ['edges', 'node']);
}

/**
 * Names of the fields selected at `path` below the resolved field (e.g. `['edges', 'node',
 * 'latestVersion']`), as {@link selectedNodeFields} finds them; empty when nothing is selected there.
 */
export function selectedFieldsAt(info: Pick<GraphQLResolveInfo, 'fieldNodes' | 'fragments'>, path: readonly string[]): Set<string> {
  const names = new Set<string>();
  const fieldsOf = (set: SelectionSetNode | undefined, visit: (field: FieldNode) => void): void => {
    for (const selection of set?.selections ?? []) {
      if (selection.kind === Kind.FIELD) visit(selection);
      else if (selection.kind === Kind.INLINE_FRAGMENT) fieldsOf(selection.selectionSet, visit);
      else {
        // Validation has refused fragment cycles before any resolver runs.
        const fragment = info.fragments[selection.name.value];
        if (fragment) fieldsOf(fragment.selectionSet, visit);
      }
    }
  };
  const walk = (field: FieldNode, depth: number): void => {
    if (depth === path.length) {
      fieldsOf(field.selectionSet, (selected) => names.add(selected.name.value));
      return;
    }
    fieldsOf(field.selectionSet, (child) => {
      if (child.name.value === path[depth]) walk(child, depth + 1);
    });
  };
  for (const field of info.fieldNodes) walk(field, 0);
  return names;
}
