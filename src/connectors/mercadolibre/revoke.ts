import type { ConnectorSession } from '../shared/contract.js';
import type { HttpResponseHook } from '../shared/http.js';
import { revokeAuthorization } from './auth.js';
import type { MercadoLibreConfig } from './config.js';

/**
 * Removes the seller's authorization of our application with
 * `DELETE /users/{user_id}/applications/{app_id}`, which revokes every token of the connection.
 * NOTE: MercadoLibre documents this call only in third-party material; the local sandbox models it.
 */
export function revokeSellerAuthorization(config: MercadoLibreConfig, session: ConnectorSession, onResponse?: HttpResponseHook): Promise<void> {
  return revokeAuthorization(config, session.tokens, session.accountId, { logger: session.logger, onResponse });
}
