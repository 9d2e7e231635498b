import type { FastifyPluginAsync } from 'fastify';
import type { Logger } from 'pino';
import type { AuthorizationResult, AuthorizationService } from '../connections/authorization.js';
import { negotiateLocale, translate, type Locale, type MessageKey } from '../i18n/index.js';
import { marketplaceFromPath } from './marketplace-path.js';
import { renderResultPage } from './oauth-page.js';

/** The redirect's query: `code`, `state` or `error` for most marketplaces, plus `hmac` and `shop` (Shopify) or `tempToken` (Shein). */
type CallbackQuery = Record<string, string | undefined>;

/**
 * GET /oauth/<marketplace>/callback: where the marketplace sends the merchant back after consent.
 * Completes the authorization and shows a result page in the merchant's language (es-MX unless
 * Accept-Language prefers English).
 */
export function oauthCallbackRoutes(deps: { authorization: AuthorizationService; logger: Logger }): FastifyPluginAsync {
  const logger = deps.logger.child({ module: 'oauth-callback' });
  return async (app) => {
    app.get<{ Params: { marketplace: string }; Querystring: CallbackQuery }>('/oauth/:marketplace/callback', async (request, reply) => {
      const locale = negotiateLocale(request.headers['accept-language']);
      const marketplace = marketplaceFromPath(request.params.marketplace);
      reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').header('referrer-policy', 'no-referrer');
      if (!marketplace) {
        return reply.code(404).send(renderResultPage(locale, { ok: false, title: translate(locale, 'oauth.failedTitle'), message: translate(locale, 'oauth.reasons.unknown_marketplace', { value: request.params.marketplace }) }));
      }
      const result = await deps.authorization.completeAuthorization({ marketplace, query: request.query });
      if (!result.ok) logger.warn({ marketplace, reason: result.reason, detail: result.detail }, 'authorization callback failed');
      return reply.code(result.ok ? 200 : 400).send(renderResultPage(locale, describe(locale, marketplace, result)));
    });
  };
}

function describe(locale: Locale, marketplace: string, result: AuthorizationResult) {
  const name = translate(locale, `marketplaces.${marketplace}` as MessageKey);
  if (result.ok) {
    return {
      ok: true,
      title: translate(locale, 'oauth.connectedTitle'),
      message: translate(locale, 'oauth.connected', { marketplace: name, account: result.accountId }),
      returnTo: result.returnTo,
    };
  }
  return {
    ok: false,
    title: translate(locale, 'oauth.failedTitle'),
    message: translate(locale, `oauth.reasons.${result.reason}` as MessageKey, { marketplace: name }),
    returnTo: result.returnTo,
  };
}
