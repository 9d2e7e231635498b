import { type Opt, Entity, OneToOne, Property } from '@mikro-orm/core';
import { TenantEntity } from './base.js';
import { MarketplaceConnection } from './marketplace-connection.js';

/**
 * A connection's secrets, encrypted by the vault. Ciphertexts carry the key id and are bound to the
 * tenant and connection ids, so a value copied to another row fails to decrypt.
 */
@Entity({ tableName: 'credential' })
export class Credential extends TenantEntity {
  @OneToOne({ entity: () => MarketplaceConnection, owner: true, unique: true, deleteRule: 'cascade' })
  connection!: MarketplaceConnection;

  @Property({ type: 'text' })
  accessTokenCiphertext!: string;

  @Property({ type: 'text', nullable: true })
  refreshTokenCiphertext: string | null = null;

  @Property({ type: 'Date', nullable: true })
  accessTokenExpiresAt: Date | null = null;

  @Property({ type: 'Date', nullable: true })
  refreshTokenExpiresAt: Date | null = null;

  /** Incremented on every rotation, so a writer can tell whether another process refreshed first. */
  @Property({ type: 'integer' })
  version: Opt<number> = 1;

  /**
   * Fencing token of the refresh lease: incremented each time a process takes the lease, so a
   * holder whose lease expired and was taken over can tell that its fence is no longer current.
   */
  @Property({ type: 'integer', default: 0 })
  refreshFence: Opt<number> = 0;

  /** Process that holds the refresh lease (host, pid and a random suffix), for diagnosis; null when free. */
  @Property({ type: 'string', length: 255, nullable: true })
  refreshLeaseHolder: string | null = null;

  /** End of the current refresh lease; the lease is free once this is null or in the past. */
  @Property({ type: 'Date', nullable: true })
  refreshLeaseExpiresAt: Date | null = null;
}
