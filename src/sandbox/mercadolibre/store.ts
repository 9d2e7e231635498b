import { z } from 'zod';
import { reportSandboxSecret } from '../shared/secrets.js';
import type { Item, Order, SandboxAppConfig } from './types.js';

export interface AppRecord {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
  requirePkce: boolean;
  notificationUrl?: string;
  applicationId: number;
  name: string;
}

export interface SellerRecord {
  id: number;
  nickname: string;
  /** Ids of the seller's items in ascending order, which is also creation order. */
  itemIds: string[];
}

const appConfigSchema = z.object({
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
  redirectUris: z.array(z.url()).min(1),
  requirePkce: z.boolean().optional(),
  notificationUrl: z.url().optional(),
  applicationId: z.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional(),
  name: z.string().min(1).optional(),
});

/** In-memory records of apps, sellers, items and orders, and the id sequences that name them. */
export class SandboxStore {
  readonly apps = new Map<string, AppRecord>();
  readonly sellers = new Map<number, SellerRecord>();
  readonly items = new Map<string, Item>();
  readonly orders = new Map<number, Order>();

  // Sequences sized to the documented id formats: sellers 9 digits, items MLM + 10 digits,
  // variations 12 digits, orders 16 digits.
  private nextSellerId = 100_000_001;
  private nextItemNumber = 1_700_000_001;
  private nextVariationId = 174_000_000_001;
  // Order ids are unique across sandbox restarts, as real ones are forever: a service that keeps its
  // database between runs must not mistake a new order for one it already applied.
  private nextOrderId = 2_000_000_000_000_000 + (Date.now() % 1_000_000_000_000) * 1000;
  private nextBuyerId = 900_000_001;
  private nextApplicationId = 4_444_555_566_660_001;

  /** Registers an app, or replaces the configuration of an app with the same client id. */
  addApp(config: SandboxAppConfig): AppRecord {
    const parsed = appConfigSchema.safeParse(config);
    if (!parsed.success) {
      throw new Error(`Invalid sandbox app configuration for client id "${config.clientId}": ${z.prettifyError(parsed.error)}`);
    }
    const input = parsed.data;
    const existing = this.apps.get(input.clientId);
    const record: AppRecord = {
      clientId: input.clientId,
      clientSecret: input.clientSecret,
      redirectUris: [...input.redirectUris],
      requirePkce: input.requirePkce ?? true,
      notificationUrl: input.notificationUrl,
      applicationId: input.applicationId ?? existing?.applicationId ?? this.defaultApplicationId(input.clientId),
      name: input.name ?? input.clientId,
    };
    reportSandboxSecret('MERCADOLIBRE', 'client_secret', record.clientSecret);
    this.apps.set(record.clientId, record);
    return record;
  }

  /** Finds an app by its numeric application id or its client id, as both appear in URLs. */
  findAppByAnyId(id: string): AppRecord | undefined {
    for (const app of this.apps.values()) {
      if (app.clientId === id || String(app.applicationId) === id) return app;
    }
    return undefined;
  }

  /** Returns the seller with this id, creating it when new; a known seller takes the new nickname. */
  upsertSeller(nickname: string, userId?: number): SellerRecord {
    if (userId !== undefined) {
      if (!Number.isSafeInteger(userId) || userId <= 0) {
        throw new Error(`Invalid seller userId ${userId}: use a positive integer, for example 123456789.`);
      }
      const existing = this.sellers.get(userId);
      if (existing) {
        existing.nickname = nickname;
        return existing;
      }
    }
    const id = userId ?? this.takeFreeSellerId();
    const seller: SellerRecord = { id, nickname, itemIds: [] };
    this.sellers.set(id, seller);
    return seller;
  }

  newItemId(): string {
    return `MLM${this.nextItemNumber++}`;
  }

  newVariationId(): number {
    return this.nextVariationId++;
  }

  newOrderId(): number {
    return this.nextOrderId++;
  }

  newBuyerId(): number {
    return this.nextBuyerId++;
  }

  private takeFreeSellerId(): number {
    while (this.sellers.has(this.nextSellerId)) this.nextSellerId++;
    return this.nextSellerId++;
  }

  private defaultApplicationId(clientId: string): number {
    const numeric = Number(clientId);
    if (/^\d+$/.test(clientId) && Number.isSafeInteger(numeric) && numeric > 0) return numeric;
    return this.nextApplicationId++;
  }
}
