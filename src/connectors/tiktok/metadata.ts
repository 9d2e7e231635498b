import { z } from 'zod';
import type { JsonValue } from '../shared/types.js';

/** Non-secret data stored with a TikTok Shop connection (`TokenSet.metadata`). */
export interface TikTokConnectionMetadata {
  /** Seller the authorization belongs to. */
  openId: string;
  /** Connected shop; also the connection's account id and the `shop_id` of its webhooks. */
  shopId: string;
  /** Shop identifier every shop-scoped call sends as `shop_cipher`. */
  shopCipher: string;
  shopName: string;
  /** Region code of the shop, e.g. MX. */
  region: string;
  /** Default sales warehouse for stock writes; null when the warehouse list could not be read. */
  defaultWarehouseId: string | null;
}

const metadataSchema = z.object({
  openId: z.string().min(1),
  shopId: z.string().regex(/^\d+$/),
  shopCipher: z.string().min(1),
  shopName: z.string(),
  region: z.string().min(1),
  defaultWarehouseId: z.string().regex(/^\d+$/).nullish(),
});

/** Reads stored metadata; returns null when it is missing or was not written by this connector. */
export function readConnectionMetadata(metadata: Record<string, JsonValue> | undefined): TikTokConnectionMetadata | null {
  if (metadata === undefined) {
    return null;
  }
  const result = metadataSchema.safeParse(metadata);
  if (!result.success) {
    return null;
  }
  return { ...result.data, defaultWarehouseId: result.data.defaultWarehouseId ?? null };
}

export function toMetadataRecord(metadata: TikTokConnectionMetadata): Record<string, JsonValue> {
  return { ...metadata };
}
