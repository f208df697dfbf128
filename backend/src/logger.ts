import pino from 'pino';

/**
 * JSON logs. Secrets never reach a log line: these paths are redacted wherever they appear, and
 * handlers log ids, never bodies.
 * @internal exported for its tests
 */
export const REDACT_PATHS = [
  'password',
  '*.password',
  'token',
  '*.token',
  'access_token',
  '*.access_token',
  'refresh_token',
  '*.refresh_token',
  'authorization',
  '*.authorization',
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.cookie',
  'card',
  '*.card',
  'client_secret',
  '*.client_secret',
  'payment_method',
  '*.payment_method',
];

export function createLogger(level: string) {
  return pino({ level, redact: { paths: REDACT_PATHS, censor: '[redacted]' }, base: { service: 'backend' } });
}
export type Logger = ReturnType<typeof createLogger>;
