import type { ApolloServerPlugin } from '@apollo/server';
import { statementsSoFar } from '../db/statement-count.js';
import { operationLabel, type Metrics } from '../metrics.js';
import type { Context } from './context.js';

/**
 * Records how many SQL statements each GraphQL operation over HTTP sent (the server runs every
 * /graphql request inside `countStatements`, db/statement-count.ts): always in the
 * `aimass_graphql_sql_statements` histogram, and in the response's `extensions.sqlStatements`
 * when AIMASS_DEBUG_SQL_COUNT is on. The count includes authenticating the caller.
 */
export function sqlStatementsPlugin(metrics: Metrics, inResponse: boolean): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ operation, operationName, response }) {
          const statements = statementsSoFar();
          if (statements === undefined) return;
          metrics.graphqlSqlStatements.observe({ operation: operationLabel(operationName), type: operation?.operation ?? 'unknown' }, statements);
          if (inResponse && response.body.kind === 'single') {
            response.body.singleResult.extensions = { ...response.body.singleResult.extensions, sqlStatements: statements };
          }
        },
      };
    },
  };
}
