import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  buildAuthorizationUrl,
  createMercadoLibreConfig,
  mapItemToListings,
  mapMercadoLibreError,
  parseNotification,
  safeParseNotification,
  type MercadoLibreErrorDetails,
} from '../../src/connectors/mercadolibre/index.js';
import { itemSchema } from '../../src/connectors/mercadolibre/schemas.js';
import {
  createPkcePair,
  formatIssuePath,
  MarketplaceError,
  MarketplaceResponseShapeError,
  parseResponseBody,
  parseRetryAfter,
  pkceChallenge,
  redactSecrets,
} from '../../src/connectors/shared/index.js';

const config = createMercadoLibreConfig({
  clientId: '4444555566667777',
  clientSecret: 'sandbox-client-secret-value',
  redirectUri: 'https://app.example.test/oauth/mercadolibre/callback',
});

function errorResponse(status: number, body: unknown, headers: Record<string, string> = {}) {
  return { method: 'GET', path: '/items/MLM1', status, headers: new Headers(headers), body };
}

describe('PKCE', () => {
  it('matches the RFC 7636 appendix B vector', () => {
    expect(pkceChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
  });

  it('creates a valid random pair', () => {
    const first = createPkcePair();
    const second = createPkcePair();
    expect(first.method).toBe('S256');
    expect(first.verifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(first.challenge).toBe(pkceChallenge(first.verifier));
    expect(second.verifier).not.toBe(first.verifier);
  });

  it('rejects a short verifier without quoting it', () => {
    expect(() => pkceChallenge('too-short-verifier')).toThrow(/length 18/);
    expect(() => pkceChallenge('too-short-verifier')).not.toThrow(/too-short-verifier/);
  });
});

describe('configuration', () => {
  it('fills in the production hosts', () => {
    expect(config.authBaseUrl).toBe('https://auth.mercadolibre.com.mx');
    expect(config.apiBaseUrl).toBe('https://api.mercadolibre.com');
  });

  it('lists every invalid key without the secret', () => {
    const attempt = () =>
      createMercadoLibreConfig({ clientId: '', clientSecret: 'super-secret-value', redirectUri: 'not a url' });
    expect(attempt).toThrow(/clientId/);
    expect(attempt).toThrow(/redirectUri/);
    expect(attempt).not.toThrow(/super-secret-value/);
  });
});

describe('buildAuthorizationUrl', () => {
  it('carries the OAuth and PKCE parameters', () => {
    const url = new URL(buildAuthorizationUrl({ config, state: 'state-123', codeChallenge: 'challenge-abc' }));
    expect(url.origin + url.pathname).toBe('https://auth.mercadolibre.com.mx/authorization');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      response_type: 'code',
      client_id: '4444555566667777',
      redirect_uri: 'https://app.example.test/oauth/mercadolibre/callback',
      state: 'state-123',
      code_challenge: 'challenge-abc',
      code_challenge_method: 'S256',
    });
  });

  it('rejects an empty state', () => {
    expect(() => buildAuthorizationUrl({ config, state: '', codeChallenge: 'x' })).toThrow(/state/);
  });
});

