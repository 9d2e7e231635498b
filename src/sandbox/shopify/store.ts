import type { ProductStatus, ShopPlan } from './types.js';

export interface LocationRecord {
  id: number;
  name: string;
}

export interface ShopRecord {
  id: number;
  domain: string;
  name: string;
  currencyCode: string;
  plan: ShopPlan;
  /** The first is the primary location. */
  locations: LocationRecord[];
  /** Product ids in creation order, which is also id order. */
  productIds: number[];
  nextOrderNumber: number;
}

export interface ProductRecord {
  id: number;
  shopDomain: string;
  title: string;
  handle: string;
  vendor: string;
  productType: string;
  status: ProductStatus;
  createdAt: string;
  updatedAt: string;
  options: Array<{ name: string; values: string[] }>;
  variantIds: number[];
}

export interface VariantRecord {
  id: number;
  productId: number;
  title: string;
  sku: string | null;
  barcode: string | null;
  /** Decimal amount as Shopify's Money scalar writes it, such as "799.00". */
  price: string;
  position: number;
  options: Array<{ name: string; value: string }>;
  inventoryItemId: number;
  createdAt: string;
  updatedAt: string;
}

export interface LevelRecord {
  available: number;
  committed: number;
  updatedAt: string;
}

export interface InventoryItemRecord {
  id: number;
  variantId: number;
  shopDomain: string;
  updatedAt: string;
  /** Levels by location id; an item without a level is not stocked at that location. */
  levels: Map<number, LevelRecord>;
}

export interface OrderLineRecord {
  id: number;
  variantId: number;
  productId: number;
  sku: string | null;
  title: string;
  quantity: number;
  price: string;
}

export interface OrderRecord {
  id: number;
  number: number;
  shopDomain: string;
  createdAt: string;
  updatedAt: string;
  cancelledAt: string | null;
  financialStatus: 'PAID' | 'PENDING' | 'REFUNDED';
  currencyCode: string;
  locationId: number;
  lines: OrderLineRecord[];
}

/** In-memory shops, catalog, inventory and orders, and the id sequences that name them. */
export class SandboxStore {
  readonly shops = new Map<string, ShopRecord>();
  readonly products = new Map<number, ProductRecord>();
  readonly variants = new Map<number, VariantRecord>();
  readonly inventoryItems = new Map<number, InventoryItemRecord>();
  readonly orders = new Map<number, OrderRecord>();

  // Sequences sized like real ids: 11 digits for shops and locations, 13 or 14 for the rest.
  private nextShopId = 60_000_000_001;
  private nextLocationId = 61_000_000_001;
  private nextProductId = 7_000_000_000_001;
  private nextVariantId = 42_000_000_000_001;
  private nextInventoryItemId = 41_000_000_000_001;
  // Order ids stay unique across sandbox restarts, as real ones are: a service that keeps its
  // database between runs must not mistake a new order for one it already applied.
  private nextOrderId = 5_500_000_000_000 + (Date.now() % 100_000_000_000) * 10;
  private nextLineItemId = 13_000_000_000_001;

  newShopId(): number {
    return this.nextShopId++;
  }
  newLocationId(): number {
    return this.nextLocationId++;
  }
  newProductId(): number {
    return this.nextProductId++;
  }
  newVariantId(): number {
    return this.nextVariantId++;
  }
  newInventoryItemId(): number {
    return this.nextInventoryItemId++;
  }
  newOrderId(): number {
    return this.nextOrderId++;
  }
  newLineItemId(): number {
    return this.nextLineItemId++;
  }

  /** Returns the variant with its product, inventory item and shop, or undefined when the variant is unknown. */
  variantContext(variantId: number): { variant: VariantRecord; product: ProductRecord; item: InventoryItemRecord; shop: ShopRecord } | undefined {
    const variant = this.variants.get(variantId);
    const product = variant ? this.products.get(variant.productId) : undefined;
    const item = variant ? this.inventoryItems.get(variant.inventoryItemId) : undefined;
    const shop = product ? this.shops.get(product.shopDomain) : undefined;
    if (!variant || !product || !item || !shop) return undefined;
    return { variant, product, item, shop };
  }

  primaryLocationId(shopDomain: string): number | undefined {
    return this.shops.get(shopDomain)?.locations[0]?.id;
  }
}
