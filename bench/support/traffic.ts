import type { CallPermit, CallScope, TrafficControl } from '../../src/connectors/shared/traffic.js';
import type { TrafficControlService } from '../../src/traffic/index.js';

/** Calls settled per connection and the cost the marketplace charged for them. */
export class CallTally {
  private readonly byConnection = new Map<string, { calls: number; cost: number }>();
  /** Every settled call in order, with the time it settled in epoch milliseconds. */
  readonly calls: Array<{ connectionId: string; cost: number; at: number }> = [];

  add(connectionId: string, cost: number): void {
    this.calls.push({ connectionId, cost, at: Date.now() });
    const entry = this.byConnection.get(connectionId) ?? { calls: 0, cost: 0 };
    entry.calls += 1;
    entry.cost += cost;
    this.byConnection.set(connectionId, entry);
  }

  of(connectionId: string): { calls: number; cost: number } {
    return { ...(this.byConnection.get(connectionId) ?? { calls: 0, cost: 0 }) };
  }

  get totalCalls(): number {
    return [...this.byConnection.values()].reduce((sum, entry) => sum + entry.calls, 0);
  }
}

/**
 * Wraps a traffic control so that every settled call is added to `tally`, with Shopify's actual
 * query cost (0 when the marketplace reported none, as for a throttled query) or 1 per request
 * elsewhere. With `inner` null every call is granted at once: the limiter is off and calls only
 * react to 429 and THROTTLED responses through the connectors' retry policy.
 */
export function talliedTraffic(inner: TrafficControlService | null, tally: CallTally): TrafficControlService {
  return {
    forConnection(scope) {
      const control = inner?.forConnection(scope);
      return {
        async acquire(call, signal) {
          const permit: CallPermit | undefined = await control?.acquire(call, signal);
          return {
            settle(outcome) {
              permit?.settle(outcome);
              const cost = scope.marketplace === 'SHOPIFY' ? (outcome.actualCost ?? 0) : 1;
              tally.add(scope.connectionId, cost);
            },
          };
        },
      };
    },
    whenSettled: () => inner?.whenSettled() ?? Promise.resolve(),
    // The runtime closes the traffic control it built; the wrapper owns nothing.
    close: () => Promise.resolve(),
  };
}

/**
 * Merges every tenant into one queue of the same limiter, so that calls are granted first come,
 * first served instead of in turns over tenants.
 */
export function firstComeFirstServed(inner: TrafficControlService): TrafficControlService {
  return {
    forConnection(scope: CallScope): TrafficControl {
      return inner.forConnection({ ...scope, tenantId: 'all-tenants' });
    },
    whenSettled: () => inner.whenSettled(),
    close: () => Promise.resolve(),
  };
}
