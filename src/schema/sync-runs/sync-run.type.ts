import { Field, ID, Int, ObjectType } from 'type-graphql';
import { SyncRunKind, SyncRunStatus } from '../common/enums.js';
import { connectionTypes } from '../common/page-types.js';

/** `connection` is declared by SyncRunResolver. */
@ObjectType('SyncRun', { description: 'One execution of a sync job, with what it read, wrote and spent.' })
export class SyncRunObject {
  @Field(() => ID)
  id!: string;

  @Field(() => SyncRunKind)
  kind!: SyncRunKind;

  @Field({ description: 'What started the run: api, schedule, webhook, demo or stock-change.' })
  trigger!: string;

  @Field(() => SyncRunStatus)
  status!: SyncRunStatus;

  @Field(() => Int)
  readCount!: number;

  @Field(() => Int)
  writtenCount!: number;

  @Field(() => Int)
  skippedCount!: number;

  @Field(() => Int)
  conflictCount!: number;

  @Field(() => Int)
  errorCount!: number;

  @Field(() => Int, { description: 'Marketplace API calls the run spent.' })
  apiCalls!: number;

  @Field(() => Date, { nullable: true })
  startedAt!: Date | null;

  @Field(() => Date, { nullable: true })
  finishedAt!: Date | null;

  @Field(() => String, { nullable: true, description: 'Failure summary; null unless the run failed.' })
  error!: string | null;

  @Field()
  createdAt!: Date;
}

export const SyncRunConnection = connectionTypes(SyncRunObject, 'SyncRun');
