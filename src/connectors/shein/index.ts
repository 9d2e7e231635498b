export { aesKeyFromSecret, decryptWithFixedIv, SHEIN_FIXED_IV } from './aes.js';
export {
  buildEmpowerUrl,
  exchangeTempToken,
  GET_BY_TOKEN_PATH,
  readEmpowerCallback,
  refreshNotSupportedError,
  type AuthCallOptions,
} from './auth.js';
export { openKeyIdFrom, postAsApp, SheinClient, type SheinClientOptions } from './client.js';
export {
  createSheinConfig,
  SHEIN_API_BASE_URL,
  SHEIN_DEFAULT_WEBHOOK_PATH,
  SHEIN_DEFAULT_WEBHOOK_TOLERANCE_SECONDS,
  SHEIN_EMPOWER_BASE_URL,
  type SheinConfig,
  type SheinConfigInput,
} from './config.js';
export { mapSheinError, SHEIN_RATE_LIMIT_CODE, type SheinErrorDetails, type SheinErrorResponse } from './errors.js';
export { SHEIN_CONTENT_TYPE, SheinHttp, type SheinHttpOptions } from './http.js';
export {
  fetchListings,
  fetchSpu,
  fetchStock,
  importPage,
  PRODUCT_QUERY_MAX_PAGE_SIZE,
  PRODUCT_QUERY_PATH,
  queryStock,
  SPU_INFO_PATH,
  STOCK_QUERY_MAX_SKUS,
  STOCK_QUERY_PATH,
  type ImportPageOptions,
} from './listings.js';
export { mapOrder, mapSpuToListings, ORDER_STATUS_NAMES } from './mapping.js';
export { fetchOrder, fetchOrders, ORDER_DETAIL_MAX_ORDERS, ORDER_DETAIL_PATH } from './orders.js';
export type { SheinOrder, SheinSku, SheinSkc, SheinSpu, SheinStockSku, SheinTokenInfo } from './schemas.js';
export {
  appSignatureHeaders,
  computeSignature,
  createRandomKey,
  RANDOM_KEY_LENGTH,
  sellerSignatureHeaders,
  verifySignature,
  type SignatureInput,
} from './signing.js';
export {
  CHANGE_INVENTORY_MAX_ROWS,
  CHANGE_INVENTORY_PATH,
  writeStock,
  type InventoryChangeRow,
  type WriteStockOptions,
} from './stock.js';
export { readStock } from './stock-read.js';
export { extractEventData, parseSheinWebhook, type SheinWebhookTopic } from './webhooks.js';
export { createSheinConnector, type SheinConnectorOptions } from './connector.js';
