import type { FastifyInstance } from 'fastify';
import type { SandboxContext } from './context.js';
import { INVALID_TOKEN_BODY, NOT_FOUND_BODY } from './errors.js';
import { shopPayload } from './payloads.js';

/**
 * Registers DELETE /shops/{shop}/admin/api_permissions/current.json, Shopify's call for an app to
 * uninstall itself: the calling app's tokens and codes on the shop are revoked, the install is
 * removed and `app/uninstalled` is sent, as when the merchant removes the app. Responds with `{}`.
 */
export function registerApiPermissionsRoute(app: FastifyInstance, context: SandboxContext): void {
  app.delete<{ Params: { shop: string } }>('/shops/:shop/admin/api_permissions/current.json', async (request, reply) => {
    const shop = context.store.shops.get(request.params.shop);
    if (!shop) return reply.code(404).send(NOT_FOUND_BODY);
    const tokenHeader = request.headers['x-shopify-access-token'];
    const token = typeof tokenHeader === 'string' ? context.credentials.resolveAccessToken(tokenHeader, shop.domain, Date.now()) : undefined;
    if (!token) return reply.code(401).send(INVALID_TOKEN_BODY);

    const installed = context.credentials.installedApps(shop.domain).find(({ app: candidate }) => candidate.clientId === token.clientId);
    if (installed) context.webhooks.emit([installed.app], shop.domain, 'app/uninstalled', shopPayload(shop));
    context.credentials.revoke(shop.domain, token.clientId);
    context.logger.info({ shopDomain: shop.domain, clientId: token.clientId }, 'app uninstalled itself through the API');
    return reply.send({});
  });
}
