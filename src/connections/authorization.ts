import { createHash, randomBytes } from 'node:crypto';
import type { ApiKeyCredentials } from '../connectors/shared/contract.js';
import { readAuthorizationCallback } from '../connectors/shared/callback.js';
import { MarketplaceError, MarketplaceResponseShapeError } from '../connectors/shared/errors.js';
import { AUTHORIZATION_CONNECTION_ID } from '../connectors/shared/traffic.js';
import { createPkcePair } from '../connectors/shared/pkce.js';
import type { TokenSet } from '../connectors/shared/types.js';
import { crossTenantEntityManager, tenantEntityManager } from '../database/orm.js';
import { Marketplace, OAuthState, SyncRunKind } from '../entities/index.js';
import { AppError } from '../errors.js';
import type { AuthorizationStart, ConnectionsPort, DisconnectOutcome } from '../services.js';
import { ConnectionLifecycle, type ConnectionLifecycleDependencies } from './lifecycle.js';
import { saveConnection } from './save-connection.js';

/** How long a merchant has to finish the marketplace's consent page. */
const STATE_TTL_MS = 10 * 60_000;
/** Default of AUTHORIZATION_EXPIRY_WARNING_DAYS. */
export const DEFAULT_AUTHORIZATION_EXPIRY_WARNING_DAYS = 7;

/** Reason a callback did not connect an account. Each reason has a localized text on the result page. */
export type AuthorizationFailure =
  | 'state_missing'
  | 'state_unknown'
  | 'state_used'
  | 'state_expired'
  | 'marketplace_mismatch'
  | 'access_denied'
  | 'code_missing'
  | 'signature_invalid'
  | 'shop_invalid'
  | 'shop_mismatch'
  | 'state_other_tenant'
  | 'exchange_failed'
  | 'exchange_invalid_response'
  | 'exchange_unavailable';

export type AuthorizationResult =
  | { ok: true; tenantId: string; connectionId: string; marketplace: Marketplace; accountId: string; returnTo: string | null }
  | { ok: false; reason: AuthorizationFailure; returnTo: string | null; detail?: string };

export function hashState(state: string): string {
  return createHash('sha256').update(state).digest('hex');
}

/**
 * Checks whether `returnTo` is on the origin of an allowed URL and under its path. Compared as parsed URLs,
 * not as text, so `https://app.example.test.evil.example` or `https://app.example.test@evil.example`
 * do not pass as `https://app.example.test`.
 */
export function isAllowedReturnUrl(returnTo: string, allowed: readonly string[]): boolean {
  let target: URL;
  try {
    target = new URL(returnTo);
  } catch {
    return false;
  }
  if (target.username !== '' || target.password !== '') return false;
  return allowed.some((entry) => {
    if (!URL.canParse(entry)) return false;
    const base = new URL(entry);
    return target.origin === base.origin && target.pathname.startsWith(base.pathname);
  });
}

/**
 * Starts and completes marketplace authorizations. The `state` is random, stored only as a hash,
 * one-time, expiring and bound to tenant, marketplace and redirect URI; the PKCE verifier is kept
 * encrypted beside it. The rest of the connections port (API keys, disconnect, refresh) is
 * delegated to ConnectionLifecycle.
 */
export class AuthorizationService implements ConnectionsPort {
  readonly authorizationExpiryWarningDays: number;
  private readonly lifecycle: ConnectionLifecycle;

  constructor(
    private readonly deps: ConnectionLifecycleDependencies & {
      /** URL prefixes a `returnTo` may start with; anything else is rejected. */
      allowedReturnUrls: string[];
      /** AUTHORIZATION_EXPIRY_WARNING_DAYS; 7 when not given. */
      authorizationExpiryWarningDays?: number;
    },
  ) {
    this.authorizationExpiryWarningDays = deps.authorizationExpiryWarningDays ?? DEFAULT_AUTHORIZATION_EXPIRY_WARNING_DAYS;
    this.lifecycle = new ConnectionLifecycle(deps);
  }

  connectWithApiKey(input: { tenantId: string; marketplace: Marketplace; credentials: ApiKeyCredentials }): Promise<string> {
    return this.lifecycle.connectWithApiKey(input);
  }

