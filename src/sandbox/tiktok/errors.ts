import type { FastifyReply } from 'fastify';
import { createRequestId } from './tokens.js';

/** Error body in TikTok Shop's shape. */
export interface TikTokErrorBody {
  code: number;
  message: string;
  request_id: string;
  data: Record<string, unknown>;
}

/*
 * Codes. The common ones (36009xxx, 10xxxx) are TikTok's documented codes. 36004001 and 36004005
 * are the token endpoint codes integrators report. The rest are the sandbox's own choice because
 * no source gives them: 36004002, 36004003, 36009003 and the 12052xxx product codes.
 */
export const CODES = {
  tooManyRequests: 36009002,
  invalidParameter: 36009003,
  invalidCredentials: 36009004,
  invalidPath: 36009009,
  invalidMethod: 36009010,
  invalidFormat: 36009022,
  tokenShopMismatch: 101000,
  tokenExpired: 105002,
  scopeMissing: 105005,
  invalidSign: 106001,
  shopCipherMissing: 106013,
  grantExpired: 36004001,
  grantInvalidRequest: 36004002,
  grantInvalidApp: 36004003,
  grantNotFound: 36004005,
  productNotFound: 12052048,
  skuNotFound: 12052230,
  skuNotLive: 12052217,
  warehouseInvalid: 12052251,
} as const;

/*
 * NOTE: which HTTP status TikTok pairs with each error code is not documented. The sandbox uses
 * 401 for credential errors, 403 for scope and shop errors, 400 for parameters and 429 for rate
 * limits, and the token endpoint always returns 200. Clients must decide on the body code.
 */
export const STATUS_FOR_CODE: Readonly<Record<number, number>> = {
  [CODES.tooManyRequests]: 429,
  [CODES.invalidParameter]: 400,
  [CODES.invalidCredentials]: 401,
  [CODES.invalidPath]: 404,
  [CODES.invalidMethod]: 405,
  [CODES.invalidFormat]: 400,
  [CODES.tokenShopMismatch]: 403,
  [CODES.tokenExpired]: 401,
  [CODES.scopeMissing]: 403,
  [CODES.invalidSign]: 401,
  [CODES.shopCipherMissing]: 400,
  [CODES.productNotFound]: 404,
};

export function tiktokError(code: number, message: string): TikTokErrorBody {
  return { code, message, request_id: createRequestId(), data: {} };
}

/** Sends a TikTok error body with the status the sandbox pairs with the code (400 when none). */
export function sendTikTokError(reply: FastifyReply, code: number, message: string): FastifyReply {
  return reply.code(STATUS_FOR_CODE[code] ?? 400).send(tiktokError(code, message));
}

/** Builds a successful response body. */
export function tiktokSuccess(data: unknown): { code: 0; message: 'Success'; request_id: string; data: unknown } {
  return { code: 0, message: 'Success', request_id: createRequestId(), data };
}
