import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';

/**
 * Fastify's request logging with the path but never the query string, because OAuth callbacks
 * carry the authorization code and state there. Failures log at warn or error, the rest at debug.
 */
export class PathOnlyLogController extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    const fields = describe(request, reply);
    if (error || reply.statusCode >= 500) request.log.error({ ...fields, err: error }, 'request failed');
    else if (reply.statusCode >= 400) request.log.warn(fields, 'request rejected');
    else request.log.debug(fields, 'request completed');
  }

  override defaultErrorLog(error: Error, request: FastifyRequest, reply: FastifyReply): void {
    const fields = { ...describe(request, reply), err: error };
    if (reply.statusCode >= 500) request.log.error(fields, 'request handler failed');
    else request.log.info(fields, 'request handler rejected the request');
  }
}

function describe(request: FastifyRequest, reply: FastifyReply) {
  return { method: request.method, path: request.url.split('?', 1)[0], status: reply.statusCode, durationMs: Math.round(reply.elapsedTime) };
}
