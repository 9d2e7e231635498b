import { Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { USAGE_GRANULARITIES, type StatusClass, type UsageGranularity } from '../../usage/index.js';

/** GraphQL names of the status classes; the values are the classes the usage log stores. */
export const ApiStatusClass = {
  HTTP_2XX: '2xx',
  HTTP_3XX: '3xx',
  HTTP_4XX: '4xx',
  HTTP_429: '429',
  HTTP_5XX: '5xx',
  NETWORK: 'network',
} as const satisfies Record<string, StatusClass>;
registerEnumType(ApiStatusClass, {
  name: 'ApiStatusClass',
  description: 'Outcome class of a marketplace call: the HTTP status class, 429 (throttled) apart, or NETWORK when no response arrived.',
});

export const UsageGranularityEnum = Object.fromEntries(USAGE_GRANULARITIES.map((value) => [value, value])) as { [K in UsageGranularity]: K };
registerEnumType(UsageGranularityEnum, { name: 'UsageGranularity', description: 'Length of the buckets of an API usage report; buckets are cut in UTC.' });

@ObjectType('ApiUsageBucket', { description: 'Marketplace calls of one connection in one bucket, for one endpoint class and status class.' })
export class ApiUsageBucketObject {
  @Field({ description: 'Start of the bucket (UTC).' })
  bucketStart!: Date;

  @Field({ description: 'Coarse endpoint name, such as stock.write or graphql.' })
  endpointClass!: string;

  @Field(() => ApiStatusClass)
  statusClass!: StatusClass;

  @Field(() => Int)
  calls!: number;

  @Field(() => Int, { description: 'Calls that got a 429 (throttled) response.' })
  throttled!: number;

  @Field(() => Int, { description: 'Calls that failed: no response, 3xx, 4xx other than 429, or 5xx.' })
  errors!: number;

  @Field(() => Float, { description: 'Milliseconds.' })
  averageLatencyMs!: number;

  @Field(() => Float, { description: 'Milliseconds.' })
  maxLatencyMs!: number;

  @Field(() => Float, { description: 'Shopify query cost points; 1 per request for the other marketplaces.' })
  cost!: number;
}

@ObjectType('ApiUsage', {
  description: 'Marketplace calls of one connection in a time window. Each process stores its sums every few seconds (10 by default), so the newest calls may be missing.',
})
export class ApiUsageObject {
  @Field(() => ID)
  connectionId!: string;

  @Field()
  from!: Date;

  @Field()
  to!: Date;

  @Field(() => UsageGranularityEnum)
  granularity!: UsageGranularity;

  @Field(() => [ApiUsageBucketObject], { description: 'Oldest bucket first; buckets without calls are left out.' })
  buckets!: ApiUsageBucketObject[];

  @Field(() => Int)
  calls!: number;

  @Field(() => Int)
  throttled!: number;

  @Field(() => Int)
  errors!: number;

  @Field(() => Float)
  cost!: number;
}
