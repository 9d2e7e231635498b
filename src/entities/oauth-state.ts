import { Entity, Enum, Property } from '@mikro-orm/core';
import { TenantEntity } from './base.js';
import { Marketplace } from './enums.js';

/** A pending authorization: one-time, expiring, bound to tenant, marketplace and redirect. */
@Entity({ tableName: 'oauth_state' })
export class OAuthState extends TenantEntity {
  /** SHA-256 of the `state` value sent to the marketplace; the value itself is never stored. */
  @Property({ type: 'string', length: 64, unique: true })
  stateHash!: string;

  @Enum({ items: () => Marketplace, nativeEnumName: 'marketplace' })
  marketplace!: Marketplace;

  @Property({ type: 'text' })
  redirectUri!: string;

  /** Return address the result page links to, chosen from the configured allow list. */
  @Property({ type: 'text', nullable: true })
  returnTo: string | null = null;

  /** Shop the authorization was started for (Shopify); the callback must come from the same shop. */
  @Property({ type: 'string', length: 255, nullable: true })
  shopDomain: string | null = null;

  /** PKCE code verifier, encrypted by the vault. */
  @Property({ type: 'text', nullable: true })
  codeVerifierCiphertext: string | null = null;

  @Property({ type: 'string', length: 255, nullable: true })
  userId: string | null = null;

  @Property({ type: 'Date' })
  expiresAt!: Date;

  @Property({ type: 'Date', nullable: true })
  usedAt: Date | null = null;
}
