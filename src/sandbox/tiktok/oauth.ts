import type { FastifyInstance, FastifyReply } from 'fastify';
import { queryOf, stringField, type SandboxContext } from './context.js';
import { renderConsentPage, renderErrorPage, type BilingualMessage } from './html.js';
import type { AppRecord } from './store.js';

type AppLookup = { ok: true; app: AppRecord; state: string | undefined } | { ok: false; message: BilingualMessage };

function findApp(context: SandboxContext, serviceId: string | undefined, state: string | undefined): AppLookup {
  if (!serviceId) {
    return { ok: false, message: { es: 'Falta el parámetro service_id.', en: 'Missing service_id: copy the authorization link of your app from Partner Center.' } };
  }
  const app = context.store.appByServiceId(serviceId);
  if (!app) {
    return {
      ok: false,
      message: { es: `El servicio "${serviceId}" no existe.`, en: `Unknown service_id "${serviceId}": register the app in the sandbox (addApp() or --service-id).` },
    };
  }
  return { ok: true, app, state: state?.trim() === '' ? undefined : state?.trim() };
}

function sendErrorPage(reply: FastifyReply, message: BilingualMessage): FastifyReply {
  return reply.code(400).type('text/html; charset=utf-8').send(renderErrorPage(message));
}

function redirectWith(reply: FastifyReply, redirectUrl: string, params: Record<string, string | undefined>): FastifyReply {
  const target = new URL(redirectUrl);
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined) target.searchParams.set(name, value);
  }
  return reply.redirect(target.toString(), 302);
}

/** Registers GET /open/authorize (consent page) and POST /open/authorize/decision. */
export function registerAuthorizationRoutes(app: FastifyInstance, context: SandboxContext): void {
  app.get('/open/authorize', async (request, reply) => {
    const query = queryOf(request.url);
    const lookup = findApp(context, query.get('service_id') ?? undefined, query.get('state') ?? undefined);
    if (!lookup.ok) return sendErrorPage(reply, lookup.message);

    const sellers = [...context.store.sellers.values()].map((seller) => ({
      openId: seller.openId,
      name: seller.name,
      shops: seller.shopIds.map((shopId) => {
        const shop = context.store.shops.get(shopId);
        return shop ? `${shop.name} (${shop.region})` : shopId;
      }),
    }));
    if (sellers.length === 0) {
      return sendErrorPage(reply, {
        es: 'No hay vendedores de prueba en el sandbox.',
        en: 'No sellers are seeded in the sandbox: call seedSeller() (or start the CLI, which seeds a demo seller) first.',
      });
    }
    const hiddenFields: Record<string, string> = { service_id: lookup.app.serviceId };
    if (lookup.state !== undefined) hiddenFields.state = lookup.state;
    return reply.type('text/html; charset=utf-8').send(renderConsentPage({ appName: lookup.app.name, sellers, hiddenFields }));
  });

  app.post('/open/authorize/decision', async (request, reply) => {
    const body: unknown = request.body;
    const lookup = findApp(context, stringField(body, 'service_id'), stringField(body, 'state'));
    if (!lookup.ok) return sendErrorPage(reply, lookup.message);

    const decision = stringField(body, 'decision');
    if (decision === 'deny') {
      // TikTok sends the refusal as error=auth_denied together with a literal code=null.
      return redirectWith(reply, lookup.app.redirectUrl, { code: 'null', error: 'auth_denied', state: lookup.state });
    }
    if (decision !== 'allow') {
      return sendErrorPage(reply, {
        es: `La decisión debe ser "allow" o "deny" (se recibió "${decision ?? ''}").`,
        en: `decision must be "allow" or "deny" (received "${decision ?? ''}").`,
      });
    }
    const openId = stringField(body, 'open_id') ?? '';
    if (!context.store.sellers.has(openId)) {
      return sendErrorPage(reply, {
        es: 'El vendedor elegido no existe en el sandbox.',
        en: `open_id "${openId}" is not a seeded seller: pick one of the sellers listed on the consent page.`,
      });
    }
    const code = context.credentials.issueCode(lookup.app, openId, Date.now());
    context.logger.info({ appKey: lookup.app.appKey }, 'seller authorized the app');
    return redirectWith(reply, lookup.app.redirectUrl, { code, state: lookup.state });
  });
}
