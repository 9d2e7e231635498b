/** A completed request remembered under its idempotency key. */
export interface IdempotentResult<T> {
  /** Canonical JSON of the operation's parameters. */
  parameters: string;
  result: T;
  /** True when the request ended with userErrors; the key cannot be reused then. */
  failed: boolean;
}

/** Idempotency keys per app and shop, with the parameters and result of their first request. */
export class IdempotencyStore {
  private readonly results = new Map<string, IdempotentResult<unknown>>();

  get<T>(scope: string, key: string): IdempotentResult<T> | undefined {
    return this.results.get(`${scope}|${key}`) as IdempotentResult<T> | undefined;
  }

  set<T>(scope: string, key: string, entry: IdempotentResult<T>): void {
    this.results.set(`${scope}|${key}`, entry);
  }
}

/** JSON with object keys sorted, so equal parameters give equal text whatever their key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, entry]) => entry !== undefined)
      .sort(([a], [b]) => a.localeCompare(b, 'en'));
    return `{${entries.map(([key, entry]) => `${JSON.stringify(key)}:${canonicalJson(entry)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
