import type { FastifyPluginAsync } from 'fastify';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import type { ConnectorRegistry } from '../connections/registry.js';
import { processMetrics } from '../metrics/index.js';
import type { SyncScheduler } from '../sync/scheduling.js';
import { receiveWebhook } from '../sync/webhooks.js';
import { marketplaceFromPath } from './marketplace-path.js';

/**
 * Registers POST /webhooks/<marketplace>: verifies the request over its raw bytes, stores it once
 * in the inbox and responds at once. A job later fetches and applies what it points at.
 */
export function webhookRoutes(deps: { orm: MikroORM; connectors: ConnectorRegistry; scheduler: SyncScheduler; logger: Logger }): FastifyPluginAsync {
  const logger = deps.logger.child({ module: 'webhooks' });
  return async (app) => {
    app.post<{ Params: { marketplace: string } }>('/webhooks/:marketplace', async (request, reply) => {
      const marketplace = marketplaceFromPath(request.params.marketplace);
      if (!marketplace) {
        return reply.code(404).send({ error: 'not_found', message: `No webhook endpoint for "${request.params.marketplace}"; use mercadolibre, shopify, tiktok or shein.` });
      }
      // Signatures cover the exact bytes received, so a body re-serialized from parsed JSON is useless.
      const rawBody = (request as { rawBody?: string }).rawBody;
      if (rawBody === undefined) {
        logger.warn({ marketplace, contentType: request.headers['content-type'] }, 'webhook with an unsupported content type rejected');
        return reply.code(415).send({ error: 'unsupported_media_type', message: 'Send the webhook as application/json or application/x-www-form-urlencoded.' });
      }
      const receipt = await receiveWebhook(deps, marketplace, { headers: request.headers, rawBody });
      processMetrics().countWebhookDelivery(marketplace, receipt.status);
      switch (receipt.status) {
        case 'rejected':
          logger.warn({ marketplace, reason: receipt.reason }, 'webhook rejected');
          return reply.code(401).send({ error: 'invalid_webhook', message: receipt.reason });
        case 'unknown_account':
          // Acknowledged so the marketplace stops retrying; nothing here can use it.
          logger.warn({ marketplace, accountId: receipt.accountId }, 'webhook for an account with no connection ignored');
          return reply.code(200).send({ status: 'ignored' });
        case 'duplicate':
          logger.debug({ marketplace, tenantId: receipt.tenantId, deliveryId: receipt.deliveryId }, 'duplicate webhook delivery');
          return reply.code(200).send({ status: 'duplicate' });
        case 'accepted':
          await deps.scheduler.processWebhook({ tenantId: receipt.tenantId, deliveryId: receipt.deliveryId });
          return reply.code(200).send({ status: 'accepted' });
      }
    });
  };
}
