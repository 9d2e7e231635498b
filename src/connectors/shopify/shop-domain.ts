/** Reason a text is not a usable shop domain; the GraphQL layer maps each reason to a localized text. */
export type ShopDomainProblem =
  | 'missing'
  | 'whitespace'
  | 'has_scheme'
  | 'has_userinfo'
  | 'has_path'
  | 'has_port'
  | 'ip_address'
  | 'uppercase'
  | 'not_myshopify'
  | 'invalid_name';

export type ShopDomainResult =
  | { ok: true; shopDomain: string; shopName: string }
  | { ok: false; reason: ShopDomainProblem; message: string };

const MYSHOPIFY_SUFFIX = '.myshopify.com';
/** One DNS label: lowercase letters, digits and inner hyphens, 63 characters at most. */
const SHOP_NAME_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const IPV4_PATTERN = /^\d{1,3}(?:\.\d{1,3}){3}$/;

const HINTS: Record<ShopDomainProblem, string> = {
  missing: 'no shop domain was given',
  whitespace: 'it contains spaces',
  has_scheme: 'it starts with a scheme such as https://',
  has_userinfo: 'it contains "@"',
  has_path: 'it contains a path, query or fragment',
  has_port: 'it contains a port',
  ip_address: 'it is an IP address',
  uppercase: 'it contains uppercase letters',
  not_myshopify: 'it is not a myshopify.com domain',
  invalid_name: 'the store name before .myshopify.com must be lowercase letters, digits and inner hyphens',
};

/**
 * Checks that `input` is exactly `<name>.myshopify.com`, where name is one lowercase DNS label.
 * Nothing is normalized: a scheme, path, port, user info, IP address, uppercase letter or any other
 * host is rejected, so the value can go into a URL without further checks.
 */
export function parseShopDomain(input: unknown): ShopDomainResult {
  const reason = findProblem(input);
  if (reason === null) {
    const shopDomain = input as string;
    return { ok: true, shopDomain, shopName: shopDomain.slice(0, -MYSHOPIFY_SUFFIX.length) };
  }
  const shown = typeof input === 'string' && input !== '' ? ` "${input.slice(0, 100)}"` : '';
  return {
    ok: false,
    reason,
    message: `Invalid Shopify shop domain${shown}: ${HINTS[reason]}. Use the store's myshopify.com domain, such as my-store.myshopify.com.`,
  };
}

function findProblem(input: unknown): ShopDomainProblem | null {
  if (typeof input !== 'string' || input.trim() === '') return 'missing';
  if (/\s/.test(input)) return 'whitespace';
  if (input.includes('://')) return 'has_scheme';
  if (input.includes('@')) return 'has_userinfo';
  if (/[/?#\\]/.test(input)) return 'has_path';
  if (input.startsWith('[') || IPV4_PATTERN.test(input)) return 'ip_address';
  if (input.includes(':')) return 'has_port';
  if (/[A-Z]/.test(input)) return 'uppercase';
  if (!input.endsWith(MYSHOPIFY_SUFFIX)) return 'not_myshopify';
  if (!SHOP_NAME_PATTERN.test(input.slice(0, -MYSHOPIFY_SUFFIX.length))) return 'invalid_name';
  return null;
}
