import { pino, type Logger } from 'pino';

/**
 * Keys whose values are secrets wherever they appear in a log object. `code` is not one of them,
 * because it carries marketplace error codes such as invalid_grant. Authorization codes are never
 * logged, and the test suite's secret check would catch one.
 */
export const SECRET_KEYS = [
  'accessToken', 'refreshToken', 'access_token', 'refresh_token', 'clientSecret', 'client_secret',
  'authorizationCode', 'codeVerifier', 'code_verifier', 'authorization', 'token', 'secret', 'password', 'apiKey',
  'secretKey', 'tempToken',
];

const redactPaths = SECRET_KEYS.flatMap((key) => [key, `*.${key}`, `*.*.${key}`, `headers.${key}`]);

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: { service: 'egdc-integrations' },
    redact: { paths: redactPaths, censor: '[redacted]' },
  };
  return destination ? pino(options, destination) : pino(options);
}

export type { Logger };
