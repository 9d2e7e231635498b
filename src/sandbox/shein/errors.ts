import type { FastifyReply } from 'fastify';
import { lowerHex } from './crypto.js';

/** SHEIN's response envelope; `code` "0" is success. */
export interface SheinEnvelope<T = unknown> {
  code: string;
  msg: string;
  info: T | null;
  traceId: string;
}

interface ErrorDefinition {
  code: string;
  /** HTTP status of the sandbox response. */
  status: number;
  msg: string;
}

/**
 * Every error the sandbox returns. Only 832213 (rate limited, HTTP 429, a 限流 message) was seen
 * in integrators' code.
 * NOTE: all other codes, and which errors come with HTTP 200 instead of a 4xx status, are
 * invented, because SHEIN publishes its code list only on its portal. Gateway checks (signature,
 * key, timestamp) respond with 401. Business checks respond with HTTP 200 and a non-zero code, as
 * many open platforms do. The connector's error table uses the same codes.
 */
export const SHEIN_ERRORS = {
  rateLimited: { code: '832213', status: 429, msg: '限流 too many requests' },
  headersMissing: { code: '100001', status: 401, msg: 'Missing signature headers: send x-lt-openKeyId (or x-lt-appid), x-lt-timestamp and x-lt-signature.' },
  signatureInvalid: { code: '100002', status: 401, msg: 'Signature verification failed: sign openKeyId&timestamp&path with secretKey + randomKey.' },
  timestampInvalid: { code: '100003', status: 401, msg: 'x-lt-timestamp is outside the accepted window; check the clock (NTP).' },
  openKeyInvalid: { code: '100004', status: 401, msg: 'openKeyId is invalid or the seller removed the authorization; authorize again.' },
  appInvalid: { code: '100005', status: 401, msg: 'appid is not registered.' },
  tempTokenInvalid: { code: '100006', status: 400, msg: 'tempToken is invalid, expired (10 minutes) or already used.' },
  paramInvalid: { code: '200001', status: 200, msg: 'Request parameter invalid.' },
  tooManyRows: { code: '200002', status: 200, msg: 'Too many rows in one request.' },
  notFound: { code: '200404', status: 200, msg: 'Resource not found.' },
  routeNotFound: { code: '200404', status: 404, msg: 'API path not found.' },
  internal: { code: '500000', status: 500, msg: 'System busy, please retry later.' },
} as const satisfies Record<string, ErrorDefinition>;

export type SheinErrorName = keyof typeof SHEIN_ERRORS;

export function envelope<T>(info: T): SheinEnvelope<T> {
  return { code: '0', msg: 'OK', info, traceId: lowerHex(16) };
}

/** Error body in SHEIN's shape; `detail` is appended to the table message. */
export function errorBody(name: SheinErrorName, detail?: string): SheinEnvelope<null> {
  const definition = SHEIN_ERRORS[name];
  return { code: definition.code, msg: detail ? `${definition.msg} ${detail}` : definition.msg, info: null, traceId: lowerHex(16) };
}

export function sendError(reply: FastifyReply, name: SheinErrorName, detail?: string): FastifyReply {
  return reply.code(SHEIN_ERRORS[name].status).send(errorBody(name, detail));
}

/** Default body of an injected fault with this status. */
export function faultBody(status: number): SheinEnvelope<null> {
  if (status === 429) return errorBody('rateLimited');
  if (status === 401 || status === 403) return errorBody('signatureInvalid');
  if (status >= 500) return { ...errorBody('internal'), msg: `Fault injected by the sandbox: status ${status}` };
  return { ...errorBody('paramInvalid'), msg: `Fault injected by the sandbox: status ${status}` };
}
