import type { MarketplaceConnection } from '../../entities/index.js';
import type { GraphQLContext } from '../context.js';
import { notFoundError, parseId } from '../common/errors.js';

/** Returns the tenant's connection `id`, or throws NOT_FOUND (also for another tenant's id). */
export async function requireConnection(context: GraphQLContext, id: string, argument: string): Promise<MarketplaceConnection> {
  const connection = await context.loaders.connection.load(parseId(id, argument));
  if (!connection) throw notFoundError('connection', id);
  return connection;
}
