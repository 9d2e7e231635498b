import { MarketplaceError } from '../shared/errors.js';
import type { TikTokClient } from './client.js';
import { shopsDataSchema, warehousesDataSchema, type TikTokShop, type TikTokWarehouse } from './schemas.js';

export const SHOPS_PATH = '/authorization/202309/shops';
export const WAREHOUSES_PATH = '/logistics/202309/warehouses';

/** Lists the shops the access token is authorized for (GET /authorization/202309/shops). */
export async function fetchAuthorizedShops(client: TikTokClient): Promise<TikTokShop[]> {
  const data = await client.request({ method: 'GET', path: SHOPS_PATH, schema: shopsDataSchema });
  return data.shops;
}

/**
 * Chooses the shop a connection is for: the first shop in `preferredRegion`, else the first shop.
 * NOTE: a connection covers one shop. A seller who authorized several shops gets only this one
 * connected; the others need a connection each, which the connector contract cannot express yet.
 */
export function selectShop(shops: readonly TikTokShop[], preferredRegion: string): TikTokShop {
  const shop = shops.find((candidate) => candidate.region === preferredRegion) ?? shops[0];
  if (!shop) {
    throw new MarketplaceError(
      'TIKTOK',
      'TikTok Shop authorization lists no shop, so there is no account to connect. Ask the seller to authorize the application from a seller account with a shop.',
      { kind: 'auth', code: 'no_authorized_shop' },
    );
  }
  return shop;
}

/**
 * Reads the shop's default sales warehouse (GET /logistics/202309/warehouses) for stock writes.
 * Best effort: any MarketplaceError (often a missing logistics scope) is logged and gives null,
 * because writes without a warehouse id still work for shops with a single warehouse.
 */
export async function fetchDefaultWarehouseId(client: TikTokClient): Promise<string | null> {
  try {
    const data = await client.request({ method: 'GET', path: WAREHOUSES_PATH, schema: warehousesDataSchema });
    return pickDefaultWarehouse(data.warehouses)?.id ?? null;
  } catch (error) {
    if (!(error instanceof MarketplaceError)) {
      throw error;
    }
    client.logger?.warn({ kind: error.kind, code: error.code, status: error.status }, 'TikTok Shop warehouses could not be read; stock writes will omit warehouse_id');
    return null;
  }
}

/** Returns the enabled sales warehouse marked default, or the only enabled sales warehouse; null otherwise. */
export function pickDefaultWarehouse(warehouses: readonly TikTokWarehouse[]): TikTokWarehouse | null {
  const sales = warehouses.filter(
    (warehouse) => (warehouse.type ?? 'SALES_WAREHOUSE') === 'SALES_WAREHOUSE' && (warehouse.effect_status ?? 'ENABLED') === 'ENABLED',
  );
  return sales.find((warehouse) => warehouse.is_default === true) ?? (sales.length === 1 ? (sales[0] ?? null) : null);
}
