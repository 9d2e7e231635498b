import type { FastifyInstance, FastifyReply } from 'fastify';
import { stringField, queryOf, type SandboxContext } from './context.js';
import { renderConsentPage, renderErrorPage, type BilingualMessage } from './html.js';
import type { AppRecord, SandboxStore } from './store.js';

// An S256 challenge is the unpadded base64url form of a 32-byte hash (RFC 7636 section 4.2).
const S256_CHALLENGE_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export interface ValidAuthorizationRequest {
  app: AppRecord;
  redirectUri: string;
  state?: string;
  codeChallenge?: string;
  codeChallengeMethod?: string;
}

export type AuthorizationCheck = { ok: true; request: ValidAuthorizationRequest } | { ok: false; message: BilingualMessage };

/** Reads an authorization request field from a query string or a decoded form body. */
type FieldReader = (name: string) => string | undefined;

/** Checks the fields of an authorization request in the order MercadoLibre's page rejects them. */
export function checkAuthorizationRequest(store: SandboxStore, field: FieldReader): AuthorizationCheck {
  const fail = (es: string, en: string): AuthorizationCheck => ({ ok: false, message: { es, en } });

  const clientId = field('client_id');
  if (!clientId) {
    return fail('Falta el parámetro client_id.', 'Missing client_id: add the client id of your application to the URL.');
  }
  const app = store.apps.get(clientId);
  if (!app) {
    return fail(
      `La aplicación con client_id "${clientId}" no existe.`,
      `Unknown client_id "${clientId}": register the application in the sandbox (addApp() or --client-id).`,
    );
  }

  const redirectUri = field('redirect_uri');
  if (!redirectUri) {
    return fail('Falta el parámetro redirect_uri.', 'Missing redirect_uri: add the redirect URI registered for the application.');
  }
  if (!app.redirectUris.includes(redirectUri)) {
    return fail(
      'redirect_uri no registrado para esta aplicación.',
      `redirect_uri "${redirectUri}" is not registered for client_id "${clientId}"; it must match one of these exactly: ${app.redirectUris.join(', ')}.`,
    );
  }

  const responseType = field('response_type');
  if (responseType !== 'code') {
    return fail(
      `response_type debe ser "code" (se recibió "${responseType ?? ''}").`,
      `response_type must be "code" (received "${responseType ?? ''}").`,
    );
  }

  const codeChallenge = field('code_challenge');
  const codeChallengeMethod = field('code_challenge_method');
  if (codeChallenge === undefined || codeChallenge === '') {
    if (app.requirePkce) {
      return fail(
        'Esta aplicación exige PKCE: falta code_challenge.',
        'This application requires PKCE: add code_challenge (base64url SHA-256 of the code_verifier) and code_challenge_method=S256.',
      );
    }
  } else {
    if (codeChallengeMethod !== 'S256') {
      return fail(
        `code_challenge_method debe ser S256 (se recibió "${codeChallengeMethod ?? ''}").`,
        `code_challenge_method must be S256 (received "${codeChallengeMethod ?? ''}").`,
      );
    }
    if (!S256_CHALLENGE_PATTERN.test(codeChallenge)) {
      return fail(
        'code_challenge no es válido: debe tener 43 caracteres base64url.',
        'code_challenge is invalid: an S256 challenge is 43 base64url characters (SHA-256 digest, no padding).',
      );
    }
  }

  const state = field('state');
  return {
    ok: true,
    request: { app, redirectUri, state: state === '' ? undefined : state, codeChallenge: codeChallenge || undefined, codeChallengeMethod },
  };
}

function sendErrorPage(reply: FastifyReply, message: BilingualMessage): FastifyReply {
  return reply.code(400).type('text/html; charset=utf-8').send(renderErrorPage(message));
}

function redirectWith(reply: FastifyReply, redirectUri: string, params: Record<string, string | undefined>): FastifyReply {
  const target = new URL(redirectUri);
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined) target.searchParams.set(name, value);
  }
  return reply.redirect(target.toString(), 302);
}

/** Registers GET /authorization (consent page) and POST /authorization/decision. */
export function registerAuthorizationRoutes(app: FastifyInstance, context: SandboxContext): void {
  app.get('/authorization', async (request, reply) => {
    const query = queryOf(request.url);
    const check = checkAuthorizationRequest(context.store, (name) => query.get(name) ?? undefined);
    if (!check.ok) return sendErrorPage(reply, check.message);

    const sellers = [...context.store.sellers.values()].map((seller) => ({ id: seller.id, nickname: seller.nickname }));
    if (sellers.length === 0) {
      return sendErrorPage(reply, {
        es: 'No hay vendedores de prueba en el sandbox.',
        en: 'No sellers are seeded in the sandbox: call seedSeller() (or start the CLI, which seeds a demo seller) first.',
      });
    }

    const { request: valid } = check;
    const hiddenFields: Record<string, string> = {
      response_type: 'code',
      client_id: valid.app.clientId,
      redirect_uri: valid.redirectUri,
    };
    if (valid.state !== undefined) hiddenFields.state = valid.state;
    if (valid.codeChallenge !== undefined) hiddenFields.code_challenge = valid.codeChallenge;
    if (valid.codeChallengeMethod !== undefined) hiddenFields.code_challenge_method = valid.codeChallengeMethod;

    return reply
      .type('text/html; charset=utf-8')
      .send(renderConsentPage({ appName: valid.app.name, sellers, hiddenFields }));
  });

  app.post('/authorization/decision', async (request, reply) => {
    const body: unknown = request.body;
    const check = checkAuthorizationRequest(context.store, (name) => stringField(body, name));
    if (!check.ok) return sendErrorPage(reply, check.message);
    const { request: valid } = check;

    const decision = stringField(body, 'decision');
    if (decision === 'deny') {
      return redirectWith(reply, valid.redirectUri, {
        error: 'access_denied',
        error_description: 'The user denied access to the application.',
        state: valid.state,
      });
    }
    if (decision !== 'allow') {
      return sendErrorPage(reply, {
        es: `La decisión debe ser "allow" o "deny" (se recibió "${decision ?? ''}").`,
        en: `decision must be "allow" or "deny" (received "${decision ?? ''}").`,
      });
    }

    const userIdText = stringField(body, 'user_id') ?? '';
    const seller = /^\d+$/.test(userIdText) ? context.store.sellers.get(Number(userIdText)) : undefined;
    if (!seller) {
      return sendErrorPage(reply, {
        es: `El vendedor "${userIdText}" no existe en el sandbox.`,
        en: `user_id "${userIdText}" is not a seeded seller: pick one of the sellers listed on the consent page.`,
      });
    }

    const code = context.credentials.issueCode(valid.app, seller.id, valid.redirectUri, valid.codeChallenge, Date.now());
    context.logger.info({ clientId: valid.app.clientId, userId: seller.id }, 'seller authorized the application');
    return redirectWith(reply, valid.redirectUri, { code, state: valid.state });
  });
}
