import pino, { type Logger } from 'pino';

/**
 * The gateway's logger: JSON lines, written asynchronously so a slow terminal or disk never
 * stalls a request. Credentials are redacted wherever they could appear.
 */
export function createLogger(options: { level?: string; destination?: number | string } = {}): Logger {
  return pino(
    {
      level: options.level ?? process.env.LOG_LEVEL ?? 'info',
      redact: {
        paths: ['*.api_key', '*.apiKey', '*.authorization', '*["x-api-key"]', 'headers.authorization', '*.headers.authorization'],
        censor: '[redacted]',
      },
    },
    pino.destination({ dest: options.destination ?? 1, sync: false }),
  );
}