  disconnect(input: { tenantId: string; connectionId: string }): Promise<DisconnectOutcome> {
    return this.lifecycle.disconnect(input);
  }

  refresh(input: { tenantId: string; connectionId: string }): Promise<void> {
    return this.lifecycle.refresh(input);
  }

  async startAuthorization(input: { tenantId: string; userId: string; marketplace: Marketplace; returnTo?: string | null; shopDomain?: string | null }): Promise<AuthorizationStart> {
    const connector = this.deps.connectors.get(input.marketplace);
    const returnTo = input.returnTo ?? null;
    if (returnTo !== null && !isAllowedReturnUrl(returnTo, this.deps.allowedReturnUrls)) {
      throw new AppError('BAD_USER_INPUT', 'errors.input.returnToNotAllowed', `returnTo ${returnTo} is not in the allowed list; use one of: ${this.deps.allowedReturnUrls.join(', ') || '(none configured)'}.`, { returnTo });
    }
    const state = randomBytes(32).toString('base64url');
    const pkce = connector.usesPkce ? createPkcePair() : null;
    // Built before anything is stored: a connector rejects an invalid shop domain here.
    let authorizationUrl: string;
    try {
      authorizationUrl = connector.authorizationUrl({ state, codeChallenge: pkce?.challenge, shopDomain: input.shopDomain ?? undefined });
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      const shopProblem = shopDomainProblemOf(error);
      if (shopProblem !== null) {
        throw new AppError('BAD_USER_INPUT', 'errors.input.shopDomain.message', detail, { value: (input.shopDomain ?? '').slice(0, 100), reason: shopProblem });
      }
      throw new AppError('BAD_USER_INPUT', 'errors.input.authorizationRejected', `Cannot start the ${input.marketplace} authorization: ${detail}`, { marketplace: input.marketplace, detail });
    }
    const expiresAt = new Date(Date.now() + STATE_TTL_MS);
    const em = tenantEntityManager(this.deps.orm, input.tenantId);
    const row = em.create(OAuthState, {
      tenantId: input.tenantId,
      stateHash: hashState(state),
      marketplace: input.marketplace,
      redirectUri: connector.redirectUri,
      returnTo,
      shopDomain: input.shopDomain ?? null,
      userId: input.userId,
      expiresAt,
    });
    if (pkce) {
      row.codeVerifierCiphertext = this.deps.vault.encrypt(pkce.verifier, { tenantId: input.tenantId, ownerId: row.id, purpose: 'code_verifier' });
    }
    await em.flush();
    this.deps.logger.info({ tenantId: input.tenantId, marketplace: input.marketplace, stateId: row.id }, 'authorization started');
    return { authorizationUrl, expiresAt };
  }

