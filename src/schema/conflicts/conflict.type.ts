import { Field, ID, ObjectType } from 'type-graphql';
import { SyncConflictStatus } from '../common/enums.js';
import { connectionTypes } from '../common/page-types.js';
import { JSONScalar } from '../common/scalars.js';

/** `listing` and `description` are declared by SyncConflictResolver. */
@ObjectType('SyncConflict', { description: 'A field of a listing that both EGDC and the marketplace changed since the last agreed value.' })
export class SyncConflictObject {
  @Field(() => ID)
  id!: string;

  @Field({ description: 'Synced field name, such as stock.' })
  field!: string;

  @Field(() => JSONScalar, { nullable: true, description: 'Value in EGDC.' })
  localValue!: unknown;

  @Field(() => JSONScalar, { nullable: true, description: 'Value on the marketplace.' })
  remoteValue!: unknown;

  @Field(() => JSONScalar, { nullable: true, description: 'Last value both sides agreed on.' })
  baseValue!: unknown;

  @Field(() => SyncConflictStatus)
  status!: SyncConflictStatus;

  @Field(() => String, { nullable: true, description: 'How it was settled: a policy name such as LOWEST_STOCK, or MANUAL:<value>.' })
  resolution!: string | null;

  @Field()
  createdAt!: Date;
}

export const SyncConflictConnection = connectionTypes(SyncConflictObject, 'SyncConflict');
