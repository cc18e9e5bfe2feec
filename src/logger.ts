import pino, { type Logger } from 'pino';
import { currentRequestScope } from './observability/request-scope';

/**
 * Structured JSON logs (pino). Credentials are redacted wherever they could appear, so an
 * API key or callback token never reaches a log line even if an object carrying one is logged.
 * A line written on behalf of a request (see runInRequestScope) carries its `requestId`.
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'spark-dance-gateway' },
      timestamp: pino.stdTimeFunctions.isoTime,
      mixin: requestIdOfScope,
      redact: {
        paths: [
          'authorization',
          'apiKey',
          '*.authorization',
          '*.apiKey',
          'headers.authorization',
          'req.headers.authorization',
          'connectionParams',
        ],
        censor: '[redacted]',
      },
    },
    destination,
  );
}

function requestIdOfScope(): { requestId?: string } {
  const scope = currentRequestScope();
  return scope ? { requestId: scope.requestId } : {};
}
