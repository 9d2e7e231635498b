import { z } from 'zod';
import { reportSandboxSecret } from '../shared/secrets.js';
import { createOpenId, createShopCipher, createShopCode } from './tokens.js';
import { ALL_SCOPES, type Order, type Product, type SandboxAppConfig, type Warehouse } from './types.js';

export interface AppRecord {
  appKey: string;
  appSecret: string;
  serviceId: string;
  redirectUrl: string;
  webhookUrl?: string;
  scopes: string[];
  name: string;
}

export interface SellerRecord {
  openId: string;
  name: string;
  baseRegion: string;
  shopIds: string[];
}

export interface ShopRecord {
  id: string;
  name: string;
  region: string;
  sellerType: 'LOCAL' | 'CROSS_BORDER';
  cipher: string;
  code: string;
  openId: string;
  warehouses: Warehouse[];
  /** Product ids in creation order, which is also ascending id order. */
  productIds: string[];
}

export interface ProductRecord {
  shopId: string;
  product: Product;
  /** SKUs that are not live; inventory updates fail for them. */
  notLiveSkuIds: Set<string>;
}

export interface OrderRecord {
  shopId: string;
  order: Order;
}

const appConfigSchema = z.object({
  appKey: z.string().min(1),
  appSecret: z.string().min(1),
  serviceId: z.string().min(1),
  redirectUrl: z.url(),
  webhookUrl: z.url().optional(),
  scopes: z.array(z.string().min(1)).optional(),
  name: z.string().min(1).optional(),
});

/** Sequence of decimal ids; the start values give ids shaped like TikTok's 18- and 19-digit ids. */
class IdSequence {
  constructor(private next: bigint) {}

  take(): string {
    const id = this.next;
    this.next += 1n;
    return id.toString();
  }
}

/** In-memory records of apps, sellers, shops, products and orders, and the sequences that name them. */
export class SandboxStore {
  readonly apps = new Map<string, AppRecord>();
  readonly sellers = new Map<string, SellerRecord>();
  readonly shops = new Map<string, ShopRecord>();
  readonly products = new Map<string, ProductRecord>();
  readonly orders = new Map<string, OrderRecord>();

  readonly shopIds = new IdSequence(7_490_000_000_000_000_001n);
  readonly warehouseIds = new IdSequence(7_068_000_000_000_000_001n);
  readonly productIds = new IdSequence(1_729_000_000_000_000_001n);
  readonly skuIds = new IdSequence(1_729_100_000_000_000_001n);
  readonly attributeValueIds = new IdSequence(7_000_000_000_000_000_001n);
  // Order ids stay unique across sandbox restarts, as real ones are: a service that keeps its
  // database between runs must not mistake a new order for one it already applied.
  readonly orderIds = new IdSequence(576_000_000_000_000_001n + BigInt(Date.now()) * 1000n);
  readonly lineItemIds = new IdSequence(576_100_000_000_000_001n);
  readonly notificationIds = new IdSequence(7_300_000_000_000_000_001n);

  /** Registers an app, or replaces the configuration of the app with the same key. */
  addApp(config: SandboxAppConfig): AppRecord {
    const parsed = appConfigSchema.safeParse(config);
    if (!parsed.success) {
      throw new Error(`Invalid sandbox app configuration for app key "${config.appKey}": ${z.prettifyError(parsed.error)}`);
    }
    const input = parsed.data;
    const record: AppRecord = {
      appKey: input.appKey,
      appSecret: input.appSecret,
      serviceId: input.serviceId,
      redirectUrl: input.redirectUrl,
      webhookUrl: input.webhookUrl,
      scopes: [...(input.scopes ?? ALL_SCOPES)],
      name: input.name ?? input.appKey,
    };
    reportSandboxSecret('TIKTOK', 'client_secret', record.appSecret);
    this.apps.set(record.appKey, record);
    return record;
  }

  appByServiceId(serviceId: string): AppRecord | undefined {
    return [...this.apps.values()].find((app) => app.serviceId === serviceId);
  }

  shopByCipher(cipher: string): ShopRecord | undefined {
    return [...this.shops.values()].find((shop) => shop.cipher === cipher);
  }

  addSeller(name: string, baseRegion: string): SellerRecord {
    const seller: SellerRecord = { openId: createOpenId(), name, baseRegion, shopIds: [] };
    this.sellers.set(seller.openId, seller);
    return seller;
  }

  /** Adds a shop to a seller with `warehouseCount` sales warehouses (the first is the default) and one return warehouse. */
  addShop(seller: SellerRecord, input: { name: string; region: string; sellerType: 'LOCAL' | 'CROSS_BORDER'; warehouseCount: number }): ShopRecord {
    const warehouses: Warehouse[] = [];
    for (let index = 0; index < input.warehouseCount; index++) {
      warehouses.push({
        id: this.warehouseIds.take(),
        name: `Almacén ${index + 1} ${input.name}`,
        effect_status: 'ENABLED',
        type: 'SALES_WAREHOUSE',
        sub_type: 'DOMESTIC_WAREHOUSE',
        is_default: index === 0,
      });
    }
    warehouses.push({ id: this.warehouseIds.take(), name: `Devoluciones ${input.name}`, effect_status: 'ENABLED', type: 'RETURN_WAREHOUSE', sub_type: 'DOMESTIC_WAREHOUSE', is_default: false });
    const shop: ShopRecord = {
      id: this.shopIds.take(),
      name: input.name,
      region: input.region,
      sellerType: input.sellerType,
      cipher: createShopCipher(),
      code: createShopCode(input.region),
      openId: seller.openId,
      warehouses,
      productIds: [],
    };
    this.shops.set(shop.id, shop);
    seller.shopIds.push(shop.id);
    return shop;
  }
}

/** Sales warehouses of a shop, default first. */
export function salesWarehouses(shop: ShopRecord): Warehouse[] {
  return shop.warehouses.filter((warehouse) => warehouse.type === 'SALES_WAREHOUSE');
}
