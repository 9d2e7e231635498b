import { ArgsType, Field, ID } from 'type-graphql';
import type { UsageGranularity } from '../../usage/index.js';
import { UsageGranularityEnum } from './api-usage.type.js';

@ArgsType()
export class ApiUsageArgs {
  @Field(() => ID)
  connectionId!: string;

  @Field({ description: 'Start of the window, included.' })
  from!: Date;

  @Field({ description: 'End of the window, excluded. At most 31 days after from (24 hours with granularity MINUTE).' })
  to!: Date;

  @Field(() => UsageGranularityEnum, { nullable: true, defaultValue: 'HOUR' })
  granularity?: UsageGranularity | null;
}
