import { ApiUsage } from './api-usage.js';
import { Credential } from './credential.js';
import { InventoryAdjustment } from './inventory-adjustment.js';
import { Listing } from './listing.js';
import { MarketplaceConnection } from './marketplace-connection.js';
import { OAuthState } from './oauth-state.js';
import { Product } from './product.js';
import { SyncConflict } from './sync-conflict.js';
import { SyncRun } from './sync-run.js';
import { WebhookDelivery } from './webhook-delivery.js';

export * from './enums.js';
export { TenantEntity } from './base.js';
export { ApiUsage };
export {
  Credential, InventoryAdjustment, Listing, MarketplaceConnection, OAuthState, Product, SyncConflict, SyncRun,
  WebhookDelivery,
};

export const ENTITIES = [
  MarketplaceConnection, Credential, OAuthState, Product, Listing, SyncRun, SyncConflict, WebhookDelivery,
  InventoryAdjustment,
  ApiUsage,
];
