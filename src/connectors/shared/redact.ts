export const REDACTED = '[REDACTED]';

/**
 * Replaces every match of `patterns` and every occurrence of `secretValues` in `text` with
 * [REDACTED]. Patterns must carry the global flag so that all occurrences are masked. Values
 * shorter than 8 characters are ignored, because masking them would garble ordinary words.
 */
export function redactSecrets(
  text: string,
  patterns: readonly RegExp[],
  secretValues: readonly string[] = [],
): string {
  let redacted = text;
  for (const pattern of patterns) {
    if (!pattern.global) {
      throw new TypeError(`redactSecrets: pattern ${String(pattern)} needs the g flag to mask every occurrence`);
    }
    redacted = redacted.replace(pattern, REDACTED);
  }
  for (const value of secretValues) {
    if (value.length >= 8) {
      redacted = redacted.split(value).join(REDACTED);
    }
  }
  return redacted;
}
