import type { ApolloServerPlugin } from '@apollo/server';
import { statementsSentSoFar, statementsSoFar } from '../db/statement-count.js';
import { operationLabel, type Metrics } from '../metrics.js';
import type { Context } from './context.js';

/**
 * Records how many SQL statements each GraphQL operation over HTTP sent (the server runs every
 * /graphql request inside `countStatements`, db/statement-count.ts): always in the
 * `aimass_graphql_sql_statements` histogram; in the response's `extensions.sqlStatements` when
 * AIMASS_DEBUG_SQL_COUNT is on, and the statements themselves in `extensions.sql` when
 * AIMASS_DEBUG_SQL_TEXT is on. The count includes authenticating the caller.
 */
export function sqlStatementsPlugin(metrics: Metrics, inResponse: { count: boolean; text: boolean }): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ operation, operationName, response }) {
          const statements = statementsSoFar();
          if (statements === undefined) return;
          metrics.graphqlSqlStatements.observe({ operation: operationLabel(operationName), type: operation?.operation ?? 'unknown' }, statements);
          if (response.body.kind !== 'single') return;
          const extensions = { ...response.body.singleResult.extensions };
          if (inResponse.count) extensions.sqlStatements = statements;
          if (inResponse.text) extensions.sql = statementsSentSoFar();
          if (inResponse.count || inResponse.text) response.body.singleResult.extensions = extensions;
        },
      };
    },
  };
}
