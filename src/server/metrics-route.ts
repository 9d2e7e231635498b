import type { FastifyPluginAsync } from 'fastify';
import type { Registry } from 'prom-client';

/**
 * Registers GET /metrics: the registry in the Prometheus text format. Like most scrape endpoints it
 * requires no token, so no metric may carry a tenant id or a secret. The port also serves webhooks
 * and OAuth callbacks to the internet, so block /metrics at the proxy for outside requests.
 */
export function metricsRoutes(registry: Registry): FastifyPluginAsync {
  return async (app) => {
    app.get('/metrics', async (request, reply) => {
      try {
        const body = await registry.metrics();
        return reply.type(registry.contentType).header('cache-control', 'no-store').send(body);
      } catch (error) {
        request.log.error({ err: error }, 'collecting metrics failed');
        return reply.code(500).type('text/plain; charset=utf-8').send('collecting metrics failed; see the service log\n');
      }
    });
  };
}
