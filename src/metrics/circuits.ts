import type { Marketplace } from '../connectors/shared/types.js';

/** Circuit breaker states, as cockatiel and most breakers name them. */
export const CIRCUIT_STATES = ['closed', 'open', 'half_open'] as const;
export type CircuitState = (typeof CIRCUIT_STATES)[number];
/** States the gauge reports; every other connection is closed. */
export const REPORTED_CIRCUIT_STATES = ['open', 'half_open'] as const;
type ReportedState = (typeof REPORTED_CIRCUIT_STATES)[number];

/**
 * The last reported circuit state of each connection, counted per marketplace for the gauge.
 * A connection that goes back to `closed` is forgotten, so the map only contains connections whose
 * circuit is open or half-open.
 */
export class CircuitStates {
  private readonly states = new Map<string, { marketplace: Marketplace; state: ReportedState }>();
  private readonly marketplaces = new Set<Marketplace>();

  set(marketplace: Marketplace, connectionId: string, state: CircuitState): void {
    // A marketplace that was ever reported keeps its series at 0, so its graph does not vanish.
    this.marketplaces.add(marketplace);
    if (state === 'closed') this.states.delete(connectionId);
    else this.states.set(connectionId, { marketplace, state });
  }

  /** Open and half-open connections of every marketplace ever reported. */
  countByMarketplace(): Map<Marketplace, Record<ReportedState, number>> {
    const counts = new Map<Marketplace, Record<ReportedState, number>>();
    for (const marketplace of this.marketplaces) counts.set(marketplace, { open: 0, half_open: 0 });
    for (const { marketplace, state } of this.states.values()) counts.get(marketplace)![state] += 1;
    return counts;
  }
}
