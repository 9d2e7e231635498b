import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { readBody, sellerOf, type SandboxContext } from './context.js';
import { envelope, sendError } from './errors.js';
import type { SpuRecord } from './types.js';

/** SHEIN caps product query pages at 50 SPUs. */
export const PRODUCT_QUERY_MAX_PAGE_SIZE = 50;

/** Attribute ids SHEIN's sale attributes carry. NOTE: the numbers are illustrative, not SHEIN's real ids. */
const COLOR_ATTRIBUTE = { attributeId: 27, attributeName: 'Color' } as const;
const SIZE_ATTRIBUTE = { attributeId: 87, attributeName: 'Talla' } as const;

const productQuerySchema = z.object({
  pageNum: z.number().int().min(1),
  pageSize: z.number().int().min(1).max(PRODUCT_QUERY_MAX_PAGE_SIZE),
  insertTimeStart: z.string().optional(),
  insertTimeEnd: z.string().optional(),
  updateTimeStart: z.string().optional(),
  updateTimeEnd: z.string().optional(),
});

const spuInfoSchema = z.object({
  spuName: z.string().min(1),
  languageList: z.array(z.string().min(1)).optional(),
});

/** Builds the spu-info `info` of one SPU, with names in the requested languages (the sandbox stores Spanish only). */
export function spuInfoBody(spu: SpuRecord, languages: readonly string[] = ['es']) {
  return {
    spuName: spu.spuName,
    productMultiNameList: languages.includes('es') ? [{ language: 'es', productName: spu.title }] : [],
    lastUpdateTime: spu.lastUpdateTime,
    skcList: spu.skcs.map((skc) => ({
      skcName: skc.skcName,
      shelfStatus: skc.onShelf ? 1 : 0,
      saleAttribute: { ...COLOR_ATTRIBUTE, attributeValueName: skc.color },
      skuList: skc.skus.map((sku) => ({
        skuCode: sku.skuCode,
        sellerSku: sku.sellerSku,
        supplierBarcode: sku.barcode,
        saleAttributeList: [{ ...SIZE_ATTRIBUTE, attributeValueName: sku.size }],
        priceInfoList: [{ currency: 'MXN', basePrice: sku.price, site: 'shein-mx' }],
      })),
    })),
  };
}

/** Registers the product query (SPU pages) and spu-info (one SPU's details) routes. */
export function registerProductRoutes(app: FastifyInstance, context: SandboxContext): void {
  app.post('/open-api/openapi-business-backend/product/query', async (request, reply) => {
    const key = sellerOf(context, request);
    const body = readBody(productQuerySchema, request.body);
    if (!body.ok) return sendError(reply, 'paramInvalid', body.detail);

    const { pageNum, pageSize } = body.data;
    const spuNames = context.store.sellers.get(key.supplierId)?.spuNames ?? [];
    const data = spuNames.slice((pageNum - 1) * pageSize, pageNum * pageSize).map((spuName) => {
      const spu = context.store.spus.get(spuName) as SpuRecord;
      return {
        spuName,
        skcInfoList: spu.skcs.map((skc) => ({ skcName: skc.skcName, skuInfoList: skc.skus.map((sku) => ({ skuCode: sku.skuCode })) })),
      };
    });
    return reply.send(envelope({ data, meta: { count: spuNames.length } }));
  });

  app.post('/open-api/goods/spu-info', async (request, reply) => {
    const key = sellerOf(context, request);
    const body = readBody(spuInfoSchema, request.body);
    if (!body.ok) return sendError(reply, 'paramInvalid', body.detail);

    const spu = context.store.spus.get(body.data.spuName);
    if (!spu || spu.supplierId !== key.supplierId) {
      return sendError(reply, 'notFound', `spuName ${body.data.spuName} does not exist for this supplier.`);
    }
    return reply.send(envelope(spuInfoBody(spu, body.data.languageList)));
  });
}
