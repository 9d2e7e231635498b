import { describe, expect, it } from 'vitest';
import { conflictPolicyOf, mergeStock, type ConflictPolicy, type StockMergeDecision, type StockSides } from '../../src/sync/stock-merge.js';

const EARLY = new Date('2026-03-01T10:00:00Z');
const LATE = new Date('2026-03-01T11:00:00Z');

function sides(local: number | null, remote: number | null, base: number | null, localChangedAt: Date | null = null, remoteChangedAt: Date | null = null): StockSides {
  return { local, remote, base, localChangedAt, remoteChangedAt };
}

interface MergeCase {
  name: string;
  sides: StockSides;
  policy: ConflictPolicy;
  expected: StockMergeDecision;
}

const cases: MergeCase[] = [
  { name: 'in sync at the base', sides: sides(5, 5, 5), policy: 'LOWEST_STOCK', expected: { action: 'in_sync', value: 5 } },
  { name: 'in sync away from the base', sides: sides(3, 3, 5), policy: 'MANUAL', expected: { action: 'in_sync', value: 3 } },
  { name: 'only local changed', sides: sides(7, 5, 5), policy: 'REMOTE_WINS', expected: { action: 'push', value: 7, conflict: false } },
  { name: 'only remote changed', sides: sides(5, 2, 5), policy: 'LOCAL_WINS', expected: { action: 'report', value: 2, conflict: false } },
  { name: 'both changed to the same value', sides: sides(4, 4, 6), policy: 'MANUAL', expected: { action: 'in_sync', value: 4 } },
  { name: 'conflict, LOCAL_WINS', sides: sides(8, 2, 5), policy: 'LOCAL_WINS', expected: { action: 'push', value: 8, conflict: true } },
  { name: 'conflict, REMOTE_WINS', sides: sides(8, 2, 5), policy: 'REMOTE_WINS', expected: { action: 'report', value: 2, conflict: true } },
  { name: 'conflict, NEWEST_WINS with local newer', sides: sides(8, 2, 5, LATE, EARLY), policy: 'NEWEST_WINS', expected: { action: 'push', value: 8, conflict: true } },
  { name: 'conflict, NEWEST_WINS with remote newer', sides: sides(8, 2, 5, EARLY, LATE), policy: 'NEWEST_WINS', expected: { action: 'report', value: 2, conflict: true } },
  { name: 'conflict, LOWEST_STOCK with local lower', sides: sides(1, 4, 5), policy: 'LOWEST_STOCK', expected: { action: 'push', value: 1, conflict: true } },
  { name: 'conflict, LOWEST_STOCK with remote lower', sides: sides(9, 3, 5), policy: 'LOWEST_STOCK', expected: { action: 'report', value: 3, conflict: true } },
  { name: 'conflict, MANUAL', sides: sides(8, 2, 5), policy: 'MANUAL', expected: { action: 'conflict' } },
  { name: 'first sight, levels differ', sides: sides(6, 2, null), policy: 'REMOTE_WINS', expected: { action: 'push', value: 6, conflict: false } },
  { name: 'first sight, levels equal', sides: sides(2, 2, null), policy: 'MANUAL', expected: { action: 'in_sync', value: 2 } },
  { name: 'first sight, no remote level', sides: sides(6, null, null), policy: 'LOWEST_STOCK', expected: { action: 'push', value: 6, conflict: false } },
  { name: 'local null (unlinked)', sides: sides(null, 4, 4), policy: 'LOCAL_WINS', expected: { action: 'unlinked' } },
  { name: 'local null and first sight', sides: sides(null, 4, null), policy: 'MANUAL', expected: { action: 'unlinked' } },
];

describe('mergeStock', () => {
  it.each(cases)('$name', ({ sides: input, policy, expected }) => {
    expect(mergeStock(input, policy)).toEqual(expected);
  });

  it('treats a missing change time as oldest', () => {
    expect(mergeStock(sides(8, 2, 5, null, EARLY), 'NEWEST_WINS')).toEqual({ action: 'report', value: 2, conflict: true });
    expect(mergeStock(sides(8, 2, 5, EARLY, null), 'NEWEST_WINS')).toEqual({ action: 'push', value: 8, conflict: true });
  });
});

describe('conflictPolicyOf', () => {
  it('reads a known policy', () => {
    expect(conflictPolicyOf({ stock: 'MANUAL' }, 'stock')).toBe('MANUAL');
  });

  it('falls back to LOWEST_STOCK', () => {
    expect(conflictPolicyOf({ stock: 'whatever' }, 'stock')).toBe('LOWEST_STOCK');
    expect(conflictPolicyOf({}, 'stock')).toBe('LOWEST_STOCK');
  });
});
