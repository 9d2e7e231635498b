import { z } from 'zod';

/**
 * Production empower (consent) page. The real link keeps its parameters after a `#` fragment, which
 * the browser reads and a server never receives; a sandbox serves the page at a real path instead, so
 * point `empowerBaseUrl` at that path (for example `http://127.0.0.1:4020/empower`) in tests.
 */
export const SHEIN_EMPOWER_BASE_URL = 'https://openapi-sem.sheincorp.com/#/empower';
/** Production API host for self-operated and semi-managed sellers. */
export const SHEIN_API_BASE_URL = 'https://openapi.sheincorp.com';
/** Path of our webhook endpoint; SHEIN signs event callbacks over this path. */
export const SHEIN_DEFAULT_WEBHOOK_PATH = '/webhooks/shein';
/** Accepted clock difference for webhook timestamps, in both directions. */
export const SHEIN_DEFAULT_WEBHOOK_TOLERANCE_SECONDS = 300;

export interface SheinConfig {
  /** `APP_ID` (appid) from the SHEIN developer portal. */
  appId: string;
  /** `APP_SECRETKEY`: signs app-level calls, decrypts the sellers' secret keys and the event callbacks. */
  appSecret: string;
  /** Address the empower page sends the seller back to; sent base64-encoded as `redirectUrl`. */
  redirectUri: string;
  /** Empower page, without query: the production `#/empower` link or a sandbox path. */
  empowerBaseUrl: string;
  apiBaseUrl: string;
  /** Path of our webhook endpoint, exactly as registered with SHEIN; part of the webhook signature. */
  webhookPath: string;
  /** Maximum age (and clock lead) of a webhook's `x-lt-timestamp`, in seconds. */
  webhookToleranceSeconds: number;
  /** Warehouse sent with every stock change; required by SHEIN when the seller has several warehouses. */
  warehouseCode?: string;
  /** Per-call HTTP timeout in milliseconds; 15 000 when not given. */
  timeoutMs?: number;
}

export type SheinConfigInput = Pick<SheinConfig, 'appId' | 'appSecret' | 'redirectUri'> &
  Partial<Omit<SheinConfig, 'appId' | 'appSecret' | 'redirectUri'>>;

const httpUrl = z.url({ protocol: /^https?$/ });

const configSchema = z.object({
  appId: z.string().trim().min(1),
  appSecret: z.string().min(1),
  redirectUri: httpUrl,
  empowerBaseUrl: httpUrl.default(SHEIN_EMPOWER_BASE_URL),
  apiBaseUrl: httpUrl.default(SHEIN_API_BASE_URL),
  webhookPath: z.string().regex(/^\/[^?#\s]*$/, 'must be a path starting with "/", without query or fragment').default(SHEIN_DEFAULT_WEBHOOK_PATH),
  webhookToleranceSeconds: z.number().int().positive().default(SHEIN_DEFAULT_WEBHOOK_TOLERANCE_SECONDS),
  warehouseCode: z.string().trim().min(1).optional(),
  timeoutMs: z.number().int().positive().optional(),
});

/**
 * Validates the configuration once and fills in the production hosts. Raises one error that lists
 * every invalid or missing key; values are never quoted, because one of them is the app secret.
 */
export function createSheinConfig(input: SheinConfigInput): SheinConfig {
  const result = configSchema.safeParse(input);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw new TypeError(`Invalid SHEIN configuration: ${problems.join('; ')}. Fix these keys and restart.`);
  }
  return result.data;
}
