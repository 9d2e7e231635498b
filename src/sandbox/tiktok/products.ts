import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { authenticateShopRequest } from './api-auth.js';
import { queryOf, type SandboxContext } from './context.js';
import { CODES, sendTikTokError, tiktokSuccess } from './errors.js';
import type { ProductRecord } from './store.js';
import { PRODUCT_STATUSES, SCOPES, type Product } from './types.js';

const MAX_PAGE_SIZE = 100;

const filtersSchema = z.object({
  status: z.enum(['ALL', ...PRODUCT_STATUSES]).optional(),
  seller_skus: z.array(z.string().min(1)).max(100).optional(),
  create_time_ge: z.number().int().nonnegative().optional(),
  create_time_le: z.number().int().nonnegative().optional(),
  update_time_ge: z.number().int().nonnegative().optional(),
  update_time_le: z.number().int().nonnegative().optional(),
});
type Filters = z.output<typeof filtersSchema>;

/** Position encoded in a page token. The token is opaque to clients, as TikTok's is. */
const pageTokenSchema = z.object({ shop: z.string(), offset: z.number().int().positive(), filters: z.string() });

function encodePageToken(shopId: string, offset: number, filtersKey: string): string {
  return Buffer.from(JSON.stringify({ shop: shopId, offset, filters: filtersKey }), 'utf8').toString('base64url');
}

function decodePageToken(token: string): z.output<typeof pageTokenSchema> | undefined {
  try {
    const parsed = pageTokenSchema.safeParse(JSON.parse(Buffer.from(token, 'base64url').toString('utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

function matches(product: Product, filters: Filters): boolean {
  // Without a status filter every product but deleted ones is listed.
  if (filters.status === undefined && product.status === 'DELETED') return false;
  if (filters.status !== undefined && filters.status !== 'ALL' && product.status !== filters.status) return false;
  if (filters.seller_skus && !product.skus.some((sku) => filters.seller_skus?.includes(sku.seller_sku))) return false;
  if (filters.create_time_ge !== undefined && product.create_time < filters.create_time_ge) return false;
  if (filters.create_time_le !== undefined && product.create_time > filters.create_time_le) return false;
  if (filters.update_time_ge !== undefined && product.update_time < filters.update_time_ge) return false;
  if (filters.update_time_le !== undefined && product.update_time > filters.update_time_le) return false;
  return true;
}

/** Copies the product as the search lists it: the product JSON plus its sales regions. */
function searchEntry(record: ProductRecord, region: string): Product & { sales_regions: string[] } {
  return { ...structuredClone(record.product), sales_regions: [region] };
}

/** Registers POST /product/202312/products/search and GET /product/202309/products/{id}. */
export function registerProductRoutes(app: FastifyInstance, context: SandboxContext): void {
  app.post('/product/202312/products/search', async (request, reply) => {
    const caller = authenticateShopRequest(context, request, reply, { api: '/product/202312/products/search', scope: SCOPES.productRead });
    if (!caller) return reply;
    const query = queryOf(request.url);

    const pageSizeText = query.get('page_size') ?? '';
    const pageSize = /^\d+$/.test(pageSizeText) ? Number(pageSizeText) : NaN;
    if (!(pageSize >= 1 && pageSize <= MAX_PAGE_SIZE)) {
      return sendTikTokError(reply, CODES.invalidParameter, `Invalid page_size "${pageSizeText}": it is required and must be an integer from 1 to ${MAX_PAGE_SIZE}.`);
    }
    const parsed = filtersSchema.safeParse(request.body ?? {});
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return sendTikTokError(reply, CODES.invalidParameter, `Invalid request body field "${issue?.path.join('.') ?? ''}": ${issue?.message ?? 'invalid value'}.`);
    }
    const filtersKey = JSON.stringify(parsed.data);

    let offset = 0;
    const pageToken = query.get('page_token');
    if (pageToken) {
      const position = decodePageToken(pageToken);
      if (!position || position.shop !== caller.shop.id || position.filters !== filtersKey) {
        return sendTikTokError(reply, CODES.invalidParameter, 'Invalid page_token: pass the next_page_token of the previous page, with the same filters.');
      }
      offset = position.offset;
    }

    const matching = caller.shop.productIds.flatMap((productId) => {
      const record = context.store.products.get(productId);
      return record && matches(record.product, parsed.data) ? [record] : [];
    });
    const page = matching.slice(offset, offset + pageSize);
    const nextOffset = offset + page.length;
    return reply.send(
      tiktokSuccess({
        products: page.map((record) => searchEntry(record, caller.shop.region)),
        next_page_token: nextOffset < matching.length ? encodePageToken(caller.shop.id, nextOffset, filtersKey) : '',
        total_count: matching.length,
      }),
    );
  });

  app.get<{ Params: { productId: string } }>('/product/202309/products/:productId', async (request, reply) => {
    const caller = authenticateShopRequest(context, request, reply, { api: '/product/202309/products/:productId', scope: SCOPES.productRead });
    if (!caller) return reply;
    const record = context.store.products.get(request.params.productId);
    if (!record || record.shopId !== caller.shop.id) {
      return sendTikTokError(reply, CODES.productNotFound, `The product ${request.params.productId} does not exist in this shop.`);
    }
    return reply.send(tiktokSuccess(structuredClone(record.product)));
  });
}
