import { z } from 'zod';
import { salesWarehouses, type ProductRecord, type SandboxStore, type ShopRecord } from './store.js';
import { PRODUCT_STATUSES, type Product, type ProductStatus, type SalesAttribute, type SeededSeller, type SeedProduct, type SeedShop, type Sku } from './types.js';

/** TikTok rejects quantities of 99 999 and more. */
export const MAX_QUANTITY = 99_998;
// Attribute ids of the sandbox's footwear category; TikTok assigns its own per category.
const SIZE_ATTRIBUTE_ID = '100000';
const COLOR_ATTRIBUTE_ID = '100001';

const quantity = z.number().int().min(0).max(MAX_QUANTITY);

const seedSkuSchema = z.object({
  sellerSku: z.string().min(1),
  size: z.string().min(1),
  color: z.string().min(1).optional(),
  gtin: z.string().regex(/^\d{8,14}$/).optional(),
  price: z.number().positive(),
  quantity,
  live: z.boolean().optional(),
});

const seedProductSchema = z.object({
  title: z.string().min(1),
  status: z.enum(PRODUCT_STATUSES).optional(),
  sizeAttributeName: z.string().min(1).optional(),
  skus: z.array(seedSkuSchema).min(1),
});

const seedShopSchema = z.object({
  name: z.string().min(1),
  region: z.string().regex(/^[A-Z]{2}$/).optional(),
  sellerType: z.enum(['LOCAL', 'CROSS_BORDER']).optional(),
  warehouseCount: z.number().int().min(1).max(10).optional(),
  products: z.array(seedProductSchema).optional(),
});

function money(value: number): string {
  return value.toFixed(2);
}

/** Adds a seller with its shops, warehouses and products; stock goes to each shop's default warehouse. */
export function seedSeller(store: SandboxStore, input: { sellerName: string; baseRegion?: string; shops: SeedShop[] }, now: Date): SeededSeller {
  if (input.sellerName.trim() === '') {
    throw new Error('seedSeller: sellerName is empty; give the seller a name such as "Zapatería Demo".');
  }
  if (input.shops.length === 0) {
    throw new Error('seedSeller: shops is empty; a TikTok Shop seller needs at least one shop.');
  }
  const shops = input.shops.map((shop, index) => {
    const parsed = seedShopSchema.safeParse(shop);
    if (!parsed.success) throw new Error(`seedSeller: shops[${index}] ("${shop.name}") is invalid: ${z.prettifyError(parsed.error)}`);
    return parsed.data;
  });

  const seller = store.addSeller(input.sellerName, input.baseRegion ?? shops[0]?.region ?? 'MX');
  const seeded = shops.map((seed) => {
    const shop = store.addShop(seller, { name: seed.name, region: seed.region ?? 'MX', sellerType: seed.sellerType ?? 'LOCAL', warehouseCount: seed.warehouseCount ?? 1 });
    const productIds = (seed.products ?? []).map((product) => addProduct(store, shop, product, now).product.id);
    return { shopId: shop.id, cipher: shop.cipher, name: shop.name, region: shop.region, warehouseIds: salesWarehouses(shop).map((warehouse) => warehouse.id), productIds };
  });
  return { openId: seller.openId, shops: seeded };
}

function addProduct(store: SandboxStore, shop: ShopRecord, seed: SeedProduct, now: Date): ProductRecord {
  const defaultWarehouse = salesWarehouses(shop)[0];
  if (!defaultWarehouse) throw new Error(`Shop ${shop.id} has no sales warehouse.`);
  const timestamp = Math.floor(now.getTime() / 1000);
  const notLiveSkuIds = new Set<string>();
  const skus = seed.skus.map((seedSku): Sku => {
    const attributes: SalesAttribute[] = [
      { id: SIZE_ATTRIBUTE_ID, name: seed.sizeAttributeName ?? 'Talla', value_id: store.attributeValueIds.take(), value_name: seedSku.size },
    ];
    if (seedSku.color) attributes.push({ id: COLOR_ATTRIBUTE_ID, name: 'Color', value_id: store.attributeValueIds.take(), value_name: seedSku.color });
    const sku: Sku = {
      id: store.skuIds.take(),
      seller_sku: seedSku.sellerSku,
      price: { amount: money(seedSku.price), currency: 'MXN', sale_price: money(seedSku.price) },
      inventory: [{ warehouse_id: defaultWarehouse.id, quantity: seedSku.quantity }],
      sales_attributes: attributes,
    };
    if (seedSku.gtin) sku.identifier_code = { code: seedSku.gtin, type: 'GTIN' };
    if (seedSku.live === false) notLiveSkuIds.add(sku.id);
    return sku;
  });
  const product: Product = { id: store.productIds.take(), title: seed.title, status: seed.status ?? 'ACTIVATE', create_time: timestamp, update_time: timestamp, skus };
  const record: ProductRecord = { shopId: shop.id, product, notLiveSkuIds };
  store.products.set(product.id, record);
  shop.productIds.push(product.id);
  return record;
}

