import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { readBody, type SandboxContext } from './context.js';
import { encryptFixedIv } from './crypto.js';
import { envelope, sendError } from './errors.js';

/** supplierSource and supplierBusinessMode as the sandbox reports them. NOTE: SHEIN's value lists are not public. */
const SUPPLIER_SOURCE = 1;
const SUPPLIER_BUSINESS_MODE = 'SEMI_MANAGED';

/**
 * Registers POST /open-api/auth/get-by-token: signed with the appid and app secret, it trades a
 * tempToken for the seller's openKeyId and secret key, the key AES-encrypted with the app secret.
 */
export function registerAuthTokenRoute(app: FastifyInstance, context: SandboxContext): void {
  app.post('/open-api/auth/get-by-token', async (request, reply) => {
    const caller = context.callers.get(request);
    if (caller?.kind !== 'app') throw new Error('get-by-token ran without a verified app signature.');
    const body = readBody(z.object({ tempToken: z.string().min(1) }), request.body);
    if (!body.ok) return sendError(reply, 'paramInvalid', body.detail);

    const result = context.credentials.exchange(caller.app.appId, body.data.tempToken, context.now());
    if (!result.ok) {
      // The reason goes to the log only, like SHEIN's single tempToken error.
      context.logger.info({ appId: caller.app.appId, reason: result.reason }, 'tempToken rejected');
      return sendError(reply, 'tempTokenInvalid');
    }
    const { key, state } = result;
    context.logger.info({ appId: key.appId, supplierId: key.supplierId }, 'seller keys issued');
    return reply.header('cache-control', 'no-store').send(
      envelope({
        openKeyId: key.openKeyId,
        secretKey: encryptFixedIv(key.secretKey, caller.app.appSecret),
        appid: key.appId,
        state,
        supplierId: key.supplierId,
        supplierSource: SUPPLIER_SOURCE,
        supplierBusinessMode: SUPPLIER_BUSINESS_MODE,
      }),
    );
  });
}
