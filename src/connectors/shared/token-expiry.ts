import type { Logger } from 'pino';

/** Lifetime given to an access token whose expiry is missing or unreadable, unless the rule sets another. */
export const DEFAULT_ACCESS_TOKEN_LIFETIME_SECONDS = 3600;

/** Smallest value read as a Unix timestamp (2001-09-09); a smaller one is taken as a lifetime in seconds. */
const MIN_UNIX_TIMESTAMP_SECONDS = 1_000_000_000;

/** Expiry field format and limits of one marketplace's access tokens. */
export interface TokenExpiryRule {
  /** Marketplace and field, as named in the warning, e.g. `MercadoLibre expires_in`. */
  field: string;
  /** `lifetime`: seconds from now, as OAuth `expires_in`. `timestamp`: Unix time in seconds. */
  unit: 'lifetime' | 'timestamp';
  /** Maximum lifetime the marketplace documents; a later expiry is capped to it. */
  maxLifetimeSeconds: number;
  /** Lifetime used when the value is missing, unreadable, zero or negative. */
  fallbackSeconds?: number;
}

export interface TokenExpiryOptions {
  /** Clock in epoch milliseconds; Date.now() when not given. */
  nowMs?: number;
  /** Receives one warning, without the token, each time a fallback or cap applies. */
  logger?: Logger;
}

/**
 * Returns a positive number of seconds from a number or a string of digits, or null for anything
 * else (missing, text, zero, negative, NaN, infinity).
 */
export function readPositiveSeconds(value: unknown): number | null {
  const seconds = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value;
  return typeof seconds === 'number' && Number.isFinite(seconds) && seconds > 0 ? seconds : null;
}

/**
 * Computes when an access token expires from the expiry field of a token response. The result is
 * always a date, because a wrong expiry could postpone refreshes past the real expiry or switch
 * them off for good. A missing or odd value gets the rule's fallback lifetime, and a value past the
 * documented maximum is capped. A timestamp already in the past means "expired now". Marketplaces
 * that issue non-expiring tokens decide that before calling this.
 */
export function resolveTokenExpiry(value: unknown, rule: TokenExpiryRule, options: TokenExpiryOptions = {}): Date {
  const nowMs = options.nowMs ?? Date.now();
  const maxMs = nowMs + rule.maxLifetimeSeconds * 1000;
  const warn = (applied: string): void => {
    options.logger?.warn(
      { field: rule.field, received: describeValue(value), applied },
      `token response has a missing or unexpected ${rule.field}; using a safe expiry instead`,
    );
  };

  const seconds = readPositiveSeconds(value);
  if (seconds === null) {
    const fallbackSeconds = rule.fallbackSeconds ?? DEFAULT_ACCESS_TOKEN_LIFETIME_SECONDS;
    warn(`fallback lifetime of ${fallbackSeconds} s`);
    return new Date(nowMs + Math.min(fallbackSeconds, rule.maxLifetimeSeconds) * 1000);
  }

  let expiresMs: number;
  if (rule.unit === 'lifetime') {
    expiresMs = nowMs + seconds * 1000;
  } else if (seconds < MIN_UNIX_TIMESTAMP_SECONDS) {
    warn('read as a lifetime in seconds');
    expiresMs = nowMs + seconds * 1000;
  } else {
    expiresMs = seconds * 1000;
    if (expiresMs <= nowMs) {
      warn('expired now');
      return new Date(nowMs);
    }
  }

  if (expiresMs > maxMs) {
    warn(`capped to the documented ${rule.maxLifetimeSeconds} s`);
    return new Date(maxMs);
  }
  return new Date(expiresMs);
}

/** Describes the received value for the log: numbers and short strings as they are, anything else by type. */
function describeValue(value: unknown): string | number {
  if (value === undefined) return 'missing';
  if (typeof value === 'number') return value;
  if (typeof value === 'string') return value.length <= 32 ? value : `string of ${value.length} characters`;
  return value === null ? 'null' : typeof value;
}
