import { gid } from './gid.js';
import type { InventoryItemRecord, LevelRecord } from './store.js';
import type { InventoryChangeRecord } from './types.js';

/** Shopify rejects quantities above 1,000,000,000. */
export const MAX_QUANTITY = 1_000_000_000;

export interface ChangeMeta {
  reason: string;
  source: InventoryChangeRecord['source'];
  idempotencyKey?: string;
}

/** Applies quantity changes to inventory levels and keeps the history of every change. */
export class InventoryLedger {
  readonly changes: InventoryChangeRecord[] = [];
  private nextAdjustmentGroupId = 9_000_000_001;

  /** Number for the id of the next inventory adjustment group. */
  newAdjustmentGroupId(): number {
    return this.nextAdjustmentGroupId++;
  }

  /** `available` of an item at a location, or undefined when the item is not stocked there. */
  available(item: InventoryItemRecord, locationId: number): number | undefined {
    return item.levels.get(locationId)?.available;
  }

  /**
   * Sets `available` or `on_hand` to an absolute value. `on_hand` is `available + committed`, so
   * setting it moves `available` by the same delta. Returns the delta applied to the named quantity.
   */
  set(item: InventoryItemRecord, locationId: number, name: 'available' | 'on_hand', quantity: number, meta: ChangeMeta, now: Date): number {
    const level = this.levelOf(item, locationId, now);
    const before = name === 'available' ? level.available : level.available + level.committed;
    const delta = quantity - before;
    if (delta === 0) return 0;
    level.available += delta;
    this.touch(item, level, now);
    this.record(item, locationId, name, delta, quantity, meta, now);
    return delta;
  }

  /** Moves units between `available` and `committed` (a sale commits them, a cancellation returns them). */
  commit(item: InventoryItemRecord, locationId: number, units: number, meta: ChangeMeta, now: Date): void {
    const level = this.levelOf(item, locationId, now);
    level.available -= units;
    level.committed += units;
    this.touch(item, level, now);
    this.record(item, locationId, 'available', -units, level.available, meta, now);
    this.record(item, locationId, 'committed', units, level.committed, meta, now);
  }

  private levelOf(item: InventoryItemRecord, locationId: number, now: Date): LevelRecord {
    let level = item.levels.get(locationId);
    if (!level) {
      // Setting a quantity at a new location starts stocking the item there, as Shopify does since 2026-10.
      level = { available: 0, committed: 0, updatedAt: now.toISOString() };
      item.levels.set(locationId, level);
    }
    return level;
  }

  private touch(item: InventoryItemRecord, level: LevelRecord, now: Date): void {
    level.updatedAt = now.toISOString();
    item.updatedAt = level.updatedAt;
  }

  private record(
    item: InventoryItemRecord,
    locationId: number,
    name: InventoryChangeRecord['name'],
    delta: number,
    quantityAfterChange: number,
    meta: ChangeMeta,
    now: Date,
  ): void {
    this.changes.push({
      inventoryItemId: gid('InventoryItem', item.id),
      locationId: gid('Location', locationId),
      name,
      delta,
      quantityAfterChange,
      reason: meta.reason,
      source: meta.source,
      idempotencyKey: meta.idempotencyKey,
      at: now.getTime(),
    });
  }
}
