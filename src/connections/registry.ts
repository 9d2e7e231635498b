import type { MarketplaceConnector } from '../connectors/shared/contract.js';
import type { Marketplace } from '../entities/index.js';
import { AppError } from '../errors.js';

/** Connectors configured for this process, by marketplace. */
export class ConnectorRegistry {
  private readonly connectors = new Map<Marketplace, MarketplaceConnector>();

  register(connector: MarketplaceConnector): void {
    this.connectors.set(connector.marketplace as Marketplace, connector);
  }

  get(marketplace: Marketplace): MarketplaceConnector {
    const connector = this.connectors.get(marketplace);
    if (!connector) {
      throw new AppError('BAD_USER_INPUT', 'errors.input.marketplaceNotConfigured', `Marketplace ${marketplace} is not configured on this service; set its client id and secret.`, { marketplace });
    }
    return connector;
  }

  /** Returns the connector, or undefined when the marketplace is not configured. */
  find(marketplace: Marketplace): MarketplaceConnector | undefined {
    return this.connectors.get(marketplace);
  }

  list(): MarketplaceConnector[] {
    return [...this.connectors.values()];
  }
}
