/** Stable versions the sandbox serves, oldest first. */
export const SUPPORTED_API_VERSIONS: readonly string[] = ['2025-07', '2025-10', '2026-01', '2026-04'];

/**
 * Returns the version a request is served with. A retired stable version falls forward to the
 * oldest supported one, as Shopify does, and `unstable` is served as the newest. Anything else
 * returns undefined.
 */
export function resolveApiVersion(requested: string): string | undefined {
  const oldest = SUPPORTED_API_VERSIONS[0];
  const newest = SUPPORTED_API_VERSIONS.at(-1);
  if (requested === 'unstable') return newest;
  if (!/^\d{4}-(01|04|07|10)$/.test(requested) || oldest === undefined || newest === undefined) return undefined;
  if (requested > newest) return undefined;
  return requested < oldest ? oldest : requested;
}
