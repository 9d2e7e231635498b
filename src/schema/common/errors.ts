import { GraphQLError } from 'graphql';
import { translate, type MessageKey, type MessageParams } from '../../i18n/index.js';

import { PUBLIC_ERROR_CODES, type PublicErrorCode } from '../../errors.js';

export { PUBLIC_ERROR_CODES, type PublicErrorCode };

export function isPublicErrorCode(value: unknown): value is PublicErrorCode {
  return typeof value === 'string' && (PUBLIC_ERROR_CODES as readonly string[]).includes(value);
}

/**
 * An expected failure whose code and text may be shown to the caller. The text is rendered in the
 * request's locale when the error is formatted, and `message` contains the English text for logs.
 */
export class PublicError extends GraphQLError {
  constructor(
    readonly code: PublicErrorCode,
    readonly messageKey: MessageKey,
    readonly params: MessageParams = {},
    /** HTTP status and headers for Apollo to send when this error ends the request (`extensions.http`). */
    options: { http?: { status: number; headers?: Map<string, string> } } = {},
  ) {
    super(translate('en', messageKey, params), {
      extensions: { code, ...(options.http ? { http: options.http } : {}) },
    });
    this.name = 'PublicError';
  }
}

export type NotFoundKind = 'connection' | 'listing' | 'syncRun';

export function notFoundError(kind: NotFoundKind, id: string): PublicError {
  return new PublicError('NOT_FOUND', `errors.notFound.${kind}`, { id });
}

export function badInputError(key: MessageKey, params: MessageParams = {}): PublicError {
  return new PublicError('BAD_USER_INPUT', key, params);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Checks that an ID argument is a UUID (every id this subgraph issues is one) before it reaches SQL. */
export function parseId(value: string, argument: string): string {
  if (!UUID.test(value)) throw badInputError('errors.input.invalidId', { value: value.slice(0, 64), argument });
  return value.toLowerCase();
}
