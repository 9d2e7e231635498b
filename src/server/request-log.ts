import type { FastifyInstance } from 'fastify';

/**
 * Logs one line per response with the path but never the query string, because OAuth callbacks
 * carry the authorization code and state there. Failures log at warn or error, the rest at debug.
 */
export function logResponses(app: FastifyInstance): void {
  app.addHook('onResponse', async (request, reply) => {
    const path = request.url.split('?', 1)[0];
    const fields = { method: request.method, path, status: reply.statusCode, durationMs: Math.round(reply.elapsedTime) };
    if (reply.statusCode >= 500) request.log.error(fields, 'request failed');
    else if (reply.statusCode >= 400) request.log.warn(fields, 'request rejected');
    else request.log.debug(fields, 'request completed');
  });
}
