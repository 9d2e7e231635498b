import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { SyncRun, type MarketplaceConnection } from '../../entities/index.js';
import type { GraphQLContext } from '../context.js';
import { SyncRunKind } from '../common/enums.js';
import { notFoundError, parseId } from '../common/errors.js';
import { findNewestFirstPage } from '../common/newest-first.js';
import { createdAtCursorSchema, DEFAULT_PAGE_SIZE, parsePageRequest, type Page } from '../common/pagination.js';
import { MarketplaceConnectionObject } from '../connections/connection.type.js';
import { requireConnection } from '../connections/require-connection.js';
import { StartSyncArgs, SyncRunsArgs } from './sync-run.args.js';
import { SyncRunConnection, SyncRunObject } from './sync-run.type.js';

@Resolver(() => SyncRunObject)
export class SyncRunResolver {
  @Query(() => SyncRunConnection, { description: 'Sync runs, newest first; of one connection when connectionId is given.' })
  async syncRuns(@Args() { connectionId, first, after }: SyncRunsArgs, @Ctx() context: GraphQLContext): Promise<Page<SyncRun>> {
    const page = parsePageRequest(first ?? DEFAULT_PAGE_SIZE, after, createdAtCursorSchema);
    const connection = connectionId ? await requireConnection(context, connectionId, 'connectionId') : null;
    return findNewestFirstPage(context.em, SyncRun, connection ? { connection: connection.id } : {}, page);
  }

  @Query(() => SyncRunObject, { description: 'One sync run; NOT_FOUND when the tenant has none with this id.' })
  async syncRun(@Arg('id', () => ID) id: string, @Ctx() context: GraphQLContext): Promise<SyncRun> {
    const run = await context.loaders.syncRun.load(parseId(id, 'id'));
    if (!run) throw notFoundError('syncRun', id);
    return run;
  }

  @Mutation(() => SyncRunObject, { description: 'Queues a sync run for one of the tenant\'s connections; NOT_FOUND for an unknown connection.' })
  async startSync(@Args() { connectionId, kind }: StartSyncArgs, @Ctx() context: GraphQLContext): Promise<SyncRun> {
    const connection = await requireConnection(context, connectionId, 'connectionId');
    return context.services.sync.startSync({
      tenantId: context.auth.tenantId,
      connectionId: connection.id,
      kind: kind ?? SyncRunKind.INCREMENTAL,
      trigger: 'api',
    });
  }

  @FieldResolver(() => MarketplaceConnectionObject)
  async connection(@Root() run: SyncRun, @Ctx() context: GraphQLContext): Promise<MarketplaceConnection> {
    const connection = await context.loaders.connection.load(run.connection.id);
    if (!connection) throw new Error(`Sync run ${run.id} refers to connection ${run.connection.id}, which is not in its tenant.`);
    return connection;
  }
}
