export {
  ACCESS_TOKEN_FALLBACK_SECONDS,
  ACCESS_TOKEN_MAX_LIFETIME_SECONDS,
  buildAuthorizationUrl,
  exchangeCode,
  readCallback,
  refreshToken,
  resolveAccessTokenExpiry,
  TOKEN_GET_PATH,
  TOKEN_REFRESH_PATH,
  type AuthCallOptions,
} from './auth.js';
export { TikTokClient, unwrapResponse, type TikTokClientOptions, type TikTokRequest } from './client.js';
export {
  createTikTokConfig,
  TIKTOK_API_BASE_URL,
  TIKTOK_AUTH_BASE_URL,
  TIKTOK_AUTHORIZE_URL,
  TIKTOK_DEFAULT_REGION,
  type TikTokConfig,
  type TikTokConfigInput,
} from './config.js';
export { createTikTokConnector, type TikTokConnectorOptions } from './connector.js';
export { classifyTikTokError, mapTikTokError, TIKTOK_ERROR_CODES, TIKTOK_SECRET_PATTERNS, type TikTokErrorDetails, type TikTokErrorResponse } from './errors.js';
export { fetchProductListings, getProduct, importPage, PRODUCT_SEARCH_PATH, SEARCH_MAX_PAGE_SIZE, type ImportPageOptions } from './listings.js';
export { mapOrder, mapProductToListings } from './mapping.js';
export { readConnectionMetadata, type TikTokConnectionMetadata } from './metadata.js';
export { fetchOrder, ORDERS_PATH } from './orders.js';
export type { TikTokOrder, TikTokProduct, TikTokShop, TikTokSku, TikTokWarehouse } from './schemas.js';
export { fetchAuthorizedShops, fetchDefaultWarehouseId, pickDefaultWarehouse, selectShop, SHOPS_PATH, WAREHOUSES_PATH } from './shops.js';
export { buildSignPayload, computeSign, type SignInput } from './signing.js';
export { MAX_INVENTORY_QUANTITY, writeStock, type TikTokSkuErrorDetails, type WriteStockOptions } from './stock.js';
export { readStock, type ReadStockOptions } from './stock-read.js';
export {
  computeWebhookSignature,
  ORDER_TOPICS,
  parseNotificationBody,
  parseWebhook,
  PRODUCT_TOPICS,
  verifyWebhookSignature,
  WEBHOOK_TOPICS,
  type NotificationParseResult,
  type TikTokNotification,
} from './webhooks.js';
