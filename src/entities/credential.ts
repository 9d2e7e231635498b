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
}
