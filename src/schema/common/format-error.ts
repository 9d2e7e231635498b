import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import type { Logger } from 'pino';
import { OptimisticLockError, UniqueConstraintViolationException } from '@mikro-orm/core';
import { isMessageKey, translate, type Locale } from '../../i18n/index.js';
import { isPublicErrorCode, PublicError, type PublicErrorCode } from './errors.js';

/**
 * The one place where errors become what clients see:
 * - expected failures keep their public code and get a localized text;
 * - request errors from GraphQL itself (syntax, validation, variables) become BAD_USER_INPUT with
 *   the GraphQL detail;
 * - everything else becomes INTERNAL_SERVER_ERROR with a generic text and is logged in full.
 * Stack traces are sent only when `exposeStackTraces` is set.
 */

export interface ErrorFormatOptions {
  locale: Locale;
  logger: Logger;
  exposeStackTraces: boolean;
  /**
   * True when the errors come from parsing, validating or coercing the request rather than from
   * running it. Apollo marks those itself; graphql-ws does not, so its hooks set this.
   */
  requestError?: boolean;
}

/** Apollo's codes for problems with the request itself (`ApolloServerErrorCode` in @apollo/server). */
const APOLLO_REQUEST_ERROR_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
]);

interface Classified {
  code: PublicErrorCode;
  message: string;
  /** Unexpected errors are logged with their stack; expected ones are not. */
  unexpected: boolean;
}

/** Converts any error to the public shape. Catches its own failures, which would otherwise hide the first error. */
export function formatPublicError(error: unknown, options: ErrorFormatOptions): GraphQLFormattedError {
  let classified: Classified;
  try {
    classified = classify(error, options);
  } catch (formatFailure) {
    options.logger.error({ err: formatFailure, cause: error }, 'formatting a GraphQL error failed');
    classified = { code: 'INTERNAL_SERVER_ERROR', message: genericMessage('INTERNAL_SERVER_ERROR', options.locale), unexpected: true };
  }
  const graphqlError = error instanceof GraphQLError ? error : null;
  if (classified.unexpected) {
    options.logger.error({ err: rootCause(error), path: graphqlError?.path }, 'unexpected error while handling a GraphQL request');
  }
  const stack = options.exposeStackTraces ? rootCause(error) : null;
  return {
    message: classified.message,
    ...(graphqlError?.locations ? { locations: graphqlError.locations } : {}),
    ...(graphqlError?.path ? { path: graphqlError.path } : {}),
    extensions: {
      code: classified.code,
      ...(stack instanceof Error && stack.stack ? { stacktrace: stack.stack.split('\n') } : {}),
    },
  };
}

function classify(error: unknown, options: ErrorFormatOptions): Classified {
  const { locale } = options;
  const publicError = findPublicError(error);
  if (publicError) {
    return { code: publicError.code, message: translate(locale, publicError.messageKey, publicError.params), unexpected: false };
  }

  const root = rootCause(error);
  if (root instanceof GraphQLError) {
    // Raised by graphql-js or Apollo themselves, so the message describes the request, not our data.
    const outerCode = error instanceof GraphQLError ? error.extensions.code : undefined;
    if (options.requestError || (typeof outerCode === 'string' && APOLLO_REQUEST_ERROR_CODES.has(outerCode))) {
      return { code: 'BAD_USER_INPUT', message: translate(locale, 'errors.input.invalidQuery', { detail: root.message }), unexpected: false };
    }
    const ownCode = root.extensions.code;
    if (isPublicErrorCode(ownCode) && ownCode !== 'INTERNAL_SERVER_ERROR') {
      return { code: ownCode, message: genericMessage(ownCode, locale), unexpected: false };
    }
    return internal(locale);
  }

  // Services signal expected failures with an Error that has a public `code`, and optionally a
  // `messageKey` and `params` from src/i18n. Their own message text is never shown.
  if (root instanceof Error) {
    const { code, messageKey, params } = root as Error & { code?: unknown; messageKey?: unknown; params?: unknown };
    if (isPublicErrorCode(code) && code !== 'INTERNAL_SERVER_ERROR') {
      const message =
        typeof messageKey === 'string' && isMessageKey(messageKey)
          ? translate(locale, messageKey, isParams(params) ? params : {})
          : genericMessage(code, locale);
      return { code, message, unexpected: false };
    }
    if (root instanceof OptimisticLockError || root instanceof UniqueConstraintViolationException) {
      return { code: 'CONFLICT', message: genericMessage('CONFLICT', locale), unexpected: false };
    }
  }
  return internal(locale);
}

function internal(locale: Locale): Classified {
  return { code: 'INTERNAL_SERVER_ERROR', message: genericMessage('INTERNAL_SERVER_ERROR', locale), unexpected: true };
}

function genericMessage(code: PublicErrorCode, locale: Locale): string {
  return translate(locale, `errors.codes.${code}`);
}

/** Follows `originalError` links (graphql-js and Apollo wrap what resolvers throw) to a PublicError. */
function findPublicError(error: unknown): PublicError | null {
  let current: unknown = error;
  for (let depth = 0; depth < 10 && current; depth += 1) {
    if (current instanceof PublicError) return current;
    current = current instanceof GraphQLError ? current.originalError : undefined;
  }
  return null;
}

/** Returns the innermost `originalError`, which is what a resolver or a library threw. */
function rootCause(error: unknown): unknown {
  let current = error;
  for (let depth = 0; depth < 10 && current instanceof GraphQLError && current.originalError; depth += 1) {
    current = current.originalError;
  }
  return current;
}

function isParams(value: unknown): value is Record<string, string | number> {
  return (
    typeof value === 'object' &&
    value !== null &&
    Object.values(value).every((item) => typeof item === 'string' || typeof item === 'number')
  );
}
