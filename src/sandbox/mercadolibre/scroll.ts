import { createScrollId } from './tokens.js';

/** A scroll id stops working 5 minutes after its last use, as in MercadoLibre's scan mode. */
export const SCROLL_TTL_MS = 5 * 60 * 1000;
// Expired cursors are kept a while longer so that a late caller gets "expired" rather than "invalid".
const SCROLL_FORGET_AFTER_MS = 60 * 60 * 1000;

interface ScrollCursor {
  sellerId: number;
  /** Snapshot of the matching item ids taken when the scan started. */
  itemIds: string[];
  position: number;
  lastUsedAt: number;
}

export interface ScrollPage {
  scrollId: string;
  itemIds: string[];
  /** Index of the first id of this page in the whole scan. */
  offset: number;
  total: number;
}

export type ScrollResult = { ok: true; page: ScrollPage } | { ok: false; message: string };

/** Cursors of scan-mode searches, by scroll id. */
export class ScrollRegistry {
  private readonly cursors = new Map<string, ScrollCursor>();

  /** Starts a scan over a snapshot of ids and returns its first page. */
  start(sellerId: number, itemIds: string[], limit: number, now: number): ScrollPage {
    this.forgetOld(now);
    const scrollId = createScrollId();
    this.cursors.set(scrollId, { sellerId, itemIds, position: 0, lastUsedAt: now });
    return this.takePage(scrollId, limit, now);
  }

  /** Returns the next page of a scan; an empty page means the scan is complete. */
  next(scrollId: string, sellerId: number, limit: number, now: number): ScrollResult {
    const cursor = this.cursors.get(scrollId);
    if (!cursor || cursor.sellerId !== sellerId) {
      return { ok: false, message: `Invalid scroll_id for seller ${sellerId}: start a new scan without scroll_id.` };
    }
    if (now - cursor.lastUsedAt > SCROLL_TTL_MS) {
      return { ok: false, message: 'scroll_id expired' };
    }
    return { ok: true, page: this.takePage(scrollId, limit, now) };
  }

  private takePage(scrollId: string, limit: number, now: number): ScrollPage {
    const cursor = this.cursors.get(scrollId);
    if (!cursor) throw new Error(`Scroll cursor ${scrollId} vanished while reading a page.`);
    const offset = cursor.position;
    const itemIds = cursor.itemIds.slice(offset, offset + limit);
    cursor.position += itemIds.length;
    cursor.lastUsedAt = now;
    return { scrollId, itemIds, offset, total: cursor.itemIds.length };
  }

  private forgetOld(now: number): void {
    for (const [scrollId, cursor] of this.cursors) {
      if (now - cursor.lastUsedAt > SCROLL_FORGET_AFTER_MS) this.cursors.delete(scrollId);
    }
  }
}
