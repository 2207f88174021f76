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
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Logger as TypeOrmLogger } from 'typeorm';

interface Tally {
  statements: number;
}

const scope = new AsyncLocalStorage<Tally>();

/** Runs `work` (and everything it starts, asynchronously too) in a new counting scope. */
export function countStatements<T>(work: () => T): T {
  return scope.run({ statements: 0 }, work);
}

/** Statements sent so far in the current scope; undefined outside one. */
export function statementsSoFar(): number | undefined {
  return scope.getStore()?.statements;
}

const ignore = () => undefined;

/** The DataSource's `logger`: counts, logs nothing. */
export const statementCountingLogger: TypeOrmLogger = {
  logQuery() {
    const tally = scope.getStore();
    if (tally) tally.statements += 1;
  },
  logQueryError: ignore,
  logQuerySlow: ignore,
  logSchemaBuild: ignore,
  logMigration: ignore,
  log: ignore,
};
