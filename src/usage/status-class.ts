/** Status classes the usage log and the metrics group calls by. */
export const STATUS_CLASSES = ['2xx', '3xx', '4xx', '429', '5xx', 'network'] as const;
export type StatusClass = (typeof STATUS_CLASSES)[number];

/**
 * Maps an HTTP status to its class. 429 has its own class because it is the throttling signal.
 * `null` (no response: network error or timeout) and any value that is not a final HTTP status
 * (below 200 or above 599) count as `network`, because no usable response arrived.
 */
export function statusClassOf(status: number | null): StatusClass {
  if (status === null || !Number.isInteger(status) || status < 200 || status > 599) return 'network';
  if (status === 429) return '429';
  if (status < 300) return '2xx';
  if (status < 400) return '3xx';
  if (status < 500) return '4xx';
  return '5xx';
}

/** Tells whether calls of this class failed: any class but 2xx and 429, which counts as throttled instead. */
export function isErrorClass(statusClass: StatusClass): boolean {
  return statusClass !== '2xx' && statusClass !== '429';
}
