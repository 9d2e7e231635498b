import type { Messages } from './es-MX.js';

/** English texts, chosen when the request prefers English (Accept-Language: en). */
export const en: Messages = {
  errors: {
    codes: {
      UNAUTHENTICATED: 'A valid access token is required.',
      FORBIDDEN: 'You are not allowed to perform this operation.',
      NOT_FOUND: 'The requested resource was not found.',
      BAD_USER_INPUT: 'The request contains invalid input.',
      CONFLICT: 'The operation conflicts with the current state. Fetch the data again and retry.',
      RATE_LIMITED: 'The request limit was reached. Wait a moment and retry.',
      MARKETPLACE_UNAVAILABLE: 'The marketplace is unavailable right now. Retry later.',
      INTERNAL_SERVER_ERROR: 'An internal error occurred. Retry; if the problem persists, contact support.',
    },
    auth: {
      missing: 'The access token is missing. Send the header Authorization: Bearer <token>.',
      malformed: 'The Authorization header is invalid. Use the form Bearer <token>.',
      invalid: 'The access token is invalid. Request a new token.',
      expired: 'The access token has expired. Request a new token.',
      claims: 'The access token has no valid tenant (claim tenant_id).',
      unverifiable: 'The access token could not be verified because the signing keys are unavailable. Retry later.',
      userRequired: 'This operation requires a user token (claim sub).',
    },
    notFound: {
      connection: 'Marketplace connection {{id}} was not found.',
      listing: 'Listing {{id}} was not found.',
      syncRun: 'Sync run {{id}} was not found.',
    },
    input: {
      invalidId: 'The value {{value}} of argument {{argument}} is not a valid id.',
      pageSize: 'Argument first must be between 1 and {{max}}; received {{value}}.',
      invalidCursor: 'The cursor in argument after is invalid. Use the endCursor of an earlier page of the same query.',
      tooLong: 'Argument {{argument}} accepts at most {{max}} characters.',
      tooMany: 'Argument {{argument}} accepts at most {{max}} values.',
      invalidQuery: 'The query is invalid: {{detail}}',
      marketplaceNotConfigured: 'Marketplace {{marketplace}} is not configured on this service; set its client id and secret.',
      authorizationRejected: 'Cannot start the {{marketplace}} authorization: {{detail}}',
      returnToNotAllowed: 'Return address {{returnTo}} is not allowed; use one of the addresses configured in ALLOWED_RETURN_URLS.',
      queryTooDeep: 'The query is {{depth}} levels deep; the maximum is {{max}}.',
    },
    conflict: {
      connectionNotActive: 'Connection {{id}} is {{status}}; reconnect the account before syncing.',
    },
  },
  marketplaces: {
    MERCADOLIBRE: 'Mercado Libre',
    SHOPIFY: 'Shopify',
    TIKTOK: 'TikTok Shop',
    SHEIN: 'SHEIN',
  },
  conflicts: {
    description:
      'The {{field}} of {{listing}} on {{marketplace}} changed on both sides: EGDC has {{local}} and {{marketplace}} has {{remote}}; the last agreed value was {{base}}.',
    noValue: 'no value',
    fields: {
      stock: 'stock',
      price: 'price',
      title: 'title',
      status: 'status',
    },
  },
  oauth: {
    connectedTitle: 'Account connected',
    failedTitle: 'The account could not be connected',
    connected: 'Your {{marketplace}} account ({{account}}) is now connected to EGDC. Your listings will be imported in a few moments.',
    back: 'Back to EGDC',
    close: 'You can close this window now.',
    reasons: {
      unknown_marketplace: 'Marketplace "{{value}}" is not recognized. Go back to EGDC and start the connection again.',
      state_missing: 'The response from {{marketplace}} has no state parameter. Go back to EGDC and start the connection again.',
      state_unknown: 'This connection request does not exist or is not from this service. Go back to EGDC and start the connection again.',
      state_used: 'This connection request was already used. Go back to EGDC and start the connection again.',
      state_expired: 'This connection request expired (it lasts 10 minutes). Go back to EGDC and start the connection again.',
      marketplace_mismatch: 'This connection request was started for another marketplace. Go back to EGDC and start the connection again.',
      access_denied: 'You cancelled the authorization on {{marketplace}}, so nothing was connected. You can try again from EGDC.',
      code_missing: 'The response from {{marketplace}} has no authorization code. Go back to EGDC and start the connection again.',
      signature_invalid: 'The response from {{marketplace}} has no valid signature, so it was not used. Go back to EGDC and start the connection again.',
      shop_invalid: 'The shop in the response from {{marketplace}} is not a valid address. Go back to EGDC and start the connection again.',
      shop_mismatch: 'The response came from a different {{marketplace}} shop than the one you started with. Go back to EGDC and start the connection again.',
      exchange_failed: '{{marketplace}} rejected the authorization code. Nothing was stored; go back to EGDC and start the connection again.',
    },
  },
  events: {
    SYNC_RUN_STARTED: 'A sync run started.',
    SYNC_RUN_FINISHED: 'A sync run finished.',
    LISTING_UPDATED: 'A listing was updated.',
    STOCK_PUSHED: 'Stock was sent to the marketplace.',
    ORDER_APPLIED: 'A marketplace order was applied to stock.',
    CONNECTION_STATUS_CHANGED: 'The connection status changed.',
  },
};
