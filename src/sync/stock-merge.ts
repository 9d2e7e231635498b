/** Conflict policies for a field both sides changed since the agreed base value. */
export const CONFLICT_POLICIES = ['LOCAL_WINS', 'REMOTE_WINS', 'NEWEST_WINS', 'LOWEST_STOCK', 'MANUAL'] as const;
export type ConflictPolicy = (typeof CONFLICT_POLICIES)[number];

export interface StockSides {
  local: number | null;
  remote: number | null;
  base: number | null;
  localChangedAt: Date | null;
  remoteChangedAt: Date | null;
}

/**
 * Outcome of a three-way merge of one listing's stock:
 * - `in_sync`: both sides hold `value`; the base moves to it.
 * - `push`: only EGDC changed (or it wins the conflict); write `value` to the marketplace.
 * - `report`: only the marketplace changed (or it wins); EGDC's level becomes `value`.
 * - `push_and_report`: both changed and the policy chose a third value for both sides.
 * - `conflict`: both changed and the policy is MANUAL; nothing moves until someone resolves it.
 * - `unlinked`: EGDC has no level for this listing (no matching SKU), so there is nothing to merge.
 */
export type StockMergeDecision =
  | { action: 'in_sync'; value: number }
  | { action: 'push'; value: number; conflict: boolean }
  | { action: 'report'; value: number; conflict: boolean }
  | { action: 'push_and_report'; value: number }
  | { action: 'conflict' }
  | { action: 'unlinked' };

export function mergeStock(sides: StockSides, policy: ConflictPolicy): StockMergeDecision {
  const { local, remote } = sides;
  if (local === null) return { action: 'unlinked' };
  if (remote === null || local === remote) return remote === null ? { action: 'push', value: local, conflict: false } : { action: 'in_sync', value: local };
  // A listing seen for the first time has no agreed value yet: the marketplace's level is the base,
  // so EGDC's level (the merchant's stock truth) is pushed.
  const base = sides.base ?? remote;
  const localChanged = local !== base;
  const remoteChanged = remote !== base;
  if (localChanged && !remoteChanged) return { action: 'push', value: local, conflict: false };
  if (remoteChanged && !localChanged) return { action: 'report', value: remote, conflict: false };
  return resolveConflict(sides, local, remote, policy);
}

function resolveConflict(sides: StockSides, local: number, remote: number, policy: ConflictPolicy): StockMergeDecision {
  switch (policy) {
    case 'LOCAL_WINS':
      return { action: 'push', value: local, conflict: true };
    case 'REMOTE_WINS':
      return { action: 'report', value: remote, conflict: true };
    case 'NEWEST_WINS': {
      const localTime = sides.localChangedAt?.getTime() ?? 0;
      const remoteTime = sides.remoteChangedAt?.getTime() ?? 0;
      return remoteTime > localTime ? { action: 'report', value: remote, conflict: true } : { action: 'push', value: local, conflict: true };
    }
    case 'LOWEST_STOCK':
      // Never offer more pairs than either side believes exist.
      return local < remote ? { action: 'push', value: local, conflict: true } : { action: 'report', value: remote, conflict: true };
    case 'MANUAL':
      return { action: 'conflict' };
    default: {
      const unknownPolicy: never = policy;
      throw new Error(`Unknown conflict policy ${String(unknownPolicy)}`);
    }
  }
}

export function conflictPolicyOf(policies: Record<string, string>, field: string): ConflictPolicy {
  const value = policies[field];
  return (CONFLICT_POLICIES as readonly string[]).includes(value ?? '') ? (value as ConflictPolicy) : 'LOWEST_STOCK';
}
