import type { FastifyInstance } from 'fastify';
import { authenticateApiRequest, authenticateShopRequest } from './api-auth.js';
import type { SandboxContext } from './context.js';
import { tiktokSuccess } from './errors.js';
import { SCOPES } from './types.js';

/** Registers GET /authorization/202309/shops and GET /logistics/202309/warehouses. */
export function registerShopRoutes(app: FastifyInstance, context: SandboxContext): void {
  app.get('/authorization/202309/shops', async (request, reply) => {
    const caller = authenticateApiRequest(context, request, reply, { api: '/authorization/202309/shops', scope: SCOPES.authorization, shopScoped: false });
    if (!caller) return reply;
    const seller = context.store.sellers.get(caller.token.openId);
    const shops = (seller?.shopIds ?? []).flatMap((shopId) => {
      const shop = context.store.shops.get(shopId);
      return shop ? [{ id: shop.id, name: shop.name, region: shop.region, seller_type: shop.sellerType, cipher: shop.cipher, code: shop.code }] : [];
    });
    return reply.send(tiktokSuccess({ shops }));
  });

  app.get('/logistics/202309/warehouses', async (request, reply) => {
    const caller = authenticateShopRequest(context, request, reply, { api: '/logistics/202309/warehouses', scope: SCOPES.logistics });
    if (!caller) return reply;
    const warehouses = caller.shop.warehouses.map((warehouse) => ({ ...warehouse, address: { region_code: caller.shop.region } }));
    return reply.send(tiktokSuccess({ warehouses }));
  });
}
