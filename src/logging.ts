import { pino, type Logger } from 'pino';

/** Keys whose values are secrets wherever they appear in a log object. */
export const SECRET_KEYS = [
  'accessToken', 'refreshToken', 'access_token', 'refresh_token', 'clientSecret', 'client_secret',
  'code', 'codeVerifier', 'code_verifier', 'authorization', 'token', 'secret', 'password', 'apiKey',
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
