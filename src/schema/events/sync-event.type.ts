import { Field, ID, ObjectType } from 'type-graphql';
import type { SyncEventType } from '../../services.js';
import { SyncEventTypeEnum } from '../common/enums.js';
import { JSONScalar } from '../common/scalars.js';

/** `description` is declared by SyncEventResolver. */
@ObjectType('SyncEvent', { description: 'Sync activity on one of the tenant\'s connections, as it happens.' })
export class SyncEventObject {
  @Field(() => ID)
  id!: string;

  @Field(() => SyncEventTypeEnum)
  type!: SyncEventType;

  @Field(() => ID)
  connectionId!: string;

  @Field(() => ID, { nullable: true })
  syncRunId!: string | null;

  @Field(() => ID, { nullable: true })
  listingId!: string | null;

  @Field(() => String, { nullable: true })
  sku!: string | null;

  @Field(() => String, { nullable: true, description: 'Short English summary for developers; show description to merchants.' })
  message!: string | null;

  @Field()
  occurredAt!: Date;

  @Field(() => JSONScalar, { nullable: true, description: 'Details that depend on type, such as counts or stock levels.' })
  data!: Record<string, string | number | boolean | null> | null;
}
