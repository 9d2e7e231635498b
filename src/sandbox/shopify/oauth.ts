import type { FastifyInstance, FastifyReply } from 'fastify';
import { queryOf, stringField, type SandboxContext } from './context.js';
import type { AppRecord } from './credentials.js';
import { renderConsentPage, renderErrorPage, type BilingualMessage } from './html.js';
import type { ShopRecord } from './store.js';
import { signQuery } from './tokens.js';

/** Scopes the sandbox can grant. */
export const KNOWN_SCOPES: readonly string[] = [
  'read_products', 'write_products', 'read_inventory', 'write_inventory', 'read_locations', 'read_orders', 'write_orders', 'read_all_orders',
];

export interface ValidAuthorizeRequest {
  shop: ShopRecord;
  app: AppRecord;
  redirectUri: string;
  scopes: string[];
  state?: string;
}

export type AuthorizeCheck = { ok: true; request: ValidAuthorizeRequest } | { ok: false; status: number; message: BilingualMessage };

/** Checks an authorize request (query string or decision form) in the order Shopify's page does. */
export function checkAuthorizeRequest(context: SandboxContext, shopDomain: string, field: (name: string) => string | undefined): AuthorizeCheck {
  const fail = (status: number, es: string, en: string): AuthorizeCheck => ({ ok: false, status, message: { es, en } });
  const shop = context.store.shops.get(shopDomain);
  if (!shop) return fail(404, `La tienda ${shopDomain} no existe.`, `Shop ${shopDomain} not found: seed it with seedShop() first.`);
  const clientId = field('client_id');
  const app = clientId ? context.credentials.apps.get(clientId) : undefined;
  if (!clientId || !app) {
    return fail(400, 'La aplicación no existe.', `Unknown or missing client_id "${clientId ?? ''}": register the app in the sandbox (addApp() or --client-id).`);
  }
  const redirectUri = field('redirect_uri');
  if (!redirectUri || !app.redirectUris.includes(redirectUri)) {
    return fail(
      400,
      'La URL de redirección no está permitida para esta aplicación.',
      `redirect_uri "${redirectUri ?? ''}" is not an allowed redirection URL of the app; it must match one of: ${app.redirectUris.join(', ')}.`,
    );
  }
  if (field('grant_options[]') === 'per-user') {
    return fail(400, 'Este sandbox solo emite tokens sin conexión (offline).', 'The sandbox issues offline tokens only; leave out grant_options[]=per-user.');
  }
  const scopes = (field('scope') ?? '').split(',').map((scope) => scope.trim()).filter((scope) => scope !== '');
  const unknown = scopes.filter((scope) => !KNOWN_SCOPES.includes(scope));
  if (scopes.length === 0 || unknown.length > 0) {
    return fail(400, 'Los permisos solicitados no son válidos.', `Invalid scope "${field('scope') ?? ''}": use a comma-separated list of ${KNOWN_SCOPES.join(', ')}.`);
  }
  const state = field('state');
  return { ok: true, request: { shop, app, redirectUri, scopes, state: state === '' ? undefined : state } };
}

/** Builds the `host` parameter: base64 of the shop's admin path, without padding. */
function hostParameter(shop: ShopRecord): string {
  const name = shop.domain.replace(/\.myshopify\.com$/, '');
  return Buffer.from(`admin.shopify.com/store/${name}`, 'utf8').toString('base64').replace(/=+$/, '');
}

/** Builds the signed query of the redirect back to the app. */
export function signedCallbackQuery(request: ValidAuthorizeRequest, fields: Record<string, string | undefined>, now: Date): Record<string, string> {
  const query: Record<string, string> = { host: hostParameter(request.shop), shop: request.shop.domain, timestamp: String(Math.floor(now.getTime() / 1000)) };
  if (request.state !== undefined) query.state = request.state;
  for (const [name, value] of Object.entries(fields)) if (value !== undefined) query[name] = value;
  query.hmac = signQuery(query, request.app.clientSecret);
  return query;
}

export function callbackUrl(redirectUri: string, query: Record<string, string>): string {
  const target = new URL(redirectUri);
  for (const [name, value] of Object.entries(query)) target.searchParams.set(name, value);
  return target.toString();
}

function sendErrorPage(reply: FastifyReply, status: number, message: BilingualMessage): FastifyReply {
  return reply.code(status).type('text/html; charset=utf-8').send(renderErrorPage(message));
}

/** Registers GET (install page) and POST (decision) /shops/{shop}/admin/oauth/authorize. */
export function registerAuthorizeRoutes(app: FastifyInstance, context: SandboxContext): void {
  app.get<{ Params: { shop: string } }>('/shops/:shop/admin/oauth/authorize', async (request, reply) => {
    const query = queryOf(request.url);
    const check = checkAuthorizeRequest(context, request.params.shop, (name) => query.get(name) ?? undefined);
    if (!check.ok) return sendErrorPage(reply, check.status, check.message);
    const valid = check.request;
    const hiddenFields: Record<string, string> = { client_id: valid.app.clientId, redirect_uri: valid.redirectUri, scope: valid.scopes.join(',') };
    if (valid.state !== undefined) hiddenFields.state = valid.state;
    return reply.type('text/html; charset=utf-8').send(
      renderConsentPage({ appName: valid.app.name, shopName: valid.shop.name, shopDomain: valid.shop.domain, scopes: valid.scopes, hiddenFields }),
    );
  });

  app.post<{ Params: { shop: string } }>('/shops/:shop/admin/oauth/authorize', async (request, reply) => {
    const body: unknown = request.body;
    const check = checkAuthorizeRequest(context, request.params.shop, (name) => stringField(body, name));
    if (!check.ok) return sendErrorPage(reply, check.status, check.message);
    const valid = check.request;
    const decision = stringField(body, 'decision');
    const now = new Date();
    if (decision === 'deny') {
      const query = signedCallbackQuery(valid, { error: 'access_denied', error_description: 'The merchant did not install the app.' }, now);
      return reply.redirect(callbackUrl(valid.redirectUri, query), 302);
    }
    if (decision !== 'allow') {
      return sendErrorPage(reply, 400, { es: 'La decisión debe ser "allow" o "deny".', en: `decision must be "allow" or "deny" (received "${decision ?? ''}").` });
    }
    const code = context.credentials.issueCode(valid.app, valid.shop.domain, valid.redirectUri, valid.scopes, now.getTime());
    context.logger.info({ clientId: valid.app.clientId, shopDomain: valid.shop.domain }, 'merchant installed the app');
    return reply.redirect(callbackUrl(valid.redirectUri, signedCallbackQuery(valid, { code }, now)), 302);
  });
}
