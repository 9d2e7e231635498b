import type { FastifyInstance } from 'fastify';
import type { MikroORM } from '../database/orm.js';

/** Registers GET /health: 200 `{ status: 'ok' }` when a PostgreSQL ping succeeds, 503 otherwise. */
export function registerHealthRoute(app: FastifyInstance, orm: MikroORM): void {
  app.get('/health', async (request, reply) => {
    try {
      await orm.em.getConnection().execute('select 1');
      return { status: 'ok' };
    } catch (error) {
      request.log.error({ err: error }, 'health check failed: the database ping failed');
      return reply.code(503).send({ status: 'unavailable', reason: 'database unreachable' });
    }
  });
}
