/**
 * Jain's fairness index of `shares`: (sum x)^2 / (n * sum x^2). It is 1 when every share is equal
 * and 1/n when one party gets everything. Throws on an empty list, a negative or non-finite share,
 * or all shares zero, because the index is undefined there.
 */
export function jainIndex(shares: readonly number[]): number {
  if (shares.length === 0) throw new RangeError('jainIndex: pass at least one share.');
  for (const share of shares) {
    if (!Number.isFinite(share) || share < 0) throw new RangeError(`jainIndex: share ${share} is invalid; use finite numbers of 0 or more.`);
  }
  const sum = shares.reduce((total, share) => total + share, 0);
  const sumOfSquares = shares.reduce((total, share) => total + share * share, 0);
  if (sumOfSquares === 0) throw new RangeError('jainIndex: every share is 0, so the index is undefined.');
  return (sum * sum) / (shares.length * sumOfSquares);
}
