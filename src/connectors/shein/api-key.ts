import type { Logger } from 'pino';
import type { ApiKeyCredentials } from '../shared/contract.js';
import type { HttpResponseHook } from '../shared/http.js';
import type { ResiliencePolicy } from '../shared/resilience/index.js';
import type { TokenSet } from '../shared/types.js';
import { SheinClient } from './client.js';
import type { SheinConfig } from './config.js';
import { PRODUCT_QUERY_PATH } from './listings.js';
import { productPageInfoSchema } from './schemas.js';

/**
 * Checks an openKeyId and secretKey that a seller copied from the SHEIN seller portal with one
 * signed read: the first product query page, one SPU long. Returns them in the shape the empower
 * flow stores, with the secret key as the access token and the openKeyId in the metadata.
 * NOTE: no SHEIN call found returns the supplier a key belongs to, so `accountId` (the supplierId,
 * which routes event callbacks to the connection) is taken as the seller typed it.
 */
export async function verifySellerKeys(
  config: SheinConfig,
  credentials: ApiKeyCredentials,
  options: { logger?: Logger; onResponse?: HttpResponseHook; resilience?: ResiliencePolicy } = {},
): Promise<TokenSet> {
  const client = new SheinClient({
    config,
    openKeyId: credentials.keyId,
    tokenSource: { getAccessToken: async () => credentials.secret },
    logger: options.logger,
    onResponse: options.onResponse,
    resilience: options.resilience,
  });
  await client.post(PRODUCT_QUERY_PATH, { pageNum: 1, pageSize: 1 }, productPageInfoSchema);
  options.logger?.info({ supplierId: credentials.accountId }, 'SHEIN seller keys verified');
  return {
    accessToken: credentials.secret,
    refreshToken: null,
    expiresAt: null,
    scopes: [],
    accountId: credentials.accountId,
    accountName: null,
    metadata: { openKeyId: credentials.keyId, supplierId: credentials.accountId, supplierSource: null },
  };
}