describe('mapMercadoLibreError', () => {
  it('maps an invalid token to auth', () => {
    const error = mapMercadoLibreError(errorResponse(401, { message: 'invalid_token', error: 'not_found', status: 401, cause: [] }));
    expect(error.kind).toBe('auth');
    expect(error.code).toBe('invalid_token');
    expect(error.status).toBe(401);
    expect(error.retryable).toBe(false);
  });

  it('maps invalid_grant to auth', () => {
    const error = mapMercadoLibreError(
      errorResponse(400, {
        message: 'Error validating grant. Your authorization code or refresh token may be expired or it was already used.',
        error: 'invalid_grant',
        status: 400,
        cause: [],
      }),
    );
    expect(error.kind).toBe('auth');
    expect(error.code).toBe('invalid_grant');
    expect(error.marketplaceMessage).toMatch(/^Error validating grant/);
  });

  it('maps 403 to auth with code forbidden', () => {
    const error = mapMercadoLibreError(errorResponse(403, { message: 'caller.forbidden', error: 'forbidden', status: 403, cause: [] }));
    expect(error.kind).toBe('auth');
    expect(error.code).toBe('forbidden');
  });

  it('maps 429 to throttled with Retry-After', () => {
    const body = { message: 'local_rate_limited', error: 'local_rate_limited', status: 429, cause: [] };
    const error = mapMercadoLibreError(errorResponse(429, body, { 'retry-after': '1' }));
    expect(error.kind).toBe('throttled');
    expect(error.retryAfterSeconds).toBe(1);
    expect(error.retryable).toBe(true);
    expect(error.message).toMatch(/Retry after 1 s/);
  });

  it('maps 5xx and non-JSON bodies to transient', () => {
    const error = mapMercadoLibreError(errorResponse(502, '<html>Bad Gateway</html>'));
    expect(error.kind).toBe('transient');
    expect(error.retryable).toBe(true);
    expect(error.marketplaceMessage).toBe('<html>Bad Gateway</html>');
  });

  it('keeps validation causes and message', () => {
    const error = mapMercadoLibreError(
      errorResponse(400, {
        message: 'Variation without id would be recreated',
        error: 'validation_error',
        status: 400,
        cause: [
          {
            code: 'item.variations.id.missing',
            message: 'Variation at index 1 has no id',
            type: 'error',
            department: 'items',
            cause_id: 123,
            references: ['variations[1].id'],
          },
        ],
      }),
    );
    expect(error.kind).toBe('invalid_input');
    expect(error.code).toBe('validation_error');
    expect(error.marketplaceMessage).toBe('Variation without id would be recreated');
    const details = error.details as MercadoLibreErrorDetails;
    expect(details.cause).toEqual([
      { code: 'item.variations.id.missing', message: 'Variation at index 1 has no id', type: 'error', references: ['variations[1].id'] },
    ]);
  });

  it('maps bad_request to invalid_input and 404 to not_found', () => {
    expect(mapMercadoLibreError(errorResponse(400, { message: 'Invalid limit and offset values', error: 'bad_request' })).kind).toBe(
      'invalid_input',
    );
    expect(mapMercadoLibreError(errorResponse(404, { message: 'Item with id MLM1 not found', error: 'not_found' })).kind).toBe('not_found');
  });

  it('reads error_description when message is absent', () => {
    const error = mapMercadoLibreError(errorResponse(400, { error: 'invalid_request', error_description: 'code is required' }));
    expect(error.marketplaceMessage).toBe('code is required');
    expect(error.kind).toBe('invalid_input');
  });

  it('redacts tokens and given secrets', () => {
    const token = 'APP_USR-4444555566667777-120419-0123456789abcdef0123456789abcdef-123';
    const error = mapMercadoLibreError(
      errorResponse(400, { message: `token ${token} and refresh TG-0123456789abcdef01234567-123 and my-client-secret`, error: 'bad_request' }),
      ['my-client-secret'],
    );
    expect(error.message).not.toContain(token);
    expect(error.message).not.toContain('TG-0123456789abcdef01234567-123');
    expect(error.message).not.toContain('my-client-secret');
    expect(error.marketplaceMessage).toBe('token [REDACTED] and refresh [REDACTED] and [REDACTED]');
  });
});

