import { z } from 'zod';

export const MERCADOLIBRE_AUTH_BASE_URL = 'https://auth.mercadolibre.com.mx';
export const MERCADOLIBRE_API_BASE_URL = 'https://api.mercadolibre.com';

export interface MercadoLibreConfig {
  /** Application id ("APP ID") from the MercadoLibre developer portal. */
  clientId: string;
  clientSecret: string;
  /** Must equal, character for character, a redirect URI registered for the application. */
  redirectUri: string;
  /** Authorization host of the site (Mexico: https://auth.mercadolibre.com.mx). */
  authBaseUrl: string;
  /** API host, the same for every site. */
  apiBaseUrl: string;
  /** Per-call HTTP timeout in milliseconds; 15 000 when not given. */
  timeoutMs?: number;
}

export type MercadoLibreConfigInput = Omit<MercadoLibreConfig, 'authBaseUrl' | 'apiBaseUrl'> &
  Partial<Pick<MercadoLibreConfig, 'authBaseUrl' | 'apiBaseUrl'>>;

const httpUrl = z.url({ protocol: /^https?$/ });

const configSchema = z.object({
  clientId: z.string().trim().min(1),
  clientSecret: z.string().min(1),
  redirectUri: httpUrl,
  authBaseUrl: httpUrl.default(MERCADOLIBRE_AUTH_BASE_URL),
  apiBaseUrl: httpUrl.default(MERCADOLIBRE_API_BASE_URL),
  timeoutMs: z.number().int().positive().optional(),
});

/**
 * Validates the configuration once and fills in the production hosts. Raises one error that lists
 * every invalid or missing key; values are never quoted, because one of them is the client secret.
 */
export function createMercadoLibreConfig(input: MercadoLibreConfigInput): MercadoLibreConfig {
  const result = configSchema.safeParse(input);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw new TypeError(`Invalid MercadoLibre configuration: ${problems.join('; ')}. Fix these keys and restart.`);
  }
  return result.data;
}
