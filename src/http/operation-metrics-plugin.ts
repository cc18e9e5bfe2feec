import type { ApolloServerPlugin } from '@apollo/server';
import { trace } from '@opentelemetry/api';
import type { GatewayContext } from '../graphql/context';
import type { GatewayMetrics, OperationOutcome } from '../observability/metrics';

/**
 * GraphQL over HTTP, observed: each operation's latency by name, type and outcome, and the
 * operation's span (opened around the request by the HTTP handler) named after it.
 */
export function operationMetricsPlugin(metrics: GatewayMetrics): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      const started = performance.now();
      let executed = false;
      return {
        async didResolveOperation({ operation, operationName }) {
          const span = trace.getActiveSpan();
          if (!operation) return;
          span?.updateName(`${operation.operation} ${operationName ?? 'anonymous'}`);
          span?.setAttributes({
            'graphql.operation.type': operation.operation,
            'graphql.operation.name': operationName ?? '',
          });
        },
        async executionDidStart() {
          executed = true;
        },
        async willSendResponse({ response, operation, operationName, errors }) {
          const failed = errors !== undefined && errors.length > 0;
          const outcome: OperationOutcome = !executed ? 'invalid' : failed || hasErrors(response.body) ? 'error' : 'ok';
          metrics.recordOperation({
            transport: 'http',
            type: operation?.operation,
            name: operation ? (operationName ?? null) : undefined,
            outcome,
            seconds: (performance.now() - started) / 1000,
          });
        },
      };
    },
  };
}

function hasErrors(body: { kind: string; singleResult?: { errors?: readonly unknown[] } }): boolean {
  return body.kind === 'single' && (body.singleResult?.errors?.length ?? 0) > 0;
}
