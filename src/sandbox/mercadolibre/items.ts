import type { FastifyInstance } from 'fastify';
import { allowOwnerOnly, authenticate, forbiddenBody } from './api-auth.js';
import { notifyAuthorizedApps, queryOf, type SandboxContext } from './context.js';
import { mlError, sendMlError, type MlErrorBody } from './errors.js';
import { applyItemUpdate } from './item-update.js';
import type { Item } from './types.js';

const MAX_MULTIGET_IDS = 20;

type MultigetEntry = { code: 200; body: Partial<Item> } | { code: 403 | 404; body: MlErrorBody };

function itemNotFound(itemId: string): MlErrorBody {
  return mlError(404, 'not_found', `Item with id ${itemId} not found`);
}

function splitList(text: string | null): string[] {
  return (text ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
}

/** Returns a copy of the item, limited to the requested top-level attributes when any are given. */
function projectItem(item: Item, attributes: string[]): Partial<Item> {
  const copy = structuredClone(item);
  if (attributes.length === 0) return copy;
  const requested = new Set(attributes);
  return Object.fromEntries(Object.entries(copy).filter(([key]) => requested.has(key))) as Partial<Item>;
}

/** Registers GET /items (multiget), GET /items/{id} and PUT /items/{id}. */
export function registerItemRoutes(app: FastifyInstance, context: SandboxContext): void {
  app.get('/items', async (request, reply) => {
    const caller = authenticate(context, request, reply);
    if (!caller) return reply;

    const query = queryOf(request.url);
    const ids = splitList(query.get('ids'));
    if (ids.length === 0) {
      return sendMlError(reply, 400, 'bad_request', `Missing ids: pass ids=MLM1,MLM2 with at most ${MAX_MULTIGET_IDS} item ids.`);
    }
    if (ids.length > MAX_MULTIGET_IDS) {
      return sendMlError(reply, 400, 'bad_request', `Too many ids, max ${MAX_MULTIGET_IDS}`);
    }
    const attributes = splitList(query.get('attributes'));

    const entries = ids.map((itemId): MultigetEntry => {
      const item = context.store.items.get(itemId);
      if (!item) return { code: 404, body: itemNotFound(itemId) };
      if (item.seller_id !== caller.userId) return { code: 403, body: forbiddenBody(caller, item.seller_id) };
      return { code: 200, body: projectItem(item, attributes) };
    });
    return reply.send(entries);
  });

  app.get<{ Params: { itemId: string } }>('/items/:itemId', async (request, reply) => {
    const caller = authenticate(context, request, reply);
    if (!caller) return reply;
    const item = context.store.items.get(request.params.itemId);
    if (!item) return reply.code(404).send(itemNotFound(request.params.itemId));
    if (!allowOwnerOnly(caller, item.seller_id, reply)) return reply;
    return reply.send(projectItem(item, splitList(queryOf(request.url).get('attributes'))));
  });

  app.put<{ Params: { itemId: string } }>('/items/:itemId', async (request, reply) => {
    const caller = authenticate(context, request, reply);
    if (!caller) return reply;
    const item = context.store.items.get(request.params.itemId);
    if (!item) return reply.code(404).send(itemNotFound(request.params.itemId));
    if (!allowOwnerOnly(caller, item.seller_id, reply)) return reply;

    const result = applyItemUpdate(item, request.body, new Date());
    if (!result.ok) {
      context.logger.info({ itemId: item.id, causes: result.cause.map((entry) => entry.code) }, 'item update rejected');
      return sendMlError(reply, 400, 'validation_error', result.message, result.cause);
    }
    notifyAuthorizedApps(context, item.seller_id, 'items', `/items/${item.id}`);
    return reply.send(structuredClone(result.item));
  });
}
