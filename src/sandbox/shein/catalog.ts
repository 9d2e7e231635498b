import { z } from 'zod';
import type { SandboxStore, SkuLocation } from './store.js';
import type { SeededSeller, SeedSellerInput, SkcRecord, SpuRecord } from './types.js';

const seedSizeSchema = z.object({
  size: z.string().min(1),
  sellerSku: z.string().min(1),
  quantity: z.number().int().nonnegative(),
  barcode: z.string().min(1).optional(),
  price: z.number().nonnegative().optional(),
});

const seedProductSchema = z.object({
  title: z.string().min(1),
  price: z.number().nonnegative(),
  skcs: z
    .array(z.object({ color: z.string().min(1), sizes: z.array(seedSizeSchema).min(1), onShelf: z.boolean().optional() }))
    .min(1),
});

/** Adds a seller (or more products to a known seller). Identifiers follow SHEIN's formats. */
export function seedSeller(store: SandboxStore, input: SeedSellerInput, now: Date): SeededSeller {
  if (input.name.trim() === '') {
    throw new Error('seedSeller: name is empty; give the seller a name such as "ZAPATERIA_PRUEBA".');
  }
  const products = input.products.map((product, index) => {
    const parsed = seedProductSchema.safeParse(product);
    if (!parsed.success) {
      throw new Error(`seedSeller: products[${index}] ("${product.title}") is invalid: ${z.prettifyError(parsed.error)}`);
    }
    return parsed.data;
  });
  const sellerSkus = products.flatMap((product) => product.skcs.flatMap((skc) => skc.sizes.map((size) => size.sellerSku)));
  const duplicate = sellerSkus.find((sku, index) => sellerSkus.indexOf(sku) !== index);
  if (duplicate) throw new Error(`seedSeller: seller SKU "${duplicate}" appears twice; each size needs its own SKU.`);

  const seller = store.upsertSeller(input.name, input.supplierId);
  const result: SeededSeller = { supplierId: seller.supplierId, spuNames: [], skuCodes: [] };
  for (const product of products) {
    const spuName = store.newSpuName(now);
    const digits = spuName.slice(1);
    const skcs: SkcRecord[] = product.skcs.map((skc, skcIndex) => {
      const skcSuffix = String(skcIndex + 1).padStart(2, '0');
      return {
        skcName: `s${digits}${skcSuffix}`,
        color: skc.color,
        onShelf: skc.onShelf ?? true,
        skus: skc.sizes.map((size, sizeIndex) => ({
          skuCode: `I${digits}${skcSuffix}${String(sizeIndex + 1).padStart(2, '0')}`,
          sellerSku: size.sellerSku,
          size: size.size,
          barcode: size.barcode ?? null,
          price: size.price ?? product.price,
          usable: size.quantity,
          locked: 0,
        })),
      };
    });
    const spu: SpuRecord = { spuName, supplierId: seller.supplierId, title: product.title, lastUpdateTime: now.toISOString(), skcs };
    store.spus.set(spuName, spu);
    seller.spuNames.push(spuName);
    result.spuNames.push(spuName);
    for (const skc of skcs) {
      for (const sku of skc.skus) {
        store.skus.set(sku.skuCode, { spu, skcName: skc.skcName, sku });
        result.skuCodes.push(sku.skuCode);
      }
    }
  }
  return result;
}

export function requireSku(store: SandboxStore, skuCode: string): SkuLocation {
  const location = store.skus.get(skuCode);
  if (!location) throw new Error(`SKU ${skuCode} not found in the sandbox; seed it with seedSeller() first.`);
  return location;
}

/** Sets the usable stock of a SKU, as a seller editing it in SHEIN's seller centre would. */
export function setUsableStock(store: SandboxStore, skuCode: string, quantity: number, now: Date): SkuLocation {
  const location = requireSku(store, skuCode);
  if (!Number.isInteger(quantity) || quantity < 0) {
    throw new Error(`Invalid stock quantity ${quantity} for SKU ${skuCode}: use an integer of 0 or more.`);
  }
  location.sku.usable = quantity;
  location.spu.lastUpdateTime = now.toISOString();
  return location;
}
