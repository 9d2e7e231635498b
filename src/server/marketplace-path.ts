import { Marketplace } from '../entities/index.js';

/** URL path segment of each marketplace in /webhooks/<segment> and /oauth/<segment>/callback. */
export const MARKETPLACE_PATH_SEGMENTS: Record<string, Marketplace> = {
  mercadolibre: Marketplace.MERCADOLIBRE,
  shopify: Marketplace.SHOPIFY,
  tiktok: Marketplace.TIKTOK,
  shein: Marketplace.SHEIN,
};

export function marketplaceFromPath(segment: string): Marketplace | undefined {
  return MARKETPLACE_PATH_SEGMENTS[segment.toLowerCase()];
}

export function pathSegmentOf(marketplace: Marketplace): string {
  return Object.entries(MARKETPLACE_PATH_SEGMENTS).find(([, value]) => value === marketplace)![0];
}
