import { ArgsType, Field, Int } from 'type-graphql';
import { SyncConflictStatus } from '../common/enums.js';
import { DEFAULT_PAGE_SIZE } from '../common/pagination.js';

@ArgsType()
export class SyncConflictsArgs {
  @Field(() => SyncConflictStatus, { nullable: true, description: 'Only conflicts in this status.' })
  status?: SyncConflictStatus | null;

  @Field(() => Int, { nullable: true, defaultValue: DEFAULT_PAGE_SIZE, description: 'Page size, 1 to 200.' })
  first?: number | null;

  @Field(() => String, { nullable: true, description: 'endCursor of the previous page.' })
  after?: string | null;
}
