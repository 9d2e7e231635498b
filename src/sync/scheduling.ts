/**
 * Port through which services ask for later work without importing the job layer. The job layer
 * implements it at start; each method only enqueues.
 */
export interface SyncScheduler {
  importListings(input: { tenantId: string; connectionId: string; syncRunId: string }): Promise<void>;
  /**
   * Asks for a stock push soon; calls close together collapse into one push. A call with a
   * `syncRunId` (a push someone requested) is queued at once and records its outcome on that run.
   */
  pushStock(input: { tenantId: string; connectionId: string; syncRunId?: string }): Promise<void>;
  processWebhook(input: { tenantId: string; deliveryId: string }): Promise<void>;
}
