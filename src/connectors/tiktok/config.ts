import { z } from 'zod';

/** Authorization page for sellers outside the US ("Non-US" Partner Center). */
export const TIKTOK_AUTHORIZE_URL = 'https://services.tiktokshop.com/open/authorize';
/** Host of the token endpoints (/api/v2/token/get and /api/v2/token/refresh). */
export const TIKTOK_AUTH_BASE_URL = 'https://auth.tiktok-shops.com';
/** Host of the signed Open API calls. */
export const TIKTOK_API_BASE_URL = 'https://open-api.tiktokglobalshop.com';
/** Region whose shop becomes the connected account when a seller authorizes several shops. */
export const TIKTOK_DEFAULT_REGION = 'MX';

export interface TikTokConfig {
  /** App key from Partner Center; sent as the `app_key` query parameter of every call. */
  appKey: string;
  /** App secret: the signing key, also sent in the query string of the token calls. */
  appSecret: string;
  /** Service id of the app, the `service_id` of the authorization link. */
  serviceId: string;
  /**
   * Redirect URL registered for the app in Partner Center. TikTok does not take it in the
   * authorization link; it is kept here because the connector contract binds it to each state.
   */
  redirectUri: string;
  authorizeUrl: string;
  authBaseUrl: string;
  apiBaseUrl: string;
  /** Region code (e.g. MX) of the shop to connect when the seller authorized several. */
  preferredRegion: string;
  /** Per-call HTTP timeout in milliseconds; 15 000 when not given. */
  timeoutMs?: number;
}

export type TikTokConfigInput = Omit<TikTokConfig, 'authorizeUrl' | 'authBaseUrl' | 'apiBaseUrl' | 'preferredRegion'> &
  Partial<Pick<TikTokConfig, 'authorizeUrl' | 'authBaseUrl' | 'apiBaseUrl' | 'preferredRegion'>>;

const httpUrl = z.url({ protocol: /^https?$/ });

const configSchema = z.object({
  appKey: z.string().trim().min(1),
  appSecret: z.string().min(1),
  serviceId: z.string().trim().min(1),
  redirectUri: httpUrl,
  authorizeUrl: httpUrl.default(TIKTOK_AUTHORIZE_URL),
  authBaseUrl: httpUrl.default(TIKTOK_AUTH_BASE_URL),
  apiBaseUrl: httpUrl.default(TIKTOK_API_BASE_URL),
  preferredRegion: z.string().trim().regex(/^[A-Z]{2}$/, 'expected a two-letter region code such as MX').default(TIKTOK_DEFAULT_REGION),
  timeoutMs: z.number().int().positive().optional(),
});

/**
 * Validates the configuration once and fills in the production hosts. Raises one error that lists
 * every invalid or missing key; values are never quoted, because one of them is the app secret.
 */
export function createTikTokConfig(input: TikTokConfigInput): TikTokConfig {
  const result = configSchema.safeParse(input);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw new TypeError(`Invalid TikTok Shop configuration: ${problems.join('; ')}. Fix these keys and restart.`);
  }
  return result.data;
}
