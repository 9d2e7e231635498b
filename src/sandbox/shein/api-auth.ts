import type { FastifyRequest } from 'fastify';
import type { Caller, SandboxContext } from './context.js';
import { signatureMatches } from './crypto.js';
import type { SheinErrorName } from './errors.js';

/** The key exchange is signed with the appid and app secret; every other API path with a seller key. */
export const APP_SIGNED_PATHS = new Set(['/open-api/auth/get-by-token']);

export type AuthOutcome = { ok: true; caller: Caller } | { ok: false; error: SheinErrorName; detail?: string };

function headerValue(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * Verifies the x-lt headers of an API request, as SHEIN's gateway does: the key exists and is
 * active, the timestamp is within the window, and the signature matches the path (no query).
 */
export function authenticate(context: SandboxContext, request: FastifyRequest, path: string): AuthOutcome {
  const appSigned = APP_SIGNED_PATHS.has(path);
  const keyId = headerValue(request, appSigned ? 'x-lt-appid' : 'x-lt-openkeyid');
  const timestamp = headerValue(request, 'x-lt-timestamp');
  const signature = headerValue(request, 'x-lt-signature');
  if (!keyId || !timestamp || !signature) {
    const missing = [!keyId && (appSigned ? 'x-lt-appid' : 'x-lt-openKeyId'), !timestamp && 'x-lt-timestamp', !signature && 'x-lt-signature'].filter(Boolean);
    return { ok: false, error: 'headersMissing', detail: `Missing: ${missing.join(', ')}.` };
  }
  if (!/^\d{13}$/.test(timestamp)) {
    return { ok: false, error: 'timestampInvalid', detail: 'Send milliseconds since the epoch (13 digits).' };
  }
  if (Math.abs(context.now() - Number(timestamp)) > context.timestampToleranceMs) {
    return { ok: false, error: 'timestampInvalid', detail: `Accepted distance: ${context.timestampToleranceMs} ms.` };
  }

  if (appSigned) {
    const app = context.store.apps.get(keyId);
    if (!app) return { ok: false, error: 'appInvalid' };
    if (!signatureMatches(app.appId, app.appSecret, path, timestamp, signature)) return { ok: false, error: 'signatureInvalid' };
    return { ok: true, caller: { kind: 'app', app } };
  }

  const key = context.credentials.findKey(keyId);
  if (!key || key.status !== 'active') return { ok: false, error: 'openKeyInvalid' };
  if (!signatureMatches(key.openKeyId, key.secretKey, path, timestamp, signature)) return { ok: false, error: 'signatureInvalid' };
  return { ok: true, caller: { kind: 'seller', key } };
}