  /**
   * Completes the authorization a marketplace redirected back with, from the redirect's query.
   * A signature that fails (Shopify signs the redirect) stops here without using the state, so a
   * forged request cannot cancel a merchant's authorization. So does a state of another tenant when
   * `tenantId` is given (an authenticated caller completes it). Otherwise the state is consumed
   * first, so a replay fails even when the code exchange fails. A failure stores nothing else and
   * leaves an existing connection's secrets as they were.
   */
  async completeAuthorization(input: { marketplace: Marketplace; query: Record<string, string | undefined>; tenantId?: string }): Promise<AuthorizationResult> {
    const query = Object.fromEntries(Object.entries(input.query).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
    const connector = this.deps.connectors.find(input.marketplace);
    const callback = readAuthorizationCallback(connector, query);
    if (!callback.ok && callback.reason === 'signature_invalid') {
      this.deps.logger.warn({ marketplace: input.marketplace, detail: callback.detail }, 'authorization callback with an invalid signature rejected');
      return { ok: false, reason: 'signature_invalid', returnTo: null };
    }
    if (!query.state) return { ok: false, reason: 'state_missing', returnTo: null };
    const em = crossTenantEntityManager(this.deps.orm);
    const row = await em.findOne(OAuthState, { stateHash: hashState(query.state) }, { filters: false });
    if (!row) return { ok: false, reason: 'state_unknown', returnTo: null };
    if (input.tenantId !== undefined && row.tenantId !== input.tenantId) {
      this.deps.logger.warn({ tenantId: input.tenantId, stateTenantId: row.tenantId, marketplace: input.marketplace, stateId: row.id }, 'authorization state of another tenant rejected');
      return { ok: false, reason: 'state_other_tenant', returnTo: null };
    }
    const consumed = await em.nativeUpdate(OAuthState, { id: row.id, usedAt: null }, { usedAt: new Date() }, { filters: false });
    const returnTo = row.returnTo;
    const log = this.deps.logger.child({ tenantId: row.tenantId, marketplace: input.marketplace, stateId: row.id });
    if (consumed === 0) return { ok: false, reason: 'state_used', returnTo };
    if (row.expiresAt.getTime() < Date.now()) return { ok: false, reason: 'state_expired', returnTo };
    if (row.marketplace !== input.marketplace || !connector) return { ok: false, reason: 'marketplace_mismatch', returnTo };
    if (!callback.ok) {
      if (callback.reason === 'access_denied') log.info({ detail: callback.detail }, 'merchant declined the authorization');
      return { ok: false, reason: callback.reason, returnTo };
    }
    if (row.shopDomain !== null && callback.shopDomain !== row.shopDomain) {
      log.warn({ expected: row.shopDomain, received: callback.shopDomain }, 'authorization callback came from another shop');
      return { ok: false, reason: 'shop_mismatch', returnTo };
    }

    const codeVerifier = row.codeVerifierCiphertext
      ? this.deps.vault.decrypt(row.codeVerifierCiphertext, { tenantId: row.tenantId, ownerId: row.id, purpose: 'code_verifier' })
      : undefined;
    // No connection exists yet, and the seller is unknown until the token response. MercadoLibre's
    // limit is per application, so the tenant's exchanges share the bucket of its sync calls.
    const traffic = this.deps.traffic?.forConnection({
      marketplace: input.marketplace,
      tenantId: row.tenantId,
      connectionId: AUTHORIZATION_CONNECTION_ID,
      accountId: callback.shopDomain ?? '',
    });
    let tokens: TokenSet;
    try {
      tokens = await connector.exchangeCode({ code: callback.code, codeVerifier, shopDomain: callback.shopDomain, traffic });
    } catch (error) {
      if (!(error instanceof MarketplaceError)) throw error;
      log.warn({ kind: error.kind, code: error.code, status: error.status, marketplaceMessage: error.marketplaceMessage }, 'authorization code exchange failed');
      return { ok: false, reason: exchangeFailure(error), returnTo, detail: error.code ?? error.kind };
    }
    const connectionId = await saveConnection(this.deps, { tenantId: row.tenantId, marketplace: input.marketplace, tokens, reason: 'authorized' });
    log.info({ connectionId, accountId: tokens.accountId }, 'marketplace account connected');
    await this.deps.sync.startSync({ tenantId: row.tenantId, connectionId, kind: SyncRunKind.IMPORT, trigger: 'authorization' });
    return { ok: true, tenantId: row.tenantId, connectionId, marketplace: input.marketplace, accountId: tokens.accountId, returnTo };
  }
}

/** Classifies a failed code exchange: a response of the wrong shape, a marketplace that is down, or a rejection. */
function exchangeFailure(error: MarketplaceError): AuthorizationFailure {
  if (error instanceof MarketplaceResponseShapeError || error.kind === 'unknown') return 'exchange_invalid_response';
  if (error.kind === 'transient' || error.kind === 'throttled') return 'exchange_unavailable';
  return 'exchange_failed';
}

/** Returns the reason a connector rejected a shop domain (Shopify's `invalid_shop_domain`), or null for any other error. */
function shopDomainProblemOf(error: unknown): string | null {
  if (!(error instanceof MarketplaceError) || error.code !== 'invalid_shop_domain') return null;
  const reason = (error.details as { reason?: unknown } | undefined)?.reason;
  return typeof reason === 'string' ? reason : null;
}
