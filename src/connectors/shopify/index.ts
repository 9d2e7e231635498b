export { buildAuthorizationUrl, readCallback } from './authorize.js';
export { importWithBulkOperation, type BulkCheckpoint, type BulkImportOptions } from './bulk.js';
export { ShopifyGraphqlClient, type GraphqlOperation, type ShopifyClientOptions } from './client.js';
export {
  createShopifyConfig,
  defaultEndpointForShop,
  SHOPIFY_DEFAULT_API_VERSION,
  SHOPIFY_DEFAULT_SCOPES,
  type ShopEndpointResolver,
  type ShopifyConfig,
  type ShopifyConfigInput,
} from './config.js';
export { createShopifyConnector, type ShopifyConnector, type ShopifyConnectorOptions } from './connector.js';
export { InvalidShopDomainError, mapGraphqlErrors, mapShopifyHttpError, SHOPIFY_SECRET_PATTERNS } from './errors.js';
export { inventoryLevelGid, numericIdOf, parseInventoryLevelGid, toGid } from './gid.js';
export { computeOAuthHmac, computeWebhookHmac, oauthHmacMessage, verifyOAuthHmac, verifyWebhookHmac } from './hmac.js';
export { fetchInventoryItemListings, fetchProductListings, importPage, PRODUCTS_DEFAULT_PAGE_SIZE, PRODUCTS_MAX_PAGE_SIZE, type PagesCheckpoint } from './listings.js';
export { mapOrder, mapVariantToListing } from './mapping.js';
export { fetchOrder } from './orders.js';
export { parseShopDomain, type ShopDomainProblem, type ShopDomainResult } from './shop-domain.js';
export { STOCK_BATCH_MAX, writeStock, type WriteStockOptions } from './stock.js';
export { readStock } from './stock-read.js';
export { throttleRetryAfterSeconds, ThrottleStatusBoard, type ShopifyQueryCost, type ShopifyThrottleStatus } from './throttle.js';
export { exchangeCode, refreshAccessToken, type ShopifyConnectionMetadata, type TokenCallOptions } from './token.js';
export { fetchShopifyWebhookResource, headerValue, parseShopifyWebhook, SHOPIFY_WEBHOOK_TOPICS } from './webhooks.js';
