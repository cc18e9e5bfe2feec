import pino, { type Logger } from 'pino';

/**
 * Structured JSON logs (pino). Credentials are redacted wherever they could appear, so an
 * API key or callback token never reaches a log line even if an object carrying one is logged.
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'spark-dance-gateway' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: {
        paths: ['authorization', 'apiKey', '*.authorization', '*.apiKey', 'headers.authorization', 'req.headers.authorization', 'connectionParams'],
        censor: '[redacted]',
      },
    },
    destination,
  );
}