describe('shared helpers', () => {
  it('formats zod issue paths', () => {
    expect(formatIssuePath([0, 'body', 'variations', 1, 'id'])).toBe('[0].body.variations[1].id');
    expect(formatIssuePath(['paging', 'total'])).toBe('paging.total');
    expect(formatIssuePath([])).toBe('(root)');
  });

  it('reads Retry-After seconds and dates', () => {
    const now = new Date('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('3', now)).toBe(3);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:10 GMT', now)).toBe(10);
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
  });

  it('masks every occurrence of a secret', () => {
    expect(redactSecrets('a s3cr3t-value b s3cr3t-value', [], ['s3cr3t-value'])).toBe('a [REDACTED] b [REDACTED]');
    expect(() => redactSecrets('x', [/x/])).toThrow(/g flag/);
  });

  it('names the failing field of a response', () => {
    const schema = z.object({ paging: z.object({ total: z.number() }) });
    let caught: unknown;
    try {
      parseResponseBody(schema, { paging: { total: 'many' } }, { marketplace: 'MERCADOLIBRE', operation: 'GET /x' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(MarketplaceResponseShapeError);
    expect(caught).toBeInstanceOf(MarketplaceError);
    const shapeError = caught as MarketplaceResponseShapeError;
    expect(shapeError.kind).toBe('unknown');
    expect(shapeError.code).toBe('unexpected_response');
    expect(shapeError.fieldPath).toBe('paging.total');
    expect(shapeError.message).toContain('"paging.total"');
    expect(shapeError.message).not.toContain('many');
  });
});

describe('notification parsing', () => {
  const orderNotification = {
    _id: '0b1c2d3e-aaaa-bbbb-cccc-000000000001',
    resource: '/orders/2000009876543210',
    user_id: 111222333,
    topic: 'orders_v2',
    application_id: 4444555566667777,
    attempts: 2,
    sent: '2025-05-10T16:19:20.129Z',
    received: '2025-05-10T16:19:20.106Z',
  };

  it('parses an order notification', () => {
    const notification = parseNotification(orderNotification);
    expect(notification.topic).toBe('orders_v2');
    expect(notification.resource).toBe('/orders/2000009876543210');
    expect(notification.userId).toBe('111222333');
    expect(notification.applicationId).toBe('4444555566667777');
    expect(notification.attempts).toBe(2);
    expect(notification.dedupeKey).toBe('id:0b1c2d3e-aaaa-bbbb-cccc-000000000001');
  });

  it('keeps the dedupe key across retries', () => {
    const retry = parseNotification({ ...orderNotification, attempts: 3, sent: '2025-05-10T16:20:20.000Z' });
    expect(retry.dedupeKey).toBe(parseNotification(orderNotification).dedupeKey);
  });

  it('falls back to topic, resource and received time', () => {
    const { _id: _unused, ...withoutId } = orderNotification;
    const notification = parseNotification(withoutId);
    expect(notification.dedupeKey).toBe('orders_v2:/orders/2000009876543210:2025-05-10T16:19:20.106Z');
  });

  it('accepts user_id as a string', () => {
    const notification = parseNotification({ ...orderNotification, user_id: '123456789', topic: 'questions', resource: '/questions/1' });
    expect(notification.userId).toBe('123456789');
  });

  it('defaults missing attempts to 1', () => {
    const { attempts: _ignored, ...withoutAttempts } = orderNotification;
    expect(parseNotification(withoutAttempts).attempts).toBe(1);
  });

  it('names the missing field', () => {
    const { resource: _ignored, ...withoutResource } = orderNotification;
    const result = safeParseNotification(withoutResource);
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.reason).toContain('"resource"');
    expect(() => parseNotification(withoutResource)).toThrow(MarketplaceError);
  });

  it('rejects a non-numeric user_id', () => {
    expect(safeParseNotification({ ...orderNotification, user_id: 'seller-1' }).ok).toBe(false);
    expect(safeParseNotification('not json object').ok).toBe(false);
  });
});

describe('mapItemToListings', () => {
  const item = itemSchema.parse({
    id: 'MLM1234567890',
    seller_id: 123,
    title: 'Tacones Gabrielas 200 Plata',
    price: 418,
    currency_id: 'MXN',
    available_quantity: 8,
    status: 'active',
    last_updated: '2026-12-04T19:00:00.000Z',
    attributes: [{ id: 'BRAND', value_name: 'GABRIELAS' }],
    variations: [
      {
        id: 174000000001,
        price: 418,
        available_quantity: 3,
        attribute_combinations: [
          { id: 'SIZE', name: 'Talla', value_id: null, value_name: '23' },
          { id: 'COLOR', name: 'Color', value_id: null, value_name: 'PLATA' },
        ],
        attributes: [
          { id: 'SELLER_SKU', name: 'SKU', value_name: 'GABR200_PLATA23' },
          { id: 'GTIN', name: 'Código universal de producto', value_name: '7506597529564' },
        ],
      },
      { id: 174000000002, available_quantity: 5, attribute_combinations: [{ id: 'SIZE', value_name: '24' }], attributes: [] },
    ],
  });

  it('maps each variation to a listing', () => {
    const listings = mapItemToListings(item);
    expect(listings).toHaveLength(2);
    expect(listings[0]).toEqual({
      marketplace: 'MERCADOLIBRE',
      externalId: 'MLM1234567890',
      externalVariantId: '174000000001',
      sellerSku: 'GABR200_PLATA23',
      title: 'Tacones Gabrielas 200 Plata',
      price: 418,
      currency: 'MXN',
      availableQuantity: 3,
      status: 'active',
      size: '23',
      color: 'PLATA',
      gtin: '7506597529564',
      updatedAt: new Date('2026-12-04T19:00:00.000Z'),
    });
    expect(listings[1]).toMatchObject({ externalVariantId: '174000000002', sellerSku: null, price: 418, size: '24', color: null, gtin: null });
  });

  it('maps an item without variations to one listing', () => {
    const listings = mapItemToListings({ ...item, variations: [], attributes: [{ id: 'SELLER_SKU', value_name: 'PLAIN-1' }] });
    expect(listings).toHaveLength(1);
    expect(listings[0]).toMatchObject({ externalVariantId: null, sellerSku: 'PLAIN-1', availableQuantity: 8 });
  });
});
