import { Arg, Ctx, ID, Resolver, Root, Subscription, type SubscribeResolverData } from 'type-graphql';
import { z } from 'zod';
import { isStatusReason } from '../../connections/connection-state.js';
import { ConnectionStatus, Marketplace } from '../../entities/index.js';
import type { SyncEvent } from '../../services.js';
import type { GraphQLContext } from '../context.js';
import { ConnectionStatusChange } from './connection-status.type.js';
import { describeStatusReason } from './describe-status.js';
import { requireConnection } from './require-connection.js';

interface ConnectionStatusChangedArgs {
  connectionId?: string | null;
}

/** `data` of a CONNECTION_STATUS_CHANGED event as src/connections/status.ts publishes it. */
const changeDataSchema = z.object({
  marketplace: z.enum(Marketplace).optional(),
  previous: z.enum(ConnectionStatus).optional(),
  status: z.enum(ConnectionStatus),
  reason: z.string().nullish(),
  changedAt: z.iso.datetime().optional(),
});

/**
 * Source stream of `connectionStatusChanged`: the tenant's CONNECTION_STATUS_CHANGED events from the
 * events port, of one connection when asked. An unknown connection id fails with NOT_FOUND first.
 */
async function subscribeToStatusChanges({ args, context }: SubscribeResolverData<unknown, ConnectionStatusChangedArgs, GraphQLContext>): Promise<AsyncIterable<SyncEvent>> {
  const connection = args.connectionId ? await requireConnection(context, args.connectionId, 'connectionId') : null;
  return context.services.events.subscribe(
    context.auth.tenantId,
    (event) => event.type === 'CONNECTION_STATUS_CHANGED' && (connection === null || event.connectionId === connection.id),
  );
}

@Resolver(() => ConnectionStatusChange)
export class ConnectionStatusResolver {
  @Subscription(() => ConnectionStatusChange, {
    subscribe: subscribeToStatusChanges,
    description: "Status changes of the tenant's connections from now on; of one connection when connectionId is given.",
  })
  connectionStatusChanged(
    @Root() event: SyncEvent,
    @Ctx() context: GraphQLContext,
    // Read by subscribeToStatusChanges; declared here so that it appears in the schema.
    @Arg('connectionId', () => ID, { nullable: true }) _connectionId: string | null,
  ): ConnectionStatusChange {
    const data = changeDataSchema.parse(event.data ?? {});
    const reason = data.reason ?? null;
    return {
      connectionId: event.connectionId,
      status: data.status,
      previousStatus: data.previous ?? null,
      statusReason: data.marketplace && isStatusReason(data.status, reason) ? describeStatusReason(context.locale, data.marketplace, reason) : null,
      changedAt: new Date(data.changedAt ?? event.occurredAt),
    };
  }
}
