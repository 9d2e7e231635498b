import { Arg, Ctx, FieldResolver, ID, Resolver, Root, Subscription } from 'type-graphql';
import type { SubscribeResolverData } from 'type-graphql';
import { translate } from '../../i18n/index.js';
import type { SyncEvent } from '../../services.js';
import type { GraphQLContext } from '../context.js';
import { requireConnection } from '../connections/require-connection.js';
import { SyncEventObject } from './sync-event.type.js';

interface SyncEventsArgs {
  connectionId?: string | null;
}

/**
 * Source stream of `syncEvents`: the tenant's events from the events port, narrowed to one
 * connection when asked. An unknown connection id fails with NOT_FOUND before subscribing.
 */
async function subscribeToSyncEvents({ args, context }: SubscribeResolverData<unknown, SyncEventsArgs, GraphQLContext>): Promise<AsyncIterable<SyncEvent>> {
  const connection = args.connectionId ? await requireConnection(context, args.connectionId, 'connectionId') : null;
  const filter = connection ? (event: SyncEvent) => event.connectionId === connection.id : undefined;
  return context.services.events.subscribe(context.auth.tenantId, filter);
}

@Resolver(() => SyncEventObject)
export class SyncEventResolver {
  @Subscription(() => SyncEventObject, {
    subscribe: subscribeToSyncEvents,
    description: "Sync activity on the tenant's connections from now on; of one connection when connectionId is given.",
  })
  syncEvents(
    @Root() event: SyncEvent,
    // Read by subscribeToSyncEvents; declared here so that it appears in the schema.
    @Arg('connectionId', () => ID, { nullable: true }) _connectionId: string | null,
  ): SyncEventObject {
    return {
      id: event.id,
      type: event.type,
      connectionId: event.connectionId,
      syncRunId: event.syncRunId ?? null,
      listingId: event.listingId ?? null,
      sku: event.sku ?? null,
      message: event.message ?? null,
      occurredAt: new Date(event.occurredAt),
      data: event.data ?? null,
    };
  }

  @FieldResolver(() => String, { description: 'What happened, as a sentence for merchants in the language of the connection.' })
  description(@Root() event: SyncEventObject, @Ctx() context: GraphQLContext): string {
    return translate(context.locale, `events.${event.type}`);
  }
}
