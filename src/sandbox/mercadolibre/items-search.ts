import type { FastifyInstance, FastifyReply } from 'fastify';
import { allowOwnerOnly, authenticate } from './api-auth.js';
import { sellerSkuOf } from './catalog.js';
import { parseInteger, queryOf, type SandboxContext } from './context.js';
import { sendMlError } from './errors.js';
import type { Item, ItemStatus } from './types.js';

const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 100;
// Offset paging stops at 1,000 results; scan mode goes beyond.
const MAX_OFFSET_RESULTS = 1000;
const STATUSES: readonly ItemStatus[] = ['active', 'paused', 'closed'];

interface SearchResponseBody {
  seller_id: string;
  results: string[];
  paging: { total: number; offset: number; limit: number };
  query: null;
  orders: [];
  available_orders: [];
  scroll_id?: string;
}

function badRequest(reply: FastifyReply, message: string): FastifyReply {
  return sendMlError(reply, 400, 'bad_request', message);
}

function searchBody(sellerId: number, results: string[], paging: SearchResponseBody['paging'], scrollId?: string): SearchResponseBody {
  const body: SearchResponseBody = { seller_id: String(sellerId), results, paging, query: null, orders: [], available_orders: [] };
  if (scrollId !== undefined) body.scroll_id = scrollId;
  return body;
}

function matchesFilters(item: Item, status: ItemStatus | undefined, sellerSku: string | undefined): boolean {
  if (status !== undefined && item.status !== status) return false;
  if (sellerSku === undefined) return true;
  if (item.variations.length === 0) return sellerSkuOf(item) === sellerSku;
  return item.variations.some((variation) => sellerSkuOf(item, variation) === sellerSku);
}

/** Registers GET /users/{id}/items/search with offset paging and scan mode (search_type=scan). */
export function registerItemSearchRoute(app: FastifyInstance, context: SandboxContext): void {
  app.get<{ Params: { userId: string } }>('/users/:userId/items/search', async (request, reply) => {
    const caller = authenticate(context, request, reply);
    if (!caller) return reply;
    const userId = parseInteger(request.params.userId);
    if (userId === undefined) return badRequest(reply, `Invalid user id "${request.params.userId}": use the numeric seller id.`);
    if (!allowOwnerOnly(caller, userId, reply)) return reply;

    const query = queryOf(request.url);
    const statusText = query.get('status');
    const status = STATUSES.find((candidate) => candidate === statusText);
    if (statusText !== null && status === undefined) {
      return badRequest(reply, `Invalid status "${statusText}": use active, paused or closed.`);
    }
    const sellerSku = query.get('seller_sku') ?? query.get('sku') ?? undefined;

    const limitText = query.get('limit');
    const limit = limitText === null ? DEFAULT_LIMIT : parseInteger(limitText);
    if (limit === undefined || limit < 1 || limit > MAX_LIMIT) {
      return badRequest(reply, `Invalid limit "${limitText}": use an integer from 1 to ${MAX_LIMIT}.`);
    }

    const searchType = query.get('search_type');
    if (searchType !== null && searchType !== 'scan') {
      return badRequest(reply, `Invalid search_type "${searchType}": the only supported value is scan.`);
    }

    // NOTE: without a status filter every status is listed, closed included; whether MercadoLibre
    // hides closed items by default is not confirmed.
    const seller = context.store.sellers.get(userId);
    const matchingIds = (seller?.itemIds ?? []).filter((itemId) => {
      const item = context.store.items.get(itemId);
      return item !== undefined && matchesFilters(item, status, sellerSku);
    });

    if (searchType === 'scan') {
      const offsetText = query.get('offset');
      if (offsetText !== null && offsetText !== '0') {
        return badRequest(reply, 'offset is not supported with search_type=scan: pass the scroll_id of the previous page instead.');
      }
      const scrollId = query.get('scroll_id');
      const now = Date.now();
      let page;
      if (scrollId === null || scrollId === '') {
        page = context.scrolls.start(userId, matchingIds, limit, now);
      } else {
        const next = context.scrolls.next(scrollId, userId, limit, now);
        if (!next.ok) return badRequest(reply, next.message);
        page = next.page;
      }
      const paging = { total: page.total, offset: page.offset, limit };
      return reply.send(searchBody(userId, page.itemIds, paging, page.scrollId));
    }

    const offsetText = query.get('offset');
    const offset = offsetText === null ? 0 : parseInteger(offsetText);
    if (offset === undefined || offset < 0) {
      return badRequest(reply, `Invalid offset "${offsetText}": use an integer of 0 or more.`);
    }
    if (offset + limit > MAX_OFFSET_RESULTS) {
      return badRequest(reply, 'Invalid limit and offset values');
    }
    const paging = { total: matchingIds.length, offset, limit };
    return reply.send(searchBody(userId, matchingIds.slice(offset, offset + limit), paging));
  });
}
