/**
 * Checks one GraphQL operation before anything of it runs, for HTTP (an Apollo plugin) and for
 * graphql-ws (its onSubscribe) alike:
 * - an API key must carry what each root field declares in {@link OPERATION_ACCESS};
 * - no text in any argument, literal or variable, holds characters PostgreSQL refuses (NUL) or
 *   that are not text at all (unpaired UTF-16 surrogates, which would be stored as U+FFFD).
 * Both answer with an AppError (FORBIDDEN, or BAD_USER_INPUT naming each field) that the caller
 * turns into a request error: nothing is executed.
 */
import {
  GraphQLError,
  Kind,
  getOperationAST,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';
import type { ApolloServerPlugin } from '@apollo/server';
import { requireKeyAccess } from '../accounts/key-access.js';
import type { Principal } from '../accounts/principal.js';
import { AppError, httpStatus, type FieldProblem } from '../errors.js';
import type { Context } from './context.js';
import { OPERATION_ACCESS } from './operation-access.js';

/** NUL, and UTF-16 surrogates that are not part of a pair (with the u flag a proper pair is one code point). */
const REFUSED_CHARACTERS = /[\u0000\p{Cs}]/u;
const REFUSED_MESSAGE = 'must not contain NUL (U+0000) or unpaired surrogate characters';

export interface GuardedOperation {
  schema: GraphQLSchema;
  document: DocumentNode;
  operationName?: string | null;
  variables?: Readonly<Record<string, unknown>> | null;
  principal: Principal | null;
}

export function guardOperation(op: GuardedOperation): void {
  const operation = getOperationAST(op.document, op.operationName ?? undefined);
  // Without one operation to run, graphql-js answers the request error itself.
  if (!operation) return;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of op.document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }

  const problems = refusedText(operation.selectionSet, fragments, op.variables ?? {});
  if (problems.length > 0) {
    throw new AppError('BAD_USER_INPUT', problems.map((p) => `${p.field}: ${p.message}`).join('; '), problems);
  }

  if (op.principal?.via !== 'apiKey') return;
  const rootType = op.schema.getRootType(operation.operation);
  if (!rootType) return;
  const declared = OPERATION_ACCESS[rootType.name as keyof typeof OPERATION_ACCESS];
  for (const field of rootFields(operation.selectionSet, fragments)) {
    if (field === '__typename') continue;
    const access = declared?.[field];
    // The schema test keeps this from happening; refusing is the safe answer if it ever does.
    if (access === undefined) throw new AppError('FORBIDDEN', `${rootType.name}.${field} declares no API key scope; use a session`);
    requireKeyAccess(op.principal, access);
  }
}

/** An AppError as the GraphQLError a request pipeline answers with, carrying its HTTP status. */
export function requestError(error: AppError): GraphQLError {
  return new GraphQLError(error.message, { originalError: error, extensions: { code: error.code, http: { status: httpStatus(error.code) } } });
}

/** Names of the root fields an operation selects, through fragments. */
function rootFields(selectionSet: SelectionSetNode, fragments: Map<string, FragmentDefinitionNode>, seen = new Set<string>()): Set<string> {
  const names = new Set<string>();
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) names.add(selection.name.value);
    else if (selection.kind === Kind.INLINE_FRAGMENT) for (const n of rootFields(selection.selectionSet, fragments, seen)) names.add(n);
    else {
      const fragment = fragments.get(selection.name.value);
      if (!fragment || seen.has(fragment.name.value)) continue;
      seen.add(fragment.name.value);
      for (const n of rootFields(fragment.selectionSet, fragments, seen)) names.add(n);
    }
  }
  return names;
}

/** Every argument of every field and directive the operation reaches, each text checked by its path (`input.tags.2`). */
function refusedText(selectionSet: SelectionSetNode, fragments: Map<string, FragmentDefinitionNode>, variables: Readonly<Record<string, unknown>>): FieldProblem[] {
  const problems = new Map<string, FieldProblem>();
  const refuse = (field: string) => problems.set(field, { field, message: REFUSED_MESSAGE });

  // Variables are JSON of any depth (a 100,000-deep array is a valid body): walk them with a stack
  // of our own, not recursion, so the guard never overflows the call stack.
  const checkJson = (root: unknown, rootPath: string): void => {
    const pending: [unknown, string][] = [[root, rootPath]];
    while (pending.length > 0) {
      const [value, path] = pending.pop()!;
      if (typeof value === 'string') {
        if (REFUSED_CHARACTERS.test(value)) refuse(path);
      } else if (Array.isArray(value)) {
        value.forEach((item, i) => pending.push([item, `${path}.${i}`]));
      } else if (value !== null && typeof value === 'object') {
        for (const [key, item] of Object.entries(value)) {
          if (REFUSED_CHARACTERS.test(key)) refuse(path);
          pending.push([item, `${path}.${key}`]);
        }
      }
    }
  };
  const checkValue = (value: ValueNode, path: string): void => {
    switch (value.kind) {
      case Kind.STRING:
        if (REFUSED_CHARACTERS.test(value.value)) refuse(path);
        return;
      case Kind.LIST:
        value.values.forEach((item, i) => checkValue(item, `${path}.${i}`));
        return;
      case Kind.OBJECT:
        for (const field of value.fields) checkValue(field.value, `${path}.${field.name.value}`);
        return;
      case Kind.VARIABLE:
        checkJson(variables[value.name.value], path);
        return;
      default:
        return;
    }
  };
  const seen = new Set<string>();
  const walk = (set: SelectionSetNode): void => {
    for (const selection of set.selections) {
      for (const directive of selection.directives ?? []) for (const arg of directive.arguments ?? []) checkValue(arg.value, arg.name.value);
      if (selection.kind === Kind.FIELD) {
        for (const arg of selection.arguments ?? []) checkValue(arg.value, arg.name.value);
        if (selection.selectionSet) walk(selection.selectionSet);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        walk(selection.selectionSet);
      } else {
        const fragment = fragments.get(selection.name.value);
        if (!fragment || seen.has(fragment.name.value)) continue;
        seen.add(fragment.name.value);
        walk(fragment.selectionSet);
      }
    }
  };
  walk(selectionSet);
  return [...problems.values()];
}

/** The guard for GraphQL over HTTP: runs once the operation is known, before it executes. */
export function operationGuardPlugin(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation(request) {
          try {
            guardOperation({
              schema: request.schema,
              document: request.document,
              operationName: request.operationName,
              variables: request.request.variables,
              principal: request.contextValue.principal,
            });
          } catch (error) {
            throw error instanceof AppError ? requestError(error) : error;
          }
        },
      };
    },
  };
}
