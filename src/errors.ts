import type { MessageKey, MessageParams } from './i18n/index.js';

/** Every `extensions.code` a client can see. Anything else is reported as INTERNAL_SERVER_ERROR. */
export const PUBLIC_ERROR_CODES = [
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'BAD_USER_INPUT',
  'CONFLICT',
  'RATE_LIMITED',
  'MARKETPLACE_UNAVAILABLE',
  'INTERNAL_SERVER_ERROR',
] as const;
export type PublicErrorCode = (typeof PUBLIC_ERROR_CODES)[number];

/**
 * An expected failure a caller can act on, thrown by services. `message` is English, for logs; the
 * GraphQL error chokepoint sends `code` and the text of `messageKey` in the caller's language.
 */
export class AppError extends Error {
  override name = 'AppError';

  constructor(
    readonly code: PublicErrorCode,
    readonly messageKey: MessageKey,
    message: string,
    readonly params: MessageParams = {},
  ) {
    super(message);
  }
}
