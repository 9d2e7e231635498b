import { Args, Ctx, Query, Resolver } from 'type-graphql';
import { readUsageReport, type UsageGranularity } from '../../usage/index.js';
import type { GraphQLContext } from '../context.js';
import { badInputError } from '../common/errors.js';
import { requireConnection } from '../connections/require-connection.js';
import { ApiUsageArgs } from './api-usage.args.js';
import { ApiUsageObject } from './api-usage.type.js';

const HOUR_MS = 3_600_000;
/** Maximum window with MINUTE buckets: 1,440 buckets. */
const MAX_MINUTE_WINDOW_HOURS = 24;
/** Maximum window with HOUR or DAY buckets. */
const MAX_WINDOW_DAYS = 31;

@Resolver(() => ApiUsageObject)
export class ApiUsageResolver {
  @Query(() => ApiUsageObject, {
    description: 'Marketplace calls of one of the tenant\'s connections, per bucket, endpoint class and status class. NOT_FOUND for an unknown connection.',
  })
  async apiUsage(@Args() { connectionId, from, to, granularity }: ApiUsageArgs, @Ctx() context: GraphQLContext): Promise<ApiUsageObject> {
    // The connection is checked first, so another tenant's id is NOT_FOUND whatever the window.
    const connection = await requireConnection(context, connectionId, 'connectionId');
    const chosen = granularity ?? 'HOUR';
    checkWindow(from, to, chosen);
    const buckets = await readUsageReport(context.em, { connectionId: connection.id, from, to, granularity: chosen });
    const sum = (pick: (bucket: (typeof buckets)[number]) => number) => buckets.reduce((total, bucket) => total + pick(bucket), 0);
    return {
      connectionId: connection.id,
      from,
      to,
      granularity: chosen,
      buckets,
      calls: sum((bucket) => bucket.calls),
      throttled: sum((bucket) => bucket.throttled),
      errors: sum((bucket) => bucket.errors),
      cost: sum((bucket) => bucket.cost),
    };
  }
}

function checkWindow(from: Date, to: Date, granularity: UsageGranularity): void {
  const params = { from: from.toISOString(), to: to.toISOString(), granularity };
  const lengthMs = to.getTime() - from.getTime();
  if (lengthMs <= 0) throw badInputError('errors.input.usageWindowEmpty', params);
  if (granularity === 'MINUTE') {
    if (lengthMs > MAX_MINUTE_WINDOW_HOURS * HOUR_MS) throw badInputError('errors.input.usageWindowTooLongHours', { ...params, hours: MAX_MINUTE_WINDOW_HOURS });
  } else if (lengthMs > MAX_WINDOW_DAYS * 24 * HOUR_MS) {
    throw badInputError('errors.input.usageWindowTooLongDays', { ...params, days: MAX_WINDOW_DAYS });
  }
}
