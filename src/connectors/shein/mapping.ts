import type { RemoteListing, RemoteOrder, RemoteOrderLine } from '../shared/types.js';
import type { SheinOrder, SheinSku, SheinSpu, SheinStockSku } from './schemas.js';

/**
 * Names of SHEIN's numeric order statuses.
 * NOTE: inferred, not published in a source we could read; the local sandbox uses the same
 * numbers. Unknown numbers map to `status_<n>`. `cancelled` matches what the order sync treats
 * as a cancellation.
 */
export const ORDER_STATUS_NAMES: Readonly<Record<number, string>> = {
  1: 'pending',
  2: 'to_be_shipped',
  3: 'shipped',
  4: 'delivered',
  5: 'cancelled',
};

const SIZE_ATTRIBUTE = /^(talla|size|尺码|tamaño)$/i;

/** Picks the Spanish title, then any title, then the SPU name. */
function titleOf(spu: SheinSpu): string {
  const names = spu.productMultiNameList ?? [];
  const spanish = names.find((name) => name.language.toLowerCase().startsWith('es') && name.productName.trim() !== '');
  const any = names.find((name) => name.productName.trim() !== '');
  return (spanish ?? any)?.productName.trim() ?? spu.spuName;
}

function sizeOf(sku: SheinSku): string | null {
  const attributes = sku.saleAttributeList ?? [];
  const size = attributes.find((attribute) => SIZE_ATTRIBUTE.test(attribute.attributeName ?? '')) ?? attributes[0];
  return blankToNull(size?.attributeValueName);
}

function priceOf(sku: SheinSku): { price: number | null; currency: string | null } {
  const prices = sku.priceInfoList ?? [];
  const chosen = prices.find((entry) => entry.currency === 'MXN') ?? prices[0];
  return { price: chosen?.basePrice ?? null, currency: chosen?.currency ?? null };
}

function shelfStatusName(shelfStatus: number | null | undefined): string {
  if (shelfStatus === 1) {
    return 'on_shelf';
  }
  if (shelfStatus === 0) {
    return 'off_shelf';
  }
  return 'unknown';
}

function blankToNull(value: string | null | undefined): string | null {
  return value === undefined || value === null || value.trim() === '' ? null : value.trim();
}

/**
 * Maps one SPU to one RemoteListing per SKU (size): externalId is the spuName, externalVariantId
 * the skuCode. `stockBySku` gives the usable quantity of every SKU; a SKU missing from it is a bug
 * of the caller, which must check the stock response first.
 */
export function mapSpuToListings(spu: SheinSpu, stockBySku: ReadonlyMap<string, SheinStockSku>): RemoteListing[] {
  const title = titleOf(spu);
  return spu.skcList.flatMap((skc) =>
    skc.skuList.map((sku): RemoteListing => {
      const stock = stockBySku.get(sku.skuCode);
      if (!stock) {
        throw new Error(`mapSpuToListings: no stock row for SKU ${sku.skuCode} of SPU ${spu.spuName}.`);
      }
      return {
        marketplace: 'SHEIN',
        externalId: spu.spuName,
        externalVariantId: sku.skuCode,
        sellerSku: blankToNull(sku.sellerSku),
        title,
        ...priceOf(sku),
        availableQuantity: stock.totalUsableInventory,
        status: shelfStatusName(skc.shelfStatus),
        size: sizeOf(sku),
        color: blankToNull(skc.saleAttribute?.attributeValueName),
        gtin: blankToNull(sku.supplierBarcode),
        updatedAt: spu.lastUpdateTime ?? null,
      };
    }),
  );
}

/**
 * Maps an order. Each `orderGoodsInfoList` row is one unit, so rows are counted per seller SKU
 * (per skuCode when the row has no seller SKU) into lines with a quantity.
 */
export function mapOrder(order: SheinOrder): RemoteOrder {
  const lines = new Map<string, RemoteOrderLine>();
  for (const row of order.orderGoodsInfoList) {
    const sellerSku = blankToNull(row.sellerSku);
    const key = sellerSku === null ? `sku:${row.skuCode}` : `seller:${sellerSku}`;
    const line = lines.get(key);
    if (line) {
      line.quantity += 1;
    } else {
      lines.set(key, { externalId: row.spuName, externalVariantId: row.skuCode, sellerSku, quantity: 1 });
    }
  }
  return {
    externalId: order.orderNo,
    status: ORDER_STATUS_NAMES[order.orderStatus] ?? `status_${order.orderStatus}`,
    createdAt: order.orderTime,
    lines: [...lines.values()],
  };
}
