/**
 * Public error codes, sent in GraphQL `extensions.code`. Services throw `AppError` with one of these
 * and a message key; the GraphQL error chokepoint localizes the message for the caller.
 */
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

/** An expected failure a caller can act on. `message` is English, for logs; merchants see `key` localized. */
export class AppError extends Error {
  override name = 'AppError';

  constructor(
    readonly code: PublicErrorCode,
    /** i18n message key, such as `errors.connectionNotFound`. */
    readonly key: string,
    message: string,
    readonly params: Record<string, string | number> = {},
  ) {
    super(message);
  }
}
