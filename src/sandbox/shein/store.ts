import { randomInt } from 'node:crypto';
import { z } from 'zod';
import { reportSandboxSecret } from '../shared/secrets.js';
import type { Order, SandboxAppConfig, SkuRecord, SpuRecord } from './types.js';

export interface AppRecord {
  appId: string;
  appSecret: string;
  redirectUrls: string[];
  webhookUrl?: string;
  name: string;
}

export interface SellerRecord {
  supplierId: number;
  name: string;
  /** SPU names in creation order, which is also the product query order. */
  spuNames: string[];
}

/** Position of a SKU in the catalogue (its SPU and SKC), for lookups by skuCode. */
export interface SkuLocation {
  spu: SpuRecord;
  skcName: string;
  sku: SkuRecord;
}

/** Result of one stock change row, repeated for a repeated idempotency key. */
export type RowOutcome = { ok: true } | { ok: false; reason: string };

const appConfigSchema = z.object({
  appId: z.string().min(1),
  appSecret: z.string().min(1),
  redirectUrls: z.array(z.url()).min(1),
  webhookUrl: z.url().optional(),
  name: z.string().min(1).optional(),
});

/** In-memory records of apps, sellers, products, orders and stock change results. */
export class SandboxStore {
  readonly apps = new Map<string, AppRecord>();
  readonly sellers = new Map<number, SellerRecord>();
  readonly spus = new Map<string, SpuRecord>();
  readonly skus = new Map<string, SkuLocation>();
  readonly orders = new Map<string, Order>();
  /** Stock change outcomes by supplier and idempotency key. */
  readonly rowOutcomes = new Map<string, RowOutcome>();

  private nextSupplierId = 10_001_001;
  private nextSpuSequence = 1;
  // Order ids stay unique across sandbox restarts, as real ones are: a service that keeps its
  // database between runs must not mistake a new order for one it already applied.
  private nextOrderSequence = randomInt(1, 900_000);
  private nextGoodsId = 900_000_001;

  addApp(config: SandboxAppConfig): AppRecord {
    const parsed = appConfigSchema.safeParse(config);
    if (!parsed.success) {
      throw new Error(`Invalid sandbox app configuration for appid "${config.appId}": ${z.prettifyError(parsed.error)}`);
    }
    const input = parsed.data;
    const record: AppRecord = { ...input, redirectUrls: [...input.redirectUrls], name: input.name ?? input.appId };
    reportSandboxSecret('SHEIN', 'client_secret', record.appSecret);
    this.apps.set(record.appId, record);
    return record;
  }

  /** Returns the seller with this id, creating it when new; a known seller takes the new name. */
  upsertSeller(name: string, supplierId?: number): SellerRecord {
    if (supplierId !== undefined) {
      if (!Number.isSafeInteger(supplierId) || supplierId <= 0) {
        throw new Error(`Invalid supplierId ${supplierId}: use a positive integer, for example 10234567.`);
      }
      const existing = this.sellers.get(supplierId);
      if (existing) {
        existing.name = name;
        return existing;
      }
    }
    const id = supplierId ?? this.takeFreeSupplierId();
    const seller: SellerRecord = { supplierId: id, name, spuNames: [] };
    this.sellers.set(id, seller);
    return seller;
  }

  /** SPU names look like SHEIN's: `i` + date (yyyymmdd) + a five-digit sequence. */
  newSpuName(now: Date): string {
    return `i${dateDigits(now)}${String(this.nextSpuSequence++).padStart(5, '0')}`;
  }

  newOrderNo(now: Date): string {
    return `GSMX${dateDigits(now)}${String(this.nextOrderSequence++).padStart(6, '0')}`;
  }

  newGoodsId(): number {
    return this.nextGoodsId++;
  }

  private takeFreeSupplierId(): number {
    while (this.sellers.has(this.nextSupplierId)) this.nextSupplierId++;
    return this.nextSupplierId++;
  }
}

export function dateDigits(now: Date): string {
  return now.toISOString().slice(0, 10).replaceAll('-', '');
}
