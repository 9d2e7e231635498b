import type { FastifyInstance } from 'fastify';
import { allowOwnerOnly, authenticate } from './api-auth.js';
import { parseInteger, queryOf, type SandboxContext } from './context.js';
import { mlError, sendMlError } from './errors.js';
import type { SellerRecord } from './store.js';

const DEFAULT_FEED_LIMIT = 50;

function userBody(seller: SellerRecord): { id: number; nickname: string; site_id: 'MLM'; tags: string[] } {
  return { id: seller.id, nickname: seller.nickname, site_id: 'MLM', tags: ['normal'] };
}

/** Registers GET /users/me, GET /users/{id}, DELETE /users/{id}/applications/{appId} and GET /missed_feeds. */
export function registerUserRoutes(app: FastifyInstance, context: SandboxContext): void {
  app.get('/users/me', async (request, reply) => {
    const caller = authenticate(context, request, reply);
    if (!caller) return reply;
    const seller = context.store.sellers.get(caller.userId);
    if (!seller) return reply.code(404).send(mlError(404, 'not_found', `User ${caller.userId} not found`));
    return reply.send(userBody(seller));
  });

  app.get<{ Params: { userId: string } }>('/users/:userId', async (request, reply) => {
    const caller = authenticate(context, request, reply);
    if (!caller) return reply;
    const userId = parseInteger(request.params.userId);
    const seller = userId === undefined ? undefined : context.store.sellers.get(userId);
    if (!seller) return reply.code(404).send(mlError(404, 'not_found', `User ${request.params.userId} not found`));
    return reply.send(userBody(seller));
  });

  app.delete<{ Params: { userId: string; appId: string } }>('/users/:userId/applications/:appId', async (request, reply) => {
    const caller = authenticate(context, request, reply);
    if (!caller) return reply;
    const userId = parseInteger(request.params.userId);
    if (userId === undefined) {
      return sendMlError(reply, 400, 'bad_request', `Invalid user id "${request.params.userId}": use the numeric seller id.`);
    }
    if (!allowOwnerOnly(caller, userId, reply)) return reply;
    const target = context.store.findAppByAnyId(request.params.appId);
    if (target?.clientId !== caller.app.clientId) {
      return sendMlError(reply, 403, 'forbidden', `An access token of application ${caller.app.applicationId} can only remove its own authorization, not that of application ${request.params.appId}.`);
    }

    context.credentials.revoke(userId, caller.app.clientId);
    context.logger.info({ userId, clientId: caller.app.clientId }, 'authorization removed through the API');
    return reply.send({ user_id: userId, app_id: caller.app.applicationId, msg: 'Authorization removed' });
  });

  app.get('/missed_feeds', async (request, reply) => {
    const caller = authenticate(context, request, reply);
    if (!caller) return reply;
    const query = queryOf(request.url);
    const appId = query.get('app_id');
    if (!appId) return sendMlError(reply, 400, 'bad_request', 'Missing app_id: pass the application id whose missed notifications you want.');
    const target = context.store.findAppByAnyId(appId);
    if (target?.clientId !== caller.app.clientId) {
      return sendMlError(reply, 403, 'forbidden', `The access token belongs to application ${caller.app.applicationId}, not to application ${appId}.`);
    }

    const offsetText = query.get('offset');
    const limitText = query.get('limit');
    const offset = offsetText === null ? 0 : parseInteger(offsetText);
    const limit = limitText === null ? DEFAULT_FEED_LIMIT : parseInteger(limitText);
    if (offset === undefined || offset < 0 || limit === undefined || limit < 1) {
      return sendMlError(reply, 400, 'bad_request', `Invalid offset "${offsetText}" or limit "${limitText}": use integers, offset of 0 or more and limit of 1 or more.`);
    }

    const topic = query.get('topic');
    const messages = context.notifier.missed.filter(
      (message) => message.application_id === caller.app.applicationId && (topic === null || message.topic === topic),
    );
    return reply.send({ messages: structuredClone(messages.slice(offset, offset + limit)), total: messages.length });
  });
}