/** Requires a product by id, with an error that names the id. */
export function requireProduct(store: SandboxStore, productId: string): ProductRecord {
  const record = store.products.get(productId);
  if (!record) throw new Error(`Product ${productId} not found in the sandbox; seed it with seedSeller() first.`);
  return record;
}

/** Requires a SKU of a product, with an error that lists the product's SKUs. */
export function requireSku(record: ProductRecord, skuId: string): Sku {
  const sku = record.product.skus.find((candidate) => candidate.id === skuId);
  if (!sku) {
    const known = record.product.skus.map((candidate) => candidate.id).join(', ');
    throw new Error(`SKU ${skuId} not found on product ${record.product.id} (SKUs: ${known}).`);
  }
  return sku;
}

/** Sets a SKU's stock in one warehouse (the shop's default when not given), as a Seller Center edit would. */
export function setSkuStock(store: SandboxStore, productId: string, skuId: string, quantityValue: number, warehouseId: string | undefined, now: Date): { record: ProductRecord; sku: Sku } {
  const record = requireProduct(store, productId);
  const sku = requireSku(record, skuId);
  if (!quantity.safeParse(quantityValue).success) {
    throw new Error(`Invalid stock quantity ${quantityValue} for SKU ${skuId}: use an integer from 0 to ${MAX_QUANTITY}.`);
  }
  const shop = store.shops.get(record.shopId);
  const warehouses = shop ? salesWarehouses(shop) : [];
  const target = warehouseId ?? warehouses[0]?.id;
  if (target === undefined || !warehouses.some((warehouse) => warehouse.id === target)) {
    throw new Error(`Warehouse ${warehouseId ?? '(default)'} is not a sales warehouse of shop ${record.shopId}.`);
  }
  setWarehouseQuantity(sku, target, quantityValue);
  record.product.update_time = Math.floor(now.getTime() / 1000);
  return { record, sku };
}

/** Sets the quantity of one warehouse entry of a SKU, adding the entry when the SKU had none there. */
export function setWarehouseQuantity(sku: Sku, warehouseId: string, quantityValue: number): void {
  const entry = sku.inventory.find((candidate) => candidate.warehouse_id === warehouseId);
  if (entry) entry.quantity = quantityValue;
  else sku.inventory.push({ warehouse_id: warehouseId, quantity: quantityValue });
}

export function setProductStatus(store: SandboxStore, productId: string, status: ProductStatus, now: Date): ProductRecord {
  const record = requireProduct(store, productId);
  if (!PRODUCT_STATUSES.includes(status)) throw new Error(`Invalid product status "${status}": use one of ${PRODUCT_STATUSES.join(', ')}.`);
  record.product.status = status;
  record.product.update_time = Math.floor(now.getTime() / 1000);
  return record;
}

export function setSkuLive(store: SandboxStore, productId: string, skuId: string, live: boolean): void {
  const record = requireProduct(store, productId);
  requireSku(record, skuId);
  if (live) record.notLiveSkuIds.delete(skuId);
  else record.notLiveSkuIds.add(skuId);
}

/** Total stock of a SKU over its warehouses. */
export function totalQuantity(sku: Sku): number {
  return sku.inventory.reduce((sum, entry) => sum + entry.quantity, 0);
}
