import type { FastifyInstance, FastifyReply } from 'fastify';
import type { SandboxContext } from './context.js';
import { renderEmpowerPage, renderErrorPage, type BilingualMessage } from './html.js';
import type { AppRecord, SandboxStore } from './store.js';

/**
 * The empower (authorization) page. SHEIN serves it at `https://openapi-sem.sheincorp.com/#/empower`,
 * where the parameters are in the fragment and never reach a server. The sandbox serves it at the
 * real path /empower, with the same parameters in the query string.
 */

export interface ValidEmpowerRequest {
  app: AppRecord;
  redirectUrl: string;
  state: string;
}

export type EmpowerCheck = { ok: true; request: ValidEmpowerRequest } | { ok: false; message: BilingualMessage };

const BASE64_PATTERN = /^[A-Za-z0-9+/]+={0,2}$/;

/** Decodes the base64 `redirectUrl`; returns undefined when it is not base64 of a URL. */
function decodeRedirectUrl(value: string): string | undefined {
  if (!BASE64_PATTERN.test(value) || value.length % 4 !== 0) return undefined;
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  return URL.canParse(decoded) ? decoded : undefined;
}

/** Checks appid, the base64 redirectUrl (which must be registered for the app) and state. */
export function checkEmpowerRequest(store: SandboxStore, field: (name: string) => string | undefined): EmpowerCheck {
  const fail = (es: string, en: string): EmpowerCheck => ({ ok: false, message: { es, en } });
  const appId = field('appid');
  if (!appId) return fail('Falta el parámetro appid.', 'Missing appid: add the appid of your application to the link.');
  const app = store.apps.get(appId);
  if (!app) return fail(`La aplicación "${appId}" no existe.`, `Unknown appid "${appId}": register the application in the sandbox (addApp() or --app-id).`);

  const encoded = field('redirectUrl');
  if (!encoded) return fail('Falta el parámetro redirectUrl.', 'Missing redirectUrl: send the redirect URL base64-encoded.');
  const redirectUrl = decodeRedirectUrl(encoded);
  if (!redirectUrl) {
    return fail('redirectUrl debe ser una URL codificada en base64.', 'redirectUrl must be a URL encoded in base64 (with "+" escaped as %2B in the query).');
  }
  if (!app.redirectUrls.includes(redirectUrl)) {
    return fail(
      'La URL de redirección no está registrada para esta aplicación.',
      `redirect URL "${redirectUrl}" is not registered for appid "${appId}"; use one of: ${app.redirectUrls.join(', ')}.`,
    );
  }
  return { ok: true, request: { app, redirectUrl, state: field('state') ?? '' } };
}

function sendErrorPage(reply: FastifyReply, message: BilingualMessage): FastifyReply {
  return reply.code(400).type('text/html; charset=utf-8').send(renderErrorPage(message));
}

function redirectBack(reply: FastifyReply, redirectUrl: string, params: Record<string, string>): FastifyReply {
  const target = new URL(redirectUrl);
  for (const [name, value] of Object.entries(params)) target.searchParams.set(name, value);
  return reply.redirect(target.toString(), 302);
}

function formField(body: unknown, name: string): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const value: unknown = (body as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : undefined;
}

/** Registers GET /empower (the page) and POST /empower/decision (the seller's choice). */
export function registerEmpowerRoutes(app: FastifyInstance, context: SandboxContext): void {
  app.get('/empower', async (request, reply) => {
    const query = new URL(request.url, 'http://sandbox.invalid').searchParams;
    const check = checkEmpowerRequest(context.store, (name) => query.get(name) ?? undefined);
    if (!check.ok) return sendErrorPage(reply, check.message);

    const sellers = [...context.store.sellers.values()].map((seller) => ({ supplierId: seller.supplierId, name: seller.name }));
    if (sellers.length === 0) {
      return sendErrorPage(reply, {
        es: 'No hay proveedores de prueba en el sandbox.',
        en: 'No sellers are seeded in the sandbox: call seedSeller() (or start the CLI, which seeds a demo seller) first.',
      });
    }
    const { app: registered, state } = check.request;
    const hiddenFields = { appid: registered.appId, redirectUrl: query.get('redirectUrl') ?? '', state };
    return reply.type('text/html; charset=utf-8').send(renderEmpowerPage({ appName: registered.name, sellers, hiddenFields }));
  });

  app.post('/empower/decision', async (request, reply) => {
    const check = checkEmpowerRequest(context.store, (name) => formField(request.body, name));
    if (!check.ok) return sendErrorPage(reply, check.message);
    const { app: registered, redirectUrl, state } = check.request;

    const decision = formField(request.body, 'decision');
    if (decision === 'deny') {
      // NOTE: how SHEIN reports a cancelled authorization is not documented; the sandbox sends error=access_denied.
      return redirectBack(reply, redirectUrl, { appid: registered.appId, state, error: 'access_denied' });
    }
    if (decision !== 'allow') {
      return sendErrorPage(reply, {
        es: `La decisión debe ser "allow" o "deny" (se recibió "${decision ?? ''}").`,
        en: `decision must be "allow" or "deny" (received "${decision ?? ''}").`,
      });
    }
    const supplierText = formField(request.body, 'supplierId') ?? '';
    const seller = /^\d+$/.test(supplierText) ? context.store.sellers.get(Number(supplierText)) : undefined;
    if (!seller) {
      return sendErrorPage(reply, {
        es: `El proveedor "${supplierText}" no existe en el sandbox.`,
        en: `supplierId "${supplierText}" is not a seeded seller: pick one of the sellers listed on the page.`,
      });
    }
    const tempToken = context.credentials.issueTempToken(registered.appId, seller.supplierId, state, context.now());
    context.logger.info({ appId: registered.appId, supplierId: seller.supplierId }, 'seller authorized the application');
    return redirectBack(reply, redirectUrl, { appid: registered.appId, tempToken, state });
  });
}
