import { Marketplace } from '../../src/entities/index.js';
import type { SeedItem } from '../../src/sandbox/mercadolibre/index.js';
import { connectAccount, insertProducts, type Stack } from './stack.js';

/** Sizes of every seeded item: each item is one MercadoLibre listing with one variation per size. */
const SIZES = ['25', '26'];
const START_STOCK = 5;

export interface SeededSeller {
  tenantId: string;
  connectionId: string;
  itemIds: string[];
  skus: string[];
}

/**
 * Lists `items` shoe models on a new MercadoLibre sandbox seller, adds the same SKUs and levels to
 * the tenant's EGDC products, and connects the seller. The first import so finds nothing to push.
 */
export async function seedConnectedSeller(stack: Stack, tenantId: string, nickname: string, items: number): Promise<SeededSeller> {
  const models = Array.from({ length: items }, (_, index) => `${nickname}-${String(index).padStart(3, '0')}`);
  const seedItems: SeedItem[] = models.map((model) => ({
    title: `Tenis ${model} Negro`,
    price: 899,
    brand: 'EGDC',
    model,
    variations: SIZES.map((size) => ({ sellerSku: `${model}_${size}`, size, color: 'NEGRO', price: 899, availableQuantity: START_STOCK })),
  }));
  const levels = models.flatMap((model) => SIZES.map((size) => ({ sku: `${model}_${size}`, model, size, stock: START_STOCK })));
  await insertProducts(stack, tenantId, levels);
  const seller = stack.sandboxes.mercadolibre.seedSeller({ nickname, items: seedItems });
  const connectionId = await connectAccount(stack, { tenantId, marketplace: Marketplace.MERCADOLIBRE, accountId: String(seller.userId), consentAccount: String(seller.userId) });
  return { tenantId, connectionId, itemIds: seller.itemIds, skus: levels.map((level) => level.sku) };
}

/** Item id of a MercadoLibre API path such as `/items/MLM123`, or undefined for other paths. */
export function itemIdOf(path: string): string | undefined {
  return /^\/items\/([^/]+)$/.exec(path)?.[1];
}
