/** Lengths of the GS1 identifiers accepted in the `ean` column: GTIN-8, UPC-A, EAN-13 and GTIN-14. */
export const GTIN_LENGTHS: readonly number[] = [8, 12, 13, 14];

/**
 * Computes the GS1 check digit for the digits before it. From the rightmost digit leftwards the
 * weights alternate 3, 1, 3, ...; the check digit brings the weighted sum up to a multiple of 10.
 */
export function gtinCheckDigit(body: string): number {
  let sum = 0;
  for (let offset = 0; offset < body.length; offset += 1) {
    const digit = body.charCodeAt(body.length - 1 - offset) - 48;
    sum += digit * (offset % 2 === 0 ? 3 : 1);
  }
  return (10 - (sum % 10)) % 10;
}

/** Returns true when `digits` is 8, 12, 13 or 14 decimal digits ending in a correct GS1 check digit. */
export function isValidGtin(digits: string): boolean {
  if (!/^\d+$/.test(digits) || !GTIN_LENGTHS.includes(digits.length)) return false;
  return gtinCheckDigit(digits.slice(0, -1)) === Number(digits.at(-1));
}
