import type { ApolloServerPlugin } from '@apollo/server';
import { AppError } from '../errors.js';
import { operationLabel, type Metrics } from '../metrics.js';
import type { Context } from './context.js';

/** Counts and times every GraphQL operation over HTTP, labelled by operation name, type and outcome. */
export function metricsPlugin(metrics: Metrics): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      const started = process.hrtime.bigint();
      return {
        async willSendResponse({ operation, operationName, errors }) {
          const labels = { operation: operationLabel(operationName), type: operation?.operation ?? 'unknown' };
          const first = errors?.[0];
          const code = first?.originalError instanceof AppError ? first.originalError.code : first?.extensions?.code;
          metrics.graphqlOperations.inc({ ...labels, outcome: errors?.length ? String(code ?? 'error') : 'ok' });
          metrics.graphqlDuration.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
        },
      };
    },
  };
}
