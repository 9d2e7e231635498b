import type { FastifyReply } from 'fastify';

/** One entry of the `cause` array of an item validation error. */
export interface ValidationCause {
  code: string;
  message: string;
  type: 'error';
  department: 'items';
  cause_id: number;
  references: string[];
}

/** Error body in MercadoLibre's usual shape. */
export interface MlErrorBody {
  message: string;
  error: string;
  status: number;
  cause: ValidationCause[];
}

export function mlError(status: number, error: string, message: string, cause: ValidationCause[] = []): MlErrorBody {
  return { message, error, status, cause };
}

export function sendMlError(
  reply: FastifyReply,
  status: number,
  error: string,
  message: string,
  cause: ValidationCause[] = [],
): FastifyReply {
  return reply.code(status).send(mlError(status, error, message, cause));
}

/** Body MercadoLibre returns for a missing, unknown, expired or revoked access token. */
export const INVALID_TOKEN_BODY: MlErrorBody = mlError(401, 'not_found', 'invalid_token');

/** Message MercadoLibre's OAuth server returns with every invalid_grant error. */
export const INVALID_GRANT_MESSAGE =
  'Error validating grant. Your authorization code or refresh token may be expired or it was already used.';

export const RATE_LIMITED_BODY: MlErrorBody = mlError(429, 'local_rate_limited', 'local_rate_limited');

const ERROR_NAMES: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'local_rate_limited',
  500: 'internal_error',
  502: 'bad_gateway',
  503: 'service_unavailable',
  504: 'gateway_timeout',
};

/** Returns the `error` field MercadoLibre-style bodies use for an HTTP status. */
export function errorNameFor(status: number): string {
  return ERROR_NAMES[status] ?? (status >= 500 ? 'internal_error' : 'bad_request');
}
