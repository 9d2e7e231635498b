import { ArgsType, Field, ID, Int } from 'type-graphql';
import { SyncRunKind } from '../common/enums.js';
import { DEFAULT_PAGE_SIZE } from '../common/pagination.js';

@ArgsType()
export class SyncRunsArgs {
  @Field(() => ID, { nullable: true, description: 'Only runs of this connection.' })
  connectionId?: string | null;

  @Field(() => Int, { nullable: true, defaultValue: DEFAULT_PAGE_SIZE, description: 'Page size, 1 to 200.' })
  first?: number | null;

  @Field(() => String, { nullable: true, description: 'endCursor of the previous page.' })
  after?: string | null;
}

@ArgsType()
export class StartSyncArgs {
  @Field(() => ID)
  connectionId!: string;

  @Field(() => SyncRunKind, { nullable: true, defaultValue: SyncRunKind.INCREMENTAL })
  kind?: SyncRunKind | null;
}
