export {
  ACCESS_TOKEN_LIFETIME_SECONDS,
  buildAuthorizationUrl,
  exchangeCode,
  fetchCurrentUser,
  refreshToken,
  revokeAuthorization,
  type AuthCallOptions,
  type AuthorizationUrlInput,
} from './auth.js';
export { MercadoLibreClient, type MercadoLibreClientOptions, type MercadoLibreRequestOptions } from './client.js';
export {
  createMercadoLibreConfig,
  MERCADOLIBRE_API_BASE_URL,
  MERCADOLIBRE_AUTH_BASE_URL,
  type MercadoLibreConfig,
  type MercadoLibreConfigInput,
} from './config.js';
export { mapMercadoLibreError, type MercadoLibreErrorCause, type MercadoLibreErrorDetails, type MercadoLibreErrorResponse } from './errors.js';
export {
  fetchItem,
  fetchListings,
  getItem,
  importPage,
  MULTIGET_MAX_IDS,
  OFFSET_PAGING_MAX_RESULTS,
  type ImportPageOptions,
} from './listings.js';
export { mapItemToListings, mapOrder } from './mapping.js';
export {
  fetchNotificationResource,
  parseNotification,
  safeParseNotification,
  type MercadoLibreNotification,
  type NotificationParseResult,
  type NotificationResource,
} from './notifications.js';
export { fetchOrder } from './orders.js';
export type { MercadoLibreItem, MercadoLibreOrder, MercadoLibreUser, MercadoLibreVariation } from './schemas.js';
export { writeStock } from './stock.js';
export { createMercadoLibreConnector, type MercadoLibreConnectorOptions } from './connector.js';
export { readStock } from './stock-read.js';
