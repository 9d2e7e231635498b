import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { MarketplaceEndpoints } from '../app/connectors.js';
import { startMercadoLibreSandbox, type MercadoLibreSandbox } from '../sandbox/mercadolibre/index.js';

export interface Sandboxes {
  mercadolibre: MercadoLibreSandbox;
  endpoints: MarketplaceEndpoints;
  close(): Promise<void>;
}

/**
 * Starts a local sandbox of each marketplace, with an app registered whose redirect and
 * notification URLs point at this service.
 */
export async function startSandboxes(options: { publicUrl: string; logger: Logger; mercadolibreRatePerSecond: number }): Promise<Sandboxes> {
  const clientId = '4444555566667777';
  const clientSecret = randomBytes(24).toString('base64url');
  const mercadolibre = await startMercadoLibreSandbox({
    apps: [{
      clientId,
      clientSecret,
      name: 'EGDC Integraciones (demo)',
      redirectUris: [`${options.publicUrl}/oauth/mercadolibre/callback`],
      notificationUrl: `${options.publicUrl}/webhooks/mercadolibre`,
    }],
    ratePerSecond: options.mercadolibreRatePerSecond,
    logger: options.logger.child({ module: 'sandbox', marketplace: 'MERCADOLIBRE' }),
  });
  return {
    mercadolibre,
    endpoints: { mercadolibre: { clientId, clientSecret, authBaseUrl: mercadolibre.url, apiBaseUrl: mercadolibre.url } },
    async close() {
      await mercadolibre.close();
    },
  };
}
