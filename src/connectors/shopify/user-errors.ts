import { MarketplaceError, type MarketplaceErrorKind } from '../shared/errors.js';
import { nextStep } from './errors.js';

/** A `userErrors` entry of a mutation payload. */
export interface UserError {
  code: string | null;
  field: string[] | null;
  message: string;
}

const KIND_BY_CODE: Record<string, MarketplaceErrorKind> = {
  CHANGE_FROM_QUANTITY_STALE: 'conflict',
  COMPARE_QUANTITY_STALE: 'conflict',
  INVALID_INVENTORY_ITEM: 'not_found',
  INVALID_LOCATION: 'not_found',
  ITEM_NOT_STOCKED_AT_LOCATION: 'not_found',
  IDEMPOTENCY_CONCURRENT_REQUEST: 'transient',
  // A reused key with other parameters, or after a failed attempt, is a bug on our side.
  IDEMPOTENCY_KEY_PARAMETER_MISMATCH: 'unknown',
  IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED: 'unknown',
};

/** Maps one userError of inventorySetQuantities to a MarketplaceError; unlisted codes are invalid input. */
export function classifyUserError(userError: UserError): MarketplaceError {
  const code = userError.code ?? 'user_error';
  const kind = KIND_BY_CODE[code] ?? 'invalid_input';
  const field = userError.field ? ` (field ${userError.field.join('.')})` : '';
  return new MarketplaceError('SHOPIFY', `Shopify rejected the stock change${field}: ${userError.message.trim().replace(/\.+$/, '')} [${code}]. ${nextStep(kind)}`, {
    kind,
    code,
    status: 200,
    marketplaceMessage: userError.message,
    details: { field: userError.field },
  });
}

/** Index of the quantity a userError names through `field` (`input.quantities.<n>...`), or null. */
export function quantityIndexOf(field: string[] | null): number | null {
  if (!field || field[0] !== 'input' || field[1] !== 'quantities' || field[2] === undefined || !/^\d+$/.test(field[2])) return null;
  return Number(field[2]);
}
