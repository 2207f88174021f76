/**
 * Counting the SQL statements one unit of work sends (a GraphQL operation over HTTP), so that "a
 * page of 50 models costs as many statements as a page of 5" is measured, not assumed.
 *
 * The count lives in an AsyncLocalStorage scope opened around the work ({@link countStatements});
 * TypeORM tells {@link statementCountingLogger} of every statement its query runners send
 * (`DataSource.query`, repositories, query builders, transactions' BEGIN/COMMIT alike), and the
 * logger adds one to the scope the statement was sent from. Statements outside any scope
 * (housekeeping, the scheduler, agents) are not counted. The logger logs nothing: the hub runs
 * TypeORM with logging off, and this keeps it so.
 *
 * A scope opened with `keepText` also keeps each statement's text, parameters and prepared name
 * (AIMASS_DEBUG_SQL_TEXT): the catalog benchmark replays them in its bare graphql-js server, so
 * that server sends exactly the SQL the hub sent for the same request.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Logger as TypeOrmLogger } from 'typeorm';

/** One statement as sent: `name` when it went as a named prepared statement (db/named-statement.ts). */
export interface SentStatement {
  text: string;
  parameters: unknown[];
  name?: string;
}

interface Tally {
  statements: number;
  sent?: SentStatement[];
}

const scope = new AsyncLocalStorage<Tally>();

/** Runs `work` (and everything it starts, asynchronously too) in a new counting scope. */
export function countStatements<T>(work: () => T, keepText = false): T {
  return scope.run(keepText ? { statements: 0, sent: [] } : { statements: 0 }, work);
}

/** Statements sent so far in the current scope; undefined outside one. */
export function statementsSoFar(): number | undefined {
  return scope.getStore()?.statements;
}

/** The statements sent so far in the current scope, when it keeps their text. */
export function statementsSentSoFar(): SentStatement[] | undefined {
  return scope.getStore()?.sent;
}

const ignore = () => undefined;

/** The DataSource's `logger`: counts, logs nothing. */
export const statementCountingLogger: TypeOrmLogger = {
  logQuery(query: string | { name: string; text: string }, parameters?: unknown[]) {
    const tally = scope.getStore();
    if (!tally) return;
    tally.statements += 1;
    // A named statement arrives as pg's { name, text } (db/named-statement.ts).
    tally.sent?.push(typeof query === 'string' ? { text: query, parameters: parameters ?? [] } : { text: query.text, parameters: parameters ?? [], name: query.name });
  },
  logQueryError: ignore,
  logQuerySlow: ignore,
  logSchemaBuild: ignore,
  logMigration: ignore,
  log: ignore,
};
