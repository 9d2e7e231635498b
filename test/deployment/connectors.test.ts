import { describe, expect, it } from 'vitest';
import { createConnectors } from '../../src/app/connectors.js';
import { loadConfig } from '../../src/config.js';
import { Marketplace } from '../../src/entities/index.js';
import { testLogger } from '../support/logger.js';

const logger = testLogger();
const PUBLIC_URL = 'https://integrations.example.test';

const ALL_CREDENTIALS = {
  MERCADOLIBRE_CLIENT_ID: '1234567890123456',
  MERCADOLIBRE_CLIENT_SECRET: 'meli-secret',
  SHOPIFY_CLIENT_ID: 'shopify-client',
  SHOPIFY_CLIENT_SECRET: 'shopify-secret',
  TIKTOK_APP_KEY: '6a1b2c3d4e5f7',
  TIKTOK_APP_SECRET: 'tiktok-secret',
  TIKTOK_SERVICE_ID: '7172000000000070150',
  SHEIN_APP_ID: '7F3A9C0E5B21D4468A0C1E2F3B4D5',
  SHEIN_APP_SECRET: '5F0C2B9A7D3E4F618A2B3C4D5E6F7A8B',
};

function marketplaces(env: Record<string, string>): string[] {
  return createConnectors(loadConfig(env), PUBLIC_URL, logger).list().map((connector) => connector.marketplace).sort();
}

describe('createConnectors', () => {
  it('registers nothing without credentials', () => {
    expect(marketplaces({})).toEqual([]);
  });

  it('registers only the marketplaces with credentials', () => {
    expect(marketplaces({ SHOPIFY_CLIENT_ID: 'shopify-client', SHOPIFY_CLIENT_SECRET: 'shopify-secret' })).toEqual(['SHOPIFY']);
    expect(marketplaces({ SHEIN_APP_ID: ALL_CREDENTIALS.SHEIN_APP_ID, SHEIN_APP_SECRET: ALL_CREDENTIALS.SHEIN_APP_SECRET })).toEqual(['SHEIN']);
    expect(marketplaces(ALL_CREDENTIALS)).toEqual(['MERCADOLIBRE', 'SHEIN', 'SHOPIFY', 'TIKTOK']);
  });

  it('points every redirect URI at the callback route', () => {
    const registry = createConnectors(loadConfig(ALL_CREDENTIALS), PUBLIC_URL, logger);
    expect(registry.list().map((connector) => [connector.marketplace, connector.redirectUri]).sort()).toEqual([
      ['MERCADOLIBRE', `${PUBLIC_URL}/oauth/mercadolibre/callback`],
      ['SHEIN', `${PUBLIC_URL}/oauth/shein/callback`],
      ['SHOPIFY', `${PUBLIC_URL}/oauth/shopify/callback`],
      ['TIKTOK', `${PUBLIC_URL}/oauth/tiktok/callback`],
    ]);
  });

  it('uses the production hosts by default', () => {
    const registry = createConnectors(loadConfig(ALL_CREDENTIALS), PUBLIC_URL, logger);
    const shopify = new URL(registry.get(Marketplace.SHOPIFY).authorizationUrl({ state: 'state-1', shopDomain: 'mi-zapateria.myshopify.com' }));
    expect(shopify.origin).toBe('https://mi-zapateria.myshopify.com');
    expect(shopify.searchParams.get('client_id')).toBe('shopify-client');
    const tiktok = new URL(registry.get(Marketplace.TIKTOK).authorizationUrl({ state: 'state-2' }));
    expect(tiktok.origin).toBe('https://services.tiktokshop.com');
    expect(tiktok.searchParams.get('service_id')).toBe(ALL_CREDENTIALS.TIKTOK_SERVICE_ID);
    const shein = registry.get(Marketplace.SHEIN).authorizationUrl({ state: 'state-3' });
    expect(shein.startsWith('https://openapi-sem.sheincorp.com/#/empower?')).toBe(true);
  });

  it('prefers the given endpoints to the configuration', () => {
    const registry = createConnectors(loadConfig({}), PUBLIC_URL, logger, {
      shopify: { clientId: 'sandbox-client', clientSecret: 'sandbox-secret', endpointForShop: (shop) => `http://127.0.0.1:4020/shops/${shop}` },
      tiktok: { appKey: 'key', appSecret: 'secret', serviceId: '1', authorizeUrl: 'http://127.0.0.1:4021/open/authorize', authBaseUrl: 'http://127.0.0.1:4021', apiBaseUrl: 'http://127.0.0.1:4021' },
      shein: { appId: 'APP', appSecret: '0123456789ABCDEF0123456789ABCDEF', empowerBaseUrl: 'http://127.0.0.1:4022/empower', apiBaseUrl: 'http://127.0.0.1:4022' },
    });
    expect(registry.list().map((connector) => connector.marketplace).sort()).toEqual(['SHEIN', 'SHOPIFY', 'TIKTOK']);
    expect(registry.get(Marketplace.SHOPIFY).authorizationUrl({ state: 's', shopDomain: 'demo.myshopify.com' }))
      .toMatch(/^http:\/\/127\.0\.0\.1:4020\/shops\/demo\.myshopify\.com\/admin\/oauth\/authorize\?/);
    expect(registry.get(Marketplace.TIKTOK).authorizationUrl({ state: 's' })).toMatch(/^http:\/\/127\.0\.0\.1:4021\/open\/authorize\?/);
    expect(registry.get(Marketplace.SHEIN).authorizationUrl({ state: 's' })).toMatch(/^http:\/\/127\.0\.0\.1:4022\/empower\?/);
  });
});
